#!/usr/bin/env python3
"""Gate latency benchmark (issue 4): the same small queries sent straight to the bqemulator
emulator and through `hrec gate` (dev identity, token exchanged once), over persistent HTTP
connections, in the same run. Prints p50/p90/p99 of each and the latency the gate adds.

    swift build -c release --product hrec
    .venv/bin/python bench/gate_latency.py [--hrec .build/release/hrec] [--queries 600]
"""
import argparse
import http.client
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
from emulator import Emulator, free_port  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_queries(port, count, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"query": "SELECT 1 AS x", "useLegacySql": False})
    latencies = []
    for index in range(count + 20):
        start = time.perf_counter()
        connection.request("POST", "/bigquery/v2/projects/test-proj/queries?prettyPrint=false", body=body,
                           headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"status {response.status}: {payload[:200]}")
        if index >= 20:  # warm-up excluded
            latencies.append(elapsed)
    connection.close()
    return latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hrec", default=str(ROOT / ".build" / "release" / "hrec"))
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-gate-bench-"))
    emulator = Emulator()
    gate = None
    try:
        config = work / "gate.yaml"
        config.write_text(f"identity:\n  dev: true\nupstream:\n  url: {emulator.url}\n")
        port = free_port()
        env = dict(os.environ, XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"))
        gate = subprocess.Popen([args.hrec, "gate", "--config", str(config), "--listen", f"127.0.0.1:{port}",
                                 "--journals", str(work / "journals")], env=env, stderr=subprocess.PIPE, text=True)
        gate.stderr.readline()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "dev"})
        connection.request("POST", "/v1/token", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        token = json.loads(connection.getresponse().read())["access_token"]
        connection.close()
        # Interleave rounds so both paths see the same machine conditions.
        direct, gated = [], []
        rounds = 3
        for _ in range(rounds):
            direct += run_queries(emulator.port, args.queries // rounds, {})
            gated += run_queries(port, args.queries // rounds, {"Authorization": f"Bearer {token}"})
        print(f"{len(direct)} queries each way (SELECT 1 via jobs.query, persistent connections)")
        print(f"{'':24} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
        for name, values in (("direct to emulator", direct), ("through hrec gate", gated)):
            print(f"{name:24} {percentile(values, 50):8.2f} {percentile(values, 90):8.2f} {percentile(values, 99):8.2f} {statistics.mean(values):8.2f}")
        print(f"{'added by the gate':24} {percentile(gated, 50) - percentile(direct, 50):+8.2f} "
              f"{percentile(gated, 90) - percentile(direct, 90):+8.2f} {percentile(gated, 99) - percentile(direct, 99):+8.2f} "
              f"{statistics.mean(gated) - statistics.mean(direct):+8.2f}")
        print("goal: at most +1 ms at p50 and +3 ms at p99")
    finally:
        if gate:
            gate.send_signal(signal.SIGTERM)
            gate.wait(timeout=10)
        emulator.stop()


if __name__ == "__main__":
    main()
