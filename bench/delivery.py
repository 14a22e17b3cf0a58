#!/usr/bin/env python3
"""Delivery benchmark (issue 17): one `hrec run` shipping to a real `hrec collect` on this machine
(filesystem store). In alternating rounds, the same workload recorded with delivery off and on;
prints the recorder's CPU (hrec and its command, GNU time) for both, and for delivery: frames/s
and MB/s of journal from the session's start to the last receipt, the lag between the end of
the command and that receipt, and the rate of `hrec deliver` sending a finished journal.

    swift build -c release --product hrec
    .venv/bin/python bench/delivery.py [--hrec .build/release/hrec] [--runs 3] [--mib 50]
"""
import argparse
import json
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def timed(command, cwd, env):
    stats = pathlib.Path(cwd) / "time.txt"
    started = time.time()
    done = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats), *command],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()}")
    wall, user, system, rss_kib = stats.read_text().split()[-4:]
    return started, float(wall), float(user) + float(system), int(rss_kib)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hrec", default=str(ROOT / ".build" / "release" / "hrec"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mib", type=int, default=50)
    args = parser.parse_args()
    args.hrec = str(pathlib.Path(args.hrec).resolve())
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-delivery-bench-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"))
    collector = None
    try:
        big = work / "big.txt"
        with open(big, "wb") as out:
            subprocess.run([sys.executable, str(ROOT / "bench" / "agent_session.py"), "--bytes", str(args.mib << 20), "--pace", "0"],
                           stdout=out, check=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config = work / "collector.yaml"
        config.write_text(f"storage:\n  directory: {work / 'store'}\nsigning_key: {work / 'collector-key'}\n")
        collector = subprocess.Popen([args.hrec, "collect", "--config", str(config), "--listen", f"127.0.0.1:{port}", "--dev-identity"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        workload = f"cat {big}"
        base = [args.hrec, "run", "-q", "--no-gate", "--unconfined"]
        off, on, throughput = [], [], []
        for round_ in range(args.runs):  # alternating rounds: off, then on
            journal = work / f"off-{round_}.hrec"
            off.append(timed([*base, "--journal", str(journal), "--", "sh", "-c", workload], work, env))
            journal = work / f"on-{round_}.hrec"
            started, wall, cpu, rss = timed([*base, "--dev-identity", "--collector", f"http://127.0.0.1:{port}",
                                             "--journal", str(journal), "--", "sh", "-c", workload], work, env)
            on.append((started, wall, cpu, rss))
            data = journal.read_bytes()
            session = data[20:36].hex()
            (start_micros,) = struct.unpack_from("<q", data, 36)
            state = json.loads((work / "data" / "hrec" / "delivery" / f"{session}.json").read_text())
            assert state["deliveredFrames"] == state["localFrames"] and state["indexDelivered"], state
            receipt_micros = state["lastReceipt"]["receivedAtMicros"]
            seconds = (receipt_micros - start_micros) / 1e6
            ended = journal.stat().st_mtime
            throughput.append((state["localFrames"] / seconds, len(data) / seconds / 1e6, receipt_micros / 1e6 - ended, len(data),
                               state["localFrames"]))
        # Delivery alone: the finished journals of the rounds without delivery, sent by hrec deliver.
        shipped = []
        for round_ in range(args.runs):
            journal = work / f"off-{round_}.hrec"
            data = journal.read_bytes()
            started = time.time()
            subprocess.run([args.hrec, "deliver", "--dev-identity", "--collector", f"http://127.0.0.1:{port}", str(journal)],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            seconds = time.time() - started
            frames = json.loads((work / "data" / "hrec" / "delivery" / f"{data[20:36].hex()}.json").read_text())["localFrames"]
            shipped.append((frames / seconds, len(data) / seconds / 1e6, seconds))
        print(f"workload: {workload} ({args.mib} MiB of agent-like output), median of {args.runs} alternating rounds")
        print(f"{'':24}{'wall s':>8}{'CPU s':>8}{'peak RSS MiB':>14}")
        for name, runs in (("delivery off", off), ("delivery on (async)", on)):
            print(f"{name:24}{median(r[1] for r in runs):8.2f}{median(r[2] for r in runs):8.2f}{max(r[3] for r in runs) / 1024:14.1f}")
        frames_s = median(t[0] for t in throughput)
        mb_s = median(t[1] for t in throughput)
        lag = median(t[2] for t in throughput)
        print(f"delivery: {median(t[4] for t in throughput)} frames, {median(t[3] for t in throughput) / 1e6:.1f} MB of journal; "
              f"{frames_s:.0f} frames/s, {mb_s:.1f} MB/s from the session's start to the last receipt; "
              f"last receipt {lag:.2f} s after the journal was closed")
        print(f"hrec deliver of a finished journal: {median(t[0] for t in shipped):.0f} frames/s, "
              f"{median(t[1] for t in shipped):.1f} MB/s ({median(t[2] for t in shipped):.2f} s, process start included)")
    finally:
        if collector:
            collector.send_signal(signal.SIGTERM)
            collector.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
