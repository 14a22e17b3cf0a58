"""Issue 18: a result page longer than `limits: stream_above` is masked, recorded and forwarded
as its rows arrive, not held whole. Through `hrec run` with the official client against
bqemulator: the agent gets exactly the bytes `hrec cat --response` rebuilds, masked; each piece
was in the journal before the agent had it (the body records come before the totals); the
masking decision is made before a byte goes out."""
import hashlib
import json
import subprocess
import sys

import hrec_journal
from conftest import AGENT_TOKEN, HREC, ROOT, hrec

AGENT = ROOT / "Tests" / "EndToEnd" / "agents" / "full_response_agent.py"
RAW = ["user1@big.example.com", "user4999@big.example.com", "user5000@big.example.com"]


def write_policy(tmp_path, url, masking=True, stream_above="64KiB"):
    (tmp_path / "masking.key").write_text("0123456789abcdef0123456789abcdef\n")
    masked = f"""masking:
  key_file: {tmp_path / 'masking.key'}
  columns:
    - column: email
      style: email_mask
""" if masking else ""
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"version: 1\ndefault: allow\n{masked}identity:\n  dev: true\nupstream:\n  url: {url}\n"
                      f"  project: test-proj\nlimits:\n  stream_above: {stream_above}\n")
    return policy


def run(tmp_path, hrec_env, emulator, masking=True, agent=AGENT, stream_above="64KiB"):
    journal = tmp_path / "streamed.hrec"
    policy = write_policy(tmp_path, emulator.url, masking, stream_above)
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy), "--", sys.executable, str(agent),
                  env=hrec_env, timeout=180)
    return journal, result.returncode, result.stdout.decode(), result.stderr.decode()


def largest_body(out):
    bodies = [line.split() for line in out.splitlines() if line.startswith("BODY ")]
    return max(bodies, key=lambda b: int(b[4]))


def test_a_large_masked_page_is_streamed_and_recorded_piece_by_piece(tmp_path, hrec_env, emulator):
    journal, status, out, err = run(tmp_path, hrec_env, emulator)
    assert status == 0, out + err
    assert "ROWS 5000 XXXXX@big.example.com XXXXX@big.example.com" in out, out
    _, _, _, encoding, length, digest = largest_body(out)
    assert encoding == "identity" and int(length) > 300_000
    records = hrec_journal.read(journal).records
    events = [(i, json.loads(p)) for i, (k, _, p) in enumerate(records) if k == "event"]
    [(at, response)] = [(i, e) for i, e in events if e["type"] == "gate.response" and e["responseBytes"] == int(length)]
    assert response["responseStreamed"] is True and response["responseSHA256"] == digest and response["decision"] == "allow"
    assert response["rows"] == 5000 and response["totalRows"] == "5000" and response["job"]
    pieces = [(i, e) for i, e in events if e["type"] == "gate.response.body" and e["requestID"] == response["requestID"]]
    assert len(pieces) == response["responseBodyChunks"] >= 2
    assert all(i < at for i, _ in pieces)  # every piece was recorded before the totals (and before the agent had it)
    assert [e["offset"] for _, e in pieces][0] == 0
    [masked] = [e for _, e in events if e["type"] == "masking.applied" and e["requestID"] == response["requestID"]]
    assert masked["rows"] == 5000 and masked["columns"][0]["column"] == "email" and masked["columns"][0]["values"] == "5000"
    body = subprocess.run([HREC, "cat", "--response", response["requestID"], str(journal)], env=hrec_env, capture_output=True, timeout=60)
    assert body.returncode == 0, body.stderr.decode()
    assert len(body.stdout) == int(length) and hashlib.sha256(body.stdout).hexdigest() == digest
    content = subprocess.run(["zstd", "-dqc", str(journal)], capture_output=True).stdout
    assert not any(value.encode() in content for value in RAW)
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0


def test_an_unmasked_page_streams_byte_for_byte(tmp_path, hrec_env, emulator):
    journal, status, out, err = run(tmp_path, hrec_env, emulator, masking=False)
    assert status == 0, out + err
    assert "ROWS 5000 user1@big.example.com user5000@big.example.com" in out, out
    _, _, _, _, length, digest = largest_body(out)
    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    [response] = [e for e in events if e["type"] == "gate.response" and e["responseBytes"] == int(length)]
    assert response["responseStreamed"] is True and response["responseSHA256"] == digest
    body = subprocess.run([HREC, "cat", "--response", response["requestID"], str(journal)], env=hrec_env, capture_output=True, timeout=60)
    assert hashlib.sha256(body.stdout).hexdigest() == digest


def test_a_page_that_cannot_be_masked_is_refused_before_a_byte_goes_out(tmp_path, hrec_env, emulator):
    """The masked column renamed: the decision comes from the part before the rows."""
    agent = tmp_path / "renamed.py"
    agent.write_text("""from google.api_core import exceptions
from google.cloud import bigquery
try:
    rows = list(bigquery.Client().query("SELECT id, email AS contact FROM shop.big WHERE id <= 5000").result())
    print("ROWS", len(rows), rows[0]["contact"], flush=True)
except exceptions.GoogleAPICallError as error:
    print("REFUSED", error.message, flush=True)
""")
    journal, _, out, err = run(tmp_path, hrec_env, emulator, agent=agent, stream_above="16KiB")
    assert "REFUSED" in out and "could not mask this response" in out and "ROWS" not in out, out + err
    content = subprocess.run(["zstd", "-dqc", str(journal)], capture_output=True).stdout
    assert b"user4999@big.example.com" not in content


def fake_upstream(status, body):
    """An upstream that answers every POST with `status` and `body`: for answers BigQuery never
    gives, which the gate must still handle safely."""
    import http.server
    import threading
    from emulator import free_port

    class Upstream(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


AGENT_RAW_QUERY = """import hashlib, json, os, urllib.error, urllib.parse, urllib.request
base = os.environ["BIGQUERY_EMULATOR_HOST"]
form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "x",
                               "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}).encode()
token = json.load(urllib.request.urlopen(urllib.request.Request(base + "/v1/token", data=form), timeout=30))["access_token"]
request = urllib.request.Request(base + "/bigquery/v2/projects/test-proj/queries", data=b'{"query":"SELECT 1","useLegacySql":false}',
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        print("STATUS 200", len(body), hashlib.sha256(body).hexdigest(), b"raw@secret.example.com" in body)
except urllib.error.HTTPError as error:
    body = error.read()
    print("STATUS", error.code, len(body), hashlib.sha256(body).hexdigest())
except Exception as error:
    print("BROKEN", type(error).__name__)
"""


def run_raw_agent(tmp_path, hrec_env, port, masking, limits=""):
    """Runs AGENT_RAW_QUERY through `hrec run` against the fake upstream on `port`."""
    policy = write_policy(tmp_path, f"http://127.0.0.1:{port}", masking, stream_above="16KiB")
    policy.write_text(policy.read_text() + limits)
    agent = tmp_path / "raw_agent.py"
    agent.write_text(AGENT_RAW_QUERY)
    journal = tmp_path / "raw.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy), "--", sys.executable, str(agent),
                  env=hrec_env, timeout=120)
    return journal, result.stdout.decode() + result.stderr.decode()


def test_a_large_error_answer_is_passed_whole_with_its_status_never_streamed_as_200(tmp_path, hrec_env):
    """An upstream error whose body happens to carry a rows array: not a result page."""
    error_body = json.dumps({"error": {"code": 500, "message": "backend"}, "rows": [{"f": [{"v": "x" * 100}]}] * 2000}).encode()
    server, port = fake_upstream(500, error_body)
    try:
        journal, out = run_raw_agent(tmp_path, hrec_env, port, masking=False)
        assert f"STATUS 500 {len(error_body)} {hashlib.sha256(error_body).hexdigest()}" in out, out
        [response] = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event")
                      if e["type"] == "gate.response" and e.get("upstreamStatus") == 500]
        assert response["status"] == 500 and "responseStreamed" not in response and response["responseBytes"] == len(error_body)
    finally:
        server.shutdown()


AGENT_HANGS_UP = AGENT_TOKEN + r'''
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port
def query(sql, rows):
    connection = http.client.HTTPConnection(host, port, timeout=120)
    connection.request("POST", "/bigquery/v2/projects/test-proj/queries", body=json.dumps({"query": sql, "useLegacySql": False,
                       "maxResults": rows, "timeoutMs": 120000}), headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return connection, connection.getresponse()
# Read the first 64 KB of a 10 MB page, then hang up with the rest unread (the kernel resets the connection).
connection, response = query("SELECT id, name, email FROM shop.hangup WHERE id <= 150000", 150000)
start = response.read(65536)
print("READ", response.status, len(start), flush=True)
connection.sock.close()
connection.close()
# The session goes on: the next query is answered whole.
connection, response = query("SELECT COUNT(*) AS n FROM shop.hangup", 10)
print("AFTER", response.status, json.loads(response.read())["rows"][0]["f"][0]["v"], flush=True)
'''


def hang_up(tmp_path, hrec_env, emulator, stream_above):
    """Runs the agent that hangs up 64 KB into a 10 MB page: the journal's events, and a function
    giving the body `hrec cat --response` rebuilds for a request, checked against its event."""
    emulator.query("CREATE OR REPLACE TABLE shop.hangup AS SELECT x AS id, CONCAT('name-', CAST(x AS STRING)) AS name, "
                   "CONCAT('user', CAST(x AS STRING), '@big.example.com') AS email FROM UNNEST(GENERATE_ARRAY(1, 150000)) AS x")
    agent = tmp_path / "hangup.py"
    agent.write_text(AGENT_HANGS_UP)
    journal, status, out, err = run(tmp_path, hrec_env, emulator, agent=agent, stream_above=stream_above)
    assert status == 0, out + err
    assert "READ 200 65536" in out and "AFTER 200 150000" in out, out + err

    def recorded_body(event):
        body = subprocess.run([HREC, "cat", "--response", event["requestID"], str(journal)], env=hrec_env, capture_output=True,
                              timeout=60)
        assert body.returncode == 0, body.stderr.decode()
        assert len(body.stdout) == event["responseBytes"] and hashlib.sha256(body.stdout).hexdigest() == event["responseSHA256"]
        assert b"XXXXX@big.example.com" in body.stdout and b"user7@big.example.com" not in body.stdout
        return body.stdout
    return hrec_journal.json_records(hrec_journal.read(journal), "event"), recorded_body


def test_an_agent_that_hangs_up_mid_page_is_recorded_as_cut_short(tmp_path, hrec_env, emulator):
    events, recorded_body = hang_up(tmp_path, hrec_env, emulator, stream_above="1MiB")
    [cut] = [e for e in events if e["type"] == "gate.response" and e.get("responseStreamed") and e["decision"] == "error"]
    assert cut["reason"].startswith(f"cut short after {cut['responseBytes']} bytes") and cut["status"] == 200
    assert 65536 <= cut["responseBytes"] < 10_000_000
    # What went out before the hang-up is on record, exactly: the records rebuild it and match its digest.
    recorded_body(cut)


def test_an_agent_that_hangs_up_mid_held_page_leaves_the_whole_body_on_record(tmp_path, hrec_env, emulator):
    """A page below `stream_above` is answered whole; its body records are built once the
    answer is written. An agent that hangs up mid-answer must not cost the journal its copy."""
    events, recorded_body = hang_up(tmp_path, hrec_env, emulator, stream_above="64MiB")
    [whole] = [e for e in events if e["type"] == "gate.response" and e.get("rows") == 150000]
    assert whole["decision"] == "allow" and not whole.get("responseStreamed") and whole["responseBodyChunks"] >= 8
    recorded_body(whole)


def test_a_second_rows_array_after_the_first_never_goes_out(tmp_path, hrec_env):
    """Rows the masker never saw (a second top-level rows array, after the masked one) would go
    out unmasked if the part after the rows were forwarded as it came: it is held until the
    whole answer is checked, and this one is refused there (the connection cut)."""
    schema = {"fields": [{"name": "email", "type": "STRING"}]}
    masked_rows = [{"f": [{"v": f"user{i}@big.example.com"}]} for i in range(2000)]
    body = json.dumps({"kind": "bigquery#queryResponse", "schema": schema, "jobReference": {"projectId": "test-proj", "jobId": "j1"},
                       "rows": masked_rows, "totalRows": "2000", "jobComplete": True}).encode()
    body = body[:-1] + b',"rows":[{"f":[{"v":"raw@secret.example.com"}]}]}'
    server, port = fake_upstream(200, body)
    try:
        journal, out = run_raw_agent(tmp_path, hrec_env, port, masking=True)
        assert "BROKEN" in out and "raw@secret.example.com" not in out and "True" not in out, out
        [cut] = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event")
                 if e["type"] == "gate.response" and e.get("responseStreamed")]
        assert cut["decision"] == "error" and "appears twice" in cut["reason"], cut
        content = subprocess.run(["zstd", "-dqc", str(journal)], capture_output=True).stdout
        assert b"raw@secret.example.com" not in content and b"user7@big.example.com" not in content
    finally:
        server.shutdown()


def test_a_large_answer_without_rows_is_held_within_the_memory_budget(tmp_path, hrec_env):
    """A page that turns out not to stream (no rows array) is collected whole: from the gate's
    memory budget like any held body, so a small budget refuses it (retryable) instead of
    holding it anyway."""
    body = json.dumps({"kind": "bigquery#queryResponse", "notes": ["x" * 1000] * 3000, "jobComplete": True}).encode()
    server, port = fake_upstream(200, body)
    try:
        journal, out = run_raw_agent(tmp_path, hrec_env, port, masking=False, limits="  memory_budget: 2MiB\n")
        assert "STATUS 503" in out, out
        [dropped] = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event")
                     if e["type"] == "gate.response" and e["status"] == 503]
        assert "memory budget for response bodies" in dropped["reason"] and "upstreamStatus" not in dropped
    finally:
        server.shutdown()
