#!/usr/bin/env python3
"""Streamed result pages (issue 18): a large page read through the gate held whole vs streamed
row by row, with one masked column, beside the emulator read directly; same run, alternating
rounds. Per path the median time to the first body byte and to the last, and each gate's peak
resident memory (VmHWM) over all its rounds.

    swift build -c release --product hrec
    .venv/bin/python bench/gate_streaming.py [--hrec .build/release/hrec] [--rows 200000] [--rounds 5]
"""
import argparse
import http.client
import json
import pathlib
import signal
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
sys.path.insert(0, str(ROOT / "bench"))
from emulator import Emulator  # noqa: E402
from gate_latency import MASKING_POLICY, start_gate  # noqa: E402

POLICY = MASKING_POLICY + """limits:
  stream_above: {stream_above}
  max_response: 1GiB
"""

def read_page(port, headers, rows):
    """One jobs.query of `rows` rows on a fresh connection: ms to the first body byte, ms to
    the last, bytes."""
    body = json.dumps({"query": f"SELECT id, name, email FROM shop.huge WHERE id <= {rows}", "useLegacySql": False,
                       "maxResults": rows, "timeoutMs": 120000})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.connect()
    start = time.perf_counter()
    connection.request("POST", "/bigquery/v2/projects/test-proj/queries?prettyPrint=false", body=body,
                       headers={"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    first = response.read(1)
    first_at = time.perf_counter()
    rest = response.read()
    end = time.perf_counter()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"status {response.status}: {(first + rest)[:300]}")
    page = json.loads(first + rest)
    if len(page.get("rows", [])) != rows:
        raise RuntimeError(f"{len(page.get('rows', []))} rows instead of {rows}")
    return (first_at - start) * 1000, (end - start) * 1000, len(first) + len(rest)


def peak_kib(pid):
    return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM:")).split()[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hrec", default=str(ROOT / ".build" / "release" / "hrec"))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-stream-bench-"))
    (work / "masking.key").write_text("0123456789abcdef0123456789abcdef\n")
    emulator = Emulator()
    gates = []
    try:
        emulator.seed()
        emulator.query(f"CREATE OR REPLACE TABLE shop.huge AS SELECT x AS id, CONCAT('name-', CAST(x AS STRING)) AS name, "
                       f"CONCAT('user', CAST(x AS STRING), '@big.example.com') AS email FROM UNNEST(GENERATE_ARRAY(1, {args.rows})) AS x")
        paths = [("direct to the emulator", emulator.port, {}, None)]
        for name, above in [("gate, held whole", "1GiB"), ("gate, streamed", "1MiB")]:
            config = work / f"{name.split()[-1]}.yaml"
            config.write_text(POLICY.format(key=work / "masking.key", url=emulator.url, stream_above=above))
            gate, port, headers = start_gate(args.hrec, config, work, name.split()[-1])
            gates.append(gate)
            paths.append((name, port, headers, gate))
        results = {name: [] for name, *_ in paths}
        size = 0
        for round_index in range(args.rounds + 1):  # round 0 warms up
            order = paths if round_index % 2 == 0 else list(reversed(paths))
            for name, port, headers, _ in order:
                first, last, size = read_page(port, headers, args.rows)
                if round_index:
                    results[name].append((first, last))
        print(f"one jobs.query page of {args.rows:,} rows ({size / 1e6:.1f} MB), email masked through the gate; "
              f"{args.rounds} alternating rounds, medians")
        print("(the emulator computes the whole page before it sends a byte, so the first byte waits for it on every path)")
        print(f"{'':24} {'first byte ms':>14} {'last byte ms':>13} {'first to last ms':>17} {'gate peak RSS MiB':>18}")
        for name, _, _, gate in paths:
            first = statistics.median(r[0] for r in results[name])
            last = statistics.median(r[1] for r in results[name])
            spread = statistics.median(r[1] - r[0] for r in results[name])
            peak = f"{peak_kib(gate.pid) / 1024:18.1f}" if gate else f"{'-':>18}"
            print(f"{name:24} {first:14.1f} {last:13.1f} {spread:17.1f} {peak}")
    finally:
        for gate in gates:
            gate.send_signal(signal.SIGTERM)
            gate.wait(timeout=30)
        emulator.stop()


if __name__ == "__main__":
    main()
