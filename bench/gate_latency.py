#!/usr/bin/env python3
"""Gate latency benchmark (issues 4 and 18), every path in the same run, alternating rounds:

1. `SELECT 1` via jobs.query against a canned upstream (nginx `return 200` with the body the
   emulator gave for it, ~0.1 ms): direct, through nginx as a plain reverse proxy, and through
   `hrec gate` (dev identity, token exchanged once); persistent connections; per path the
   median over `--rounds` (7) rounds of each round's p50 and p99, and the time added to direct.
2. A 5,000-row result, `SELECT id, name AS label, email FROM shop.big WHERE id <= 5000` via
   jobs.query against the emulator: direct, through nginx, through a gate without masking, with
   a policy, and with a policy that masks one column (email); medians of `--rounds` each. Then
   the gate's own time per call (from its journal) and the journal bytes per MB of response.

    swift build -c release --product hrec
    .venv/bin/python bench/gate_latency.py [--hrec .build/release/hrec] [--queries 600] [--rounds 7]
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
import hrec_journal  # noqa: E402
from nginx_peer import NginxPeer  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed_query(connection, body, headers):
    """One jobs.query on `connection`: its wall time in ms and the response body."""
    start = time.perf_counter()
    connection.request("POST", "/bigquery/v2/projects/test-proj/queries?prettyPrint=false", body=body,
                       headers={"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise RuntimeError(f"status {response.status}: {payload[:200]}")
    return elapsed, payload


def run_queries(port, count, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"query": "SELECT 1 AS x", "useLegacySql": False})
    latencies = []
    for index in range(count + 20):
        elapsed, _ = timed_query(connection, body, headers)
        if index >= 20:  # warm-up excluded
            latencies.append(elapsed)
    connection.close()
    return latencies

BIG_SQL = "SELECT id, name AS label, email FROM shop.big WHERE id <= 5000"
MASKING_POLICY = """version: 1
default: allow
masking:
  key_file: {key}
  columns:
    - column: email
      style: email_mask
identity:
  dev: true
upstream:
  url: {url}
"""


def start_gate(hrec, config, work, name):
    port = free_port()
    env = dict(os.environ, XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"))
    gate = subprocess.Popen([hrec, "gate", "--config", str(config), "--listen", f"127.0.0.1:{port}",
                             "--journals", str(work / f"journals-{name}")], env=env, stderr=subprocess.PIPE, text=True)
    line = gate.stderr.readline()
    if "listening" not in line:
        raise RuntimeError(f"hrec gate ({name}) did not start: {line}")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "dev"})
    connection.request("POST", "/v1/token", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    token = json.loads(connection.getresponse().read())["access_token"]
    connection.close()
    return gate, port, {"Authorization": f"Bearer {token}"}


def big_query(port, headers):
    """One jobs.query of the 5,000-row result on a fresh connection (the emulator drops idle
    ones), timed from the request on: its wall time in ms, its size and two rows' emails."""
    body = json.dumps({"query": BIG_SQL, "useLegacySql": False, "maxResults": 10000})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.connect()
    elapsed, payload = timed_query(connection, body, headers)
    connection.close()
    rows = json.loads(payload).get("rows", [])
    if len(rows) != 5000:
        raise RuntimeError(f"{len(rows)} rows instead of 5000 (paged?)")
    return elapsed, len(payload), [row["f"][2]["v"] for row in rows[:2]]


def big_result_rounds(hrec, emulator, work, rounds, config, nginx_port):
    key = work / "masking.key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    key.chmod(0o600)
    masked_config = work / "masked.yaml"
    masked_config.write_text(MASKING_POLICY.format(key=key, url=emulator.url))
    # The same policy without its masking section: what the policy decision costs on its own.
    policy_config = work / "policy.yaml"
    policy_config.write_text(f"version: 1\ndefault: allow\nidentity:\n  dev: true\nupstream:\n  url: {emulator.url}\n")
    gates = []
    try:
        gates.append(start_gate(hrec, config, work, "plain"))
        gates.append(start_gate(hrec, policy_config, work, "policy"))
        gates.append(start_gate(hrec, masked_config, work, "masked"))
        paths = [("direct to emulator", emulator.port, {}), ("nginx proxy", nginx_port, {}),
                 ("gate, no masking", gates[0][1], gates[0][2]),
                 ("gate, policy, no masking", gates[1][1], gates[1][2]), ("gate, 1 masked column", gates[2][1], gates[2][2])]
        times = {name: [] for name, _, _ in paths}
        size = {}
        for round_index in range(rounds + 1):  # round 0 warms up
            order = paths if round_index % 2 == 0 else list(reversed(paths))
            for name, port, headers in order:
                try:
                    elapsed, size[name], emails = big_query(port, headers)
                except OSError as error:
                    raise RuntimeError(f"{name}: {error}") from error
                masked = emails[0].startswith("XXXXX@")
                if masked != (name == "gate, 1 masked column"):
                    raise RuntimeError(f"{name}: masking {'applied' if masked else 'missing'}: {emails}")
                if round_index:
                    times[name].append(elapsed)
        direct = statistics.median(times["direct to emulator"])
        print(f"\n{BIG_SQL}: 5,000 rows via jobs.query, {rounds} alternating rounds, medians")
        print(f"{'':24} {'median ms':>10} {'added ms':>9} {'min ms':>8} {'max ms':>8} {'bytes':>8}")
        for name, _, _ in paths:
            values = times[name]
            median = statistics.median(values)
            print(f"{name:24} {median:10.2f} {median - direct:+9.2f} {min(values):8.2f} {max(values):8.2f} {size[name]:8d}")
        print("goal: under +5 ms added at the median, masked or not")
        # The emulator's own time varies by tens of ms between calls; the gate's own share of each
        # call (its latencyMicros less upstreamLatencyMicros, from its journal) does not.
        for gate, _, _ in gates:
            gate.send_signal(signal.SIGTERM)
            gate.wait(timeout=10)
        print(f"{'time in the gate itself':24} {'median ms':>10} (latencyMicros - upstreamLatencyMicros, gate.response events)")
        for name, journals in (("gate, no masking", "plain"), ("gate, policy, no masking", "policy"), ("gate, 1 masked column", "masked")):
            own = [(e["latencyMicros"] - e["upstreamLatencyMicros"]) / 1000
                   for path in (work / f"journals-{journals}").rglob("*.hrec")
                   for e in hrec_journal.json_records(hrec_journal.read(path), "event")
                   if e.get("type") == "gate.response" and e.get("rows") == 5000]
            print(f"{name:24} {statistics.median(own):10.2f} ({len(own)} calls)")
        # Full-response journaling: what the journal costs per MB of response the agent received.
        for name, journals in (("gate, no masking", "plain"), ("gate, 1 masked column", "masked")):
            files = list((work / f"journals-{journals}").rglob("*.hrec"))
            answered = sum(e["responseBytes"] for path in files for e in hrec_journal.json_records(hrec_journal.read(path), "event")
                           if e.get("type") == "gate.response")
            stored = sum(path.stat().st_size for path in files)
            print(f"journal, {name}: {stored} bytes for {answered} bytes of responses = {stored / answered * 1e6:,.0f} bytes per MB")
    finally:
        for gate, _, _ in gates:
            gate.send_signal(signal.SIGTERM)
            gate.wait(timeout=10)


def select_one(hrec, work, queries, rounds, canned_port, nginx_port):
    """SELECT 1 against the canned upstream: direct, nginx, gate; alternating rounds."""
    config = work / "canned.yaml"
    config.write_text(f"identity:\n  dev: true\nupstream:\n  url: http://127.0.0.1:{canned_port}\n")
    gate, port, headers = start_gate(hrec, config, work, "select-one")
    try:
        paths = [("direct to canned upstream", canned_port, {}), ("nginx proxy", nginx_port, {}), ("hrec gate", port, headers)]
        per_round = alternating_rounds(paths, rounds, lambda name, target, extra: run_queries(target, queries, extra))
        print_rounds(f"SELECT 1 via jobs.query against a canned upstream (nginx return 200): {queries} queries per path per "
                     f"round, {rounds} alternating rounds, medians of the rounds' p50 and p99", paths, per_round,
                     "goal: the gate adds at most what nginx adds")
    finally:
        gate.send_signal(signal.SIGTERM)
        gate.wait(timeout=10)


def alternating_rounds(paths, rounds, measure):
    """Per path, (p50, p99) of each round's latencies (`measure(name, port, headers)`), the
    paths taken in alternating order; round 0 warms up."""
    per_round = {name: [] for name, _, _ in paths}
    for round_index in range(rounds + 1):
        order = paths if round_index % 2 == 0 else list(reversed(paths))
        for name, target, extra in order:
            values = measure(name, target, extra)
            if round_index:
                per_round[name].append((percentile(values, 50), percentile(values, 99)))
    return per_round


def print_rounds(title, paths, per_round, goal):
    """Per path the median of the rounds' p50 and p99, and what it adds to the first path."""
    print(title)
    print(f"{'':26} {'p50 ms':>8} {'p99 ms':>8} {'added p50':>10} {'added p99':>10}")
    base50 = statistics.median(v[0] for v in per_round[paths[0][0]])
    base99 = statistics.median(v[1] for v in per_round[paths[0][0]])
    for name, _, _ in paths:
        p50 = statistics.median(v[0] for v in per_round[name])
        p99 = statistics.median(v[1] for v in per_round[name])
        print(f"{name:26} {p50:8.3f} {p99:8.3f} {p50 - base50:+10.3f} {p99 - base99:+10.3f}")
    print(goal)


def canned_big_rounds(hrec, work, queries, rounds, canned_port, nginx_port, pause):
    """The 5,000-row page served canned (nginx return 200 with the emulator's answer), so the
    time each path adds is not lost in the emulator's spread: direct, nginx, the gate without
    masking and with email masked; persistent connections; per path the median of the rounds' p50."""
    key = work / "masking.key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    key.chmod(0o600)
    plain, masked = work / "canned-big.yaml", work / "canned-big-masked.yaml"
    plain.write_text(f"identity:\n  dev: true\nupstream:\n  url: http://127.0.0.1:{canned_port}\n")
    masked.write_text(MASKING_POLICY.format(key=key, url=f"http://127.0.0.1:{canned_port}"))
    gates = [start_gate(hrec, plain, work, "canned-big"), start_gate(hrec, masked, work, "canned-big-masked")]
    body = json.dumps({"query": BIG_SQL, "useLegacySql": False, "maxResults": 10000})
    try:
        paths = [("direct to canned upstream", canned_port, {}), ("nginx proxy", nginx_port, {}),
                 ("gate, no masking", gates[0][1], gates[0][2]), ("gate, 1 masked column", gates[1][1], gates[1][2])]
        def measure(name, target, extra):
            connection = http.client.HTTPConnection("127.0.0.1", target, timeout=30)
            values = []
            for _ in range(queries):
                elapsed, payload = timed_query(connection, body, extra)
                values.append(elapsed)
                time.sleep(pause / 1000)
            connection.close()
            masked_now = b"XXXXX@" in payload
            if masked_now != (name == "gate, 1 masked column") or len(json.loads(payload)["rows"]) != 5000:
                raise RuntimeError(f"{name}: unexpected answer (masked: {masked_now})")
            return values
        per_round = alternating_rounds(paths, rounds, measure)
        spacing = f"{pause:g} ms apart (each call meets a gate done with the last one's journal copy)" if pause else "back to back"
        print_rounds(f"\n{BIG_SQL}: the emulator's 5,000-row answer served canned (nginx return 200), {queries} queries per "
                     f"path per round, {spacing}, {rounds} alternating rounds, medians of the rounds' p50 and p99", paths, per_round,
                     "goal: under +5 ms added at the median, masked or not")
    finally:
        for gate, _, _ in gates:
            gate.send_signal(signal.SIGTERM)
            gate.wait(timeout=10)


def record_big(emulator):
    """The emulator's jobs.query answer to the 5,000-row query, for the canned upstream."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=120)
    _, payload = timed_query(connection, json.dumps({"query": BIG_SQL, "useLegacySql": False, "maxResults": 10000}), {})
    connection.close()
    return payload


def record_select_one(emulator):
    """The emulator's jobs.query answer to SELECT 1, for the canned upstream."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=30)
    _, payload = timed_query(connection, json.dumps({"query": "SELECT 1 AS x", "useLegacySql": False}), {})
    connection.close()
    return payload


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hrec", default=str(ROOT / ".build" / "release" / "hrec"))
    parser.add_argument("--queries", type=int, default=200, help="SELECT 1 queries per path per round")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds of the 5,000-row query")
    parser.add_argument("--big-queries", type=int, default=40, help="canned 5,000-row queries per path per round")
    parser.add_argument("--pause-ms", type=float, default=20, help="pause between canned 5,000-row queries in their second run")
    parser.add_argument("--only-big", action="store_true", help="skip the SELECT 1 loop")
    parser.add_argument("--only-select-one", action="store_true", help="skip the 5,000-row rounds")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-gate-bench-"))
    emulator = Emulator()
    try:
        config = work / "gate.yaml"
        config.write_text(f"identity:\n  dev: true\nupstream:\n  url: {emulator.url}\n")
        canned, proxy_canned, proxy_emulator = free_port(), free_port(), free_port()
        nginx = NginxPeer(work, [(canned, "canned", record_select_one(emulator)),
                                 (proxy_canned, "proxy", f"127.0.0.1:{canned}"),
                                 (proxy_emulator, "proxy-fresh", f"127.0.0.1:{emulator.port}")])
        try:
            if not args.only_big:
                select_one(args.hrec, work, args.queries, args.rounds, canned, proxy_canned)
            if args.only_select_one:
                return
            emulator.seed()
            big_result_rounds(args.hrec, emulator, work, args.rounds, config, proxy_emulator)
        finally:
            nginx.stop()
        canned_big, proxy_canned_big = free_port(), free_port()
        nginx = NginxPeer(work / "big", [(canned_big, "canned", record_big(emulator)),
                                         (proxy_canned_big, "proxy", f"127.0.0.1:{canned_big}")])
        try:
            for pause in (0, args.pause_ms):
                canned_big_rounds(args.hrec, work, args.big_queries, args.rounds, canned_big, proxy_canned_big, pause)
        finally:
            nginx.stop()
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
