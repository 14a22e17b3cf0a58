"""Masking fails closed on malformed upstream answers: a jobs.query response that is cut short,
carries a second object or a second `rows`, or is otherwise not well-formed JSON is withheld with
a BigQuery-shaped 403, never forwarded with its raw values. A canned upstream plays BigQuery."""
import http.server
import json
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import HREC
from emulator import free_port

RAW = "ada@example.com"
SCHEMA = {"fields": [{"name": "id", "type": "INTEGER"}, {"name": "email", "type": "STRING"}]}
GOOD = json.dumps({"kind": "bigquery#queryResponse", "schema": SCHEMA, "jobReference": {"projectId": "p", "jobId": "job_1"},
                   "totalRows": "1", "rows": [{"f": [{"v": "1"}, {"v": RAW}]}], "totalBytesProcessed": "10", "jobComplete": True},
                  separators=(",", ":"))  # compact, as BigQuery sends it
ROWS = '"rows":[{"f":[{"v":"1"},{"v":"' + RAW + '"}]}]'
MALFORMED = {
    "cut in the rows": GOOD[:GOOD.index(RAW) + len(RAW) + 3],
    "cut after the rows": GOOD[:GOOD.index('"totalBytesProcessed"')],
    "a second object after the first": GOOD + " {" + ROWS + "}",
    "rows twice": '{"schema":' + json.dumps(SCHEMA) + ',"rows":[],' + ROWS + "}",
    "bad escape in a value": GOOD.replace(RAW, RAW + "\\q"),
    "raw newline in a value": GOOD.replace(RAW, RAW + "\n"),
    "no rows, not JSON": '{"jobReference":{"jobId":"job_1"},"note":"' + RAW,
}


@pytest.fixture
def gate(tmp_path, hrec_env):
    answer = {"body": GOOD}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            data = answer["body"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    key = tmp_path / "masking.key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    key.chmod(0o600)
    text = (f"version: 1\ndefault: allow\nmasking:\n  key_file: {key}\n  columns:\n    - table: \"*.shop.customers\"\n"
            f"      column: email\n      style: email_mask\nidentity:\n  dev: true\n"
            f"upstream:\n  url: http://127.0.0.1:{server.server_address[1]}\n  project: p\n")
    config = tmp_path / "gate.yaml"
    config.write_text(text)
    port = free_port()
    process = subprocess.Popen([HREC, "gate", "--config", str(config), "--listen", f"127.0.0.1:{port}", "--journals",
                                str(tmp_path / "journals")], env=hrec_env, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening" in process.stderr.readline()
        form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "x"}).encode()
        token = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/token", data=form))["access_token"]

        def query(body):
            answer["body"] = body
            request = urllib.request.Request(f"http://127.0.0.1:{port}/bigquery/v2/projects/p/queries",
                                             data=json.dumps({"query": "SELECT id, email FROM shop.customers", "useLegacySql": False}).encode(),
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        yield query
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        server.shutdown()
    for path in (tmp_path / "journals").rglob("*"):
        if path.is_file():
            content = subprocess.run(["zstd", "-dqc", str(path)], capture_output=True).stdout
            assert RAW.encode() not in path.read_bytes() and RAW.encode() not in content, path


def test_a_well_formed_answer_is_masked(gate):
    status, body = gate(GOOD)
    assert status == 200, body
    answer = json.loads(body)
    assert answer["rows"] == [{"f": [{"v": "1"}, {"v": "XXXXX@example.com"}]}] and answer["totalBytesProcessed"] == "10"
    assert RAW not in body


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_answer_is_withheld_not_forwarded(gate, name):
    status, body = gate(MALFORMED[name])
    assert status == 403, (name, body)
    assert RAW not in body
    error = json.loads(body)["error"]
    assert error["code"] == 403 and error["status"] == "PERMISSION_DENIED"
    assert "could not mask this response" in error["message"] and "well-formed JSON" in error["message"], error
