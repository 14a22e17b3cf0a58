#!/usr/bin/env python3
"""Gate concurrency benchmark (issue 18): `--clients` (8) clients at once, each reading the
5,000-row result (`SELECT id, name AS label, email FROM shop.big WHERE id <= 5000`, jobs.query,
a fresh connection per query) `--queries` times, straight to the bqemulator emulator and then
through one standalone `hrec gate` whose policy masks one column (email). Prints rows/s each
way and the gate's peak resident memory (VmHWM in /proc/PID/status).

    swift build -c release --product hrec
    .venv/bin/python bench/gate_concurrency.py [--hrec .build/release/hrec] [--clients 8] [--queries 5]
"""
import argparse
import pathlib
import shutil
import signal
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
from emulator import Emulator  # noqa: E402
from gate_latency import MASKING_POLICY, big_query, start_gate  # noqa: E402


def run_clients(port, headers, clients, queries, expect_masked):
    """Every client's queries at once; total rows and wall seconds."""
    failures = []
    rows = [0] * clients
    barrier = threading.Barrier(clients + 1)

    def client(index):
        barrier.wait()
        try:
            for _ in range(queries):
                _, _, emails = big_query(port, headers)
                if emails[0].startswith("XXXXX@") != expect_masked:
                    raise RuntimeError(f"masking {'applied' if not expect_masked else 'missing'}: {emails}")
                rows[index] += 5000
        except Exception as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} clients failed: {failures[0]}")
    return sum(rows), elapsed


def peak_rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hrec", default=str(ROOT / ".build" / "release" / "hrec"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=5, help="queries per client")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-gate-concurrency-"))
    emulator = Emulator()
    gate = None
    try:
        emulator.seed()
        key = work / "masking.key"
        key.write_text("0123456789abcdef0123456789abcdef\n")
        key.chmod(0o600)
        config = work / "masked.yaml"
        config.write_text(MASKING_POLICY.format(key=key, url=emulator.url))
        gate, port, headers = start_gate(args.hrec, config, work, "concurrency")
        big_query(port, headers)  # warm-up: token, connections, schema paths
        big_query(emulator.port, {})
        results = {}
        for name, target, extra, masked in (("direct to emulator", emulator.port, {}, False),
                                            ("through the gate, masked", port, headers, True)):
            results[name] = run_clients(target, extra, args.clients, args.queries, masked)
        rss = peak_rss_kib(gate.pid)
        print(f"{args.clients} clients at once, {args.queries} x 5,000-row jobs.query each")
        print(f"{'':26} {'rows':>8} {'seconds':>8} {'rows/s':>9}")
        for name, (rows, seconds) in results.items():
            print(f"{name:26} {rows:8d} {seconds:8.2f} {rows / seconds:9.0f}")
        direct = results["direct to emulator"]
        gated = results["through the gate, masked"]
        print(f"gate throughput / direct: {gated[0] / gated[1] / (direct[0] / direct[1]):.2f}")
        print(f"gate peak RSS (VmHWM): {rss / 1024:.1f} MiB")
    finally:
        if gate:
            gate.send_signal(signal.SIGTERM)
            gate.wait(timeout=10)
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
