"""Just-in-time approval end to end: an UPDATE on a protected table is held (the client just
keeps polling), approvers decide from another process with their own OIDC tokens, and the
journal tells the whole story in order."""
import json
import urllib.error
import subprocess
import sys
import time

import hrec_journal
from conftest import HREC, ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
ISS, AUD = "https://issuer.hrec.test", "hrec-gate"


def setup(tmp_path, issuer, emulator, expiry="10m"):
    # A table of its own: the emulator is shared by the whole test session.
    emulator.query("CREATE OR REPLACE TABLE shop.accounts AS SELECT * FROM shop.customers")
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"""
default: deny
default_message: not allowed
rules:
  - id: read
    match: {{kinds: [SELECT, GET_TABLE, LIST_ROWS]}}
    action: allow
  - id: protected-writes
    match: {{kinds: [UPDATE, DELETE], writes: ["*.shop.accounts"]}}
    action: review
    approvers: [data-owners, dba@example.com]
    approvals: 1
    expiry: {expiry}
    message: changes to customers need a data owner
identity:
  issuer: {ISS}
  audience: [{AUD}]
  jwks: {issuer.keys / 'jwks.json'}
upstream:
  url: {emulator.url}
  project: test-proj
""")
    tokens = {}
    for name, groups in [("alice", "eng"), ("bob", "data-owners"), ("carol", "eng")]:
        path = tmp_path / f"{name}.token"
        path.write_text(issuer(sub=name, email=f"{name}@example.com", groups=groups, iss=ISS, aud=AUD) + "\n")
        tokens[name] = path
    return policy, tokens


def start_agent(tmp_path, hrec_env, policy, tokens, *statements):
    journal = tmp_path / f"agent-{len(list(tmp_path.glob('agent-*.hrec')))}.hrec"
    process = subprocess.Popen([HREC, "run", "-q", "--journal", str(journal), "--policy", str(policy), "--identity-token",
                                str(tokens["alice"]), "--", sys.executable, str(AGENTS / "approval_agent.py"), *statements],
                               env=hrec_env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    return process, journal


def pending(hrec_env, tokens, count=1, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = hrec("approvals", "list", "--json", "--identity-token", str(tokens["bob"]), env=hrec_env)
        if result.returncode == 0:
            held = [a for a in json.loads(result.stdout) if a["state"] == "pending"]
            if len(held) >= count:
                return held
        time.sleep(0.3)
    raise AssertionError("no request was held")


def test_approve_then_an_edited_statement_is_held_again_and_denied(tmp_path, hrec_env, issuer, emulator):
    hrec_env["XDG_RUNTIME_DIR"] = str(tmp_path / "runtime")
    policy, tokens = setup(tmp_path, issuer, emulator)
    first = "UPDATE shop.accounts SET name = 'Ada King' WHERE id = 1"
    edited = "UPDATE shop.accounts SET name = 'Ada King' WHERE id = 2"
    agent, journal = start_agent(tmp_path, hrec_env, policy, tokens, first, edited)
    [held] = pending(hrec_env, tokens)
    assert held["sql"] == first and held["requester"] == "alice@example.com" and held["rule"] == "protected-writes"
    show = hrec("approvals", "show", held["id"], "--identity-token", str(tokens["bob"]), env=hrec_env)
    assert show.returncode == 0 and b"tables     test-proj.shop.accounts" in show.stdout and b"hrec play " in show.stdout

    own = hrec("approve", held["id"], "--identity-token", str(tokens["alice"]), env=hrec_env)
    assert own.returncode == 1 and b"never approve" in own.stderr
    outsider = hrec("approve", held["id"], "--identity-token", str(tokens["carol"]), env=hrec_env)
    assert outsider.returncode == 1 and b"carol@example.com is not an approver" in outsider.stderr
    assert agent.poll() is None  # still waiting, nothing printed
    approved = hrec("approve", held["id"], "--identity-token", str(tokens["bob"]), "--reason", "ticket DATA-42", env=hrec_env)
    assert approved.returncode == 0, approved.stderr
    assert agent.stdout.readline().strip() == "RESULT 1"

    # The edited statement is a new request: not covered by the earlier approval.
    [again] = pending(hrec_env, tokens)
    assert again["id"] != held["id"] and again["sql"] == edited
    denied = hrec("deny", again["id"], "--identity-token", str(tokens["bob"]), "--reason", "wrong customer", env=hrec_env)
    assert denied.returncode == 0
    line = agent.stdout.readline()
    assert line.startswith("FORBIDDEN") and "denied by bob@example.com: wrong customer" in line
    assert agent.wait(timeout=30) == 0

    events = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event") if e["type"].startswith("approval.")]
    story = [(e["type"], e["id"]) for e in events]
    assert story == [("approval.requested", held["id"]), ("approval.approved", held["id"]), ("approval.executed", held["id"]),
                     ("approval.requested", again["id"]), ("approval.denied", again["id"])]
    assert events[1]["by"] == "bob@example.com" and events[1]["reason"] == "ticket DATA-42"
    assert events[2]["upstreamStatus"] == 200
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0
    rows = emulator.query("SELECT name FROM shop.accounts WHERE id IN (1, 2) ORDER BY id")["rows"]
    assert [r["f"][0]["v"] for r in rows] == ["Ada King", "Alan Turing"]


def test_an_unapproved_request_expires_and_the_client_is_told(tmp_path, hrec_env, issuer, emulator):
    hrec_env["XDG_RUNTIME_DIR"] = str(tmp_path / "runtime")
    policy, tokens = setup(tmp_path, issuer, emulator, expiry="3s")
    agent, journal = start_agent(tmp_path, hrec_env, policy, tokens, "DELETE FROM shop.accounts WHERE id = 4")
    pending(hrec_env, tokens)
    out, _ = agent.communicate(timeout=60)
    assert "FORBIDDEN" in out and "expired" in out
    types = [e["type"] for e in hrec_journal.json_records(hrec_journal.read(journal), "event") if e["type"].startswith("approval.")]
    assert types == ["approval.requested", "approval.expired"]
    assert emulator.query("SELECT COUNT(*) FROM shop.accounts WHERE id = 4")["rows"][0]["f"][0]["v"] == "1"


def test_webhook_is_told_and_a_restarted_standalone_gate_fails_closed(tmp_path, hrec_env, issuer, emulator):
    import http.server
    import threading
    import urllib.parse
    import urllib.request
    from emulator import free_port

    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    policy, tokens = setup(tmp_path, issuer, emulator)
    text = policy.read_text().replace("    message: changes to customers need a data owner",
                                      f"    message: changes to customers need a data owner\n    notify: http://127.0.0.1:{hook.server_address[1]}/hook")
    policy.write_text(text + f"journals: {tmp_path / 'journals'}\n")
    port = free_port()

    def start_gate():
        gate = subprocess.Popen([HREC, "gate", "--config", str(policy), "--listen", f"127.0.0.1:{port}"], env=hrec_env,
                                stderr=subprocess.PIPE, text=True)
        assert "listening" in gate.stderr.readline()
        return gate

    def token():
        form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                                       "subject_token": tokens["alice"].read_text()}).encode()
        return json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/token", data=form))["access_token"]

    def call(method, path, gate_token, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/bigquery/v2/projects/test-proj{path}", method=method,
                                         data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": f"Bearer {gate_token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    gate = start_gate()
    try:
        job = {"jobReference": {"projectId": "test-proj", "jobId": "held-job-1"},
               "configuration": {"query": {"query": "DELETE FROM shop.accounts WHERE id = 3", "useLegacySql": False}}}
        status, body = call("POST", "/jobs", token(), job)
        assert status == 200 and body["status"]["state"] in ("PENDING", "RUNNING")
        deadline = time.time() + 10
        while not received and time.time() < deadline:
            time.sleep(0.1)
        assert received and "alice@example.com" in received[0]["text"] and "hrec approve apr-" in received[0]["text"]
    finally:
        gate.terminate()
        gate.wait(timeout=10)
    # Held requests live in memory: after a restart the job is unknown and its polls are refused.
    gate = start_gate()
    try:
        status, body = call("GET", "/queries/held-job-1", token())
        assert status == 403 and "not started through this gate" in body["error"]["message"]
    finally:
        gate.terminate()
        gate.wait(timeout=10)
        hook.shutdown()
    notified = [e for path in (tmp_path / "journals").glob("*.hrec")
                for e in hrec_journal.json_records(hrec_journal.read(path), "event") if e["type"] == "approval.notified"]
    assert notified and notified[0]["attempts"] == 1


def test_an_agent_cannot_flood_the_approvers_with_held_requests(tmp_path, hrec_env, issuer, emulator):
    """Each held request keeps its statement in the gate's memory until decided: one requester
    may have 32 waiting at once; the next is refused with quotaExceeded, and journaled."""
    hrec_env["XDG_RUNTIME_DIR"] = str(tmp_path / "runtime")
    policy, tokens = setup(tmp_path, issuer, emulator)
    journal = tmp_path / "flood.hrec"
    result = subprocess.run([HREC, "run", "-q", "--journal", str(journal), "--policy", str(policy), "--identity-token",
                             str(tokens["alice"]), "--", sys.executable, str(AGENTS / "flood_approvals_agent.py"), "40"],
                            env=hrec_env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [l for l in lines if l.startswith("HELD ")] == [f"HELD {i}" for i in range(32)], result.stdout
    refused = [l for l in lines if l.startswith("FORBIDDEN ")]
    assert len(refused) == 8 and all("32 requests of alice@example.com are already awaiting approval" in l for l in refused)
    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    assert len([e for e in events if e["type"] == "approval.requested"]) == 32
    quota = [e for e in events if e["type"] == "gate.response" and e["status"] == 403 and "awaiting approval" in (e.get("reason") or "")]
    assert len(quota) == 8 and all('"quotaExceeded"' in e["responseBody"] for e in quota)
