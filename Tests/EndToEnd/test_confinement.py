"""Confinement (issue 12, docs/confinement.md): the command under `hrec run` is the adversary.
One agent tries every escape; each must fail, the session must end normally, the journal must
verify, and normal BigQuery work through the gate must still work."""
import csv
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import hrec_journal
from conftest import HREC, ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
ISS, AUD = "https://issuer.hrec.test", "hrec-gate"
ESCAPES = {
    "read-signing-key", "read-trusted-signers", "read-gate-credential", "run-access-token-command", "read-gcloud-adc",
    "read-aws-credentials", "truncate-journal", "write-journal", "delete-journal", "connect-upstream", "connect-metadata",
    "connect-local-server", "kill-9-hrec", "kill-stop-hrec", "read-hrec-environ", "read-hrec-mem", "ptrace-hrec",
    "accept-inherited", "plant-registry", "start-survivor",
}


class Listener:
    """A TCP server on the host's loopback that counts the connections it receives."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def wait_for(path, timeout=60):
    deadline = time.time() + timeout
    while not path.exists():
        assert time.time() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_every_escape_fails_and_normal_work_goes_on(tmp_path, hrec_env, issuer, emulator):
    home, share, runtime = tmp_path / "home", tmp_path / "share", tmp_path / "runtime"
    for directory in (home, share, runtime):
        directory.mkdir(mode=0o700)
    (home / ".config" / "gcloud").mkdir(parents=True)
    (home / ".config" / "gcloud" / "application_default_credentials.json").write_text('{"refresh_token": "person-secret"}')
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = person-secret\n")
    upstream_token = tmp_path / "upstream-token"
    upstream_token.write_text("gate-upstream-secret\n")
    token = tmp_path / "id-token"
    token.write_text(issuer(sub="alice", email="alice@example.com", iss=ISS, aud=AUD) + "\n")
    config = tmp_path / "gate.yaml"
    config.write_text(f"identity:\n  issuer: {ISS}\n  audience: [{AUD}]\n  jwks: {issuer.keys / 'jwks.json'}\n"
                      f"upstream:\n  url: {emulator.url}\n  project: test-proj\n  access_token_command: cat {upstream_token}\n"
                      f"confinement:\n  hide: [{upstream_token}]\n")
    trap, local = Listener(), Listener()
    journal = tmp_path / "agent.hrec"
    env = dict(hrec_env, HOME=str(home), XDG_RUNTIME_DIR=str(runtime), ESCAPE_SHARE=str(share),
               ESCAPE_KEY=str(tmp_path / "config" / "hrec" / "signing-key"),
               ESCAPE_TRUSTED=str(tmp_path / "config" / "hrec" / "trusted-signers"),
               ESCAPE_GATE_CREDENTIAL=str(upstream_token), ESCAPE_TOKEN_COMMAND=f"cat {upstream_token}",
               ESCAPE_UPSTREAM_PORT=emulator.url.rsplit(":", 1)[1], ESCAPE_LOCAL_PORT=str(local.port),
               ESCAPE_TRAP_PORT=str(trap.port), GOOGLE_OAUTH_ACCESS_TOKEN="person-oauth-token")
    (tmp_path / "config" / "hrec" / "trusted-signers").mkdir(parents=True)
    (tmp_path / "config" / "hrec" / "trusted-signers" / "auditor.pub").write_text("trusted\n")

    process = subprocess.Popen([HREC, "run", "-q", "--journal", str(journal), "--gate-config", str(config),
                                "--identity-token", str(token), "--", sys.executable, str(AGENTS / "escape_agent.py")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    (share / "hrec.pid").write_text(str(process.pid))
    wait_for(share / "planted")
    listed = hrec("approvals", "list", "--identity-token", str(token), env=env, timeout=30)
    (share / "listed").touch()
    out, err = process.communicate(timeout=180)
    out, err = out.decode(), err.decode()
    assert process.returncode == 0, out + err
    assert "AGENT DONE" in out and "NORMAL bigquery 4 rows" in out, out + err

    outcomes = {}
    for line in out.splitlines():
        if line.startswith("ESCAPE "):
            _, name, outcome, *detail = line.split(" ", 3)
            outcomes[name] = (outcome, " ".join(detail))
    assert set(outcomes) == ESCAPES, out
    escaped = {name: detail for name, (outcome, detail) in outcomes.items() if outcome != "blocked"}
    assert escaped == {}, out

    assert trap.connections == 0 and local.connections == 0
    assert "planted" not in listed.stdout.decode() + listed.stderr.decode()
    assert hrec("verify", str(journal), env=env).returncode == 0
    parsed = hrec_journal.read(journal)
    header = hrec_journal.json_records(parsed, "header")[0]
    assert header["confinement"]["mechanism"] == "bubblewrap"
    assert "net" in header["confinement"]["namespaces"]
    assert str(upstream_token) in header["confinement"]["hidden"]
    markers = [payload.decode() for kind, _, payload in parsed.records if kind == "marker"]
    assert "confinement: ended 2 processes the command left running" in markers, markers  # sh and its sleep
    end = hrec_journal.json_records(parsed, "end")[0]
    assert end["exitStatus"] == 0
    time.sleep(0.2)
    assert subprocess.run(["pgrep", "-f", "sleep 31.7"], capture_output=True).returncode == 1
    assert not (share / "survived").exists()
    # The person's token was scrubbed from hrec's own environment and never reached the child.
    assert "person-oauth-token" not in out


def test_the_person_can_see_the_journal_but_the_agent_never_could(tmp_path, hrec_env):
    journal = tmp_path / "s.hrec"
    result = hrec("run", "-q", "--no-gate", "--journal", str(journal), "--", "sh", "-c",
                  'cat "$HREC_JOURNAL" | wc -c; ls -A "$XDG_CONFIG_HOME/hrec" | wc -l', env=hrec_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split() == ["0", "0"]
    assert journal.stat().st_size > 0


def test_unconfined_sessions_say_so(tmp_path, hrec_env):
    journal = tmp_path / "u.hrec"
    result = hrec("run", "-q", "--unconfined", "--no-gate", "--journal", str(journal), "--", "true", env=hrec_env, timeout=60)
    assert result.returncode == 0, result.stderr
    header = hrec_journal.json_records(hrec_journal.read(journal), "header")[0]
    assert header["confinement"] == {"mechanism": "none", "namespaces": [], "hidden": [], "network": "host", "reason": "--unconfined"}
    info = hrec("info", str(journal), env=hrec_env).stdout.decode()
    assert "confined   NONE (--unconfined)" in info
    confined = tmp_path / "c.hrec"
    assert hrec("run", "-q", "--no-gate", "--journal", str(confined), "--", "true", env=hrec_env, timeout=60).returncode == 0
    listed = hrec("ls", "--json", "--unconfined", str(tmp_path), env=hrec_env)
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line)["path"] for line in listed.stdout.decode().splitlines()] == [str(journal)]
    everything = hrec("ls", str(tmp_path), env=hrec_env).stdout.decode()
    assert "[UNCONFINED] true" in everything and everything.count("[UNCONFINED]") == 1
    bundle = tmp_path / "bundle"
    today = time.strftime("%Y-%m-%d", time.gmtime())
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
    made = hrec("evidence", "--since", today, "--until", tomorrow, "--out", str(bundle), "--trust",
                str(tmp_path / "config" / "hrec" / "signing-key.pub"), str(journal), str(confined), env=hrec_env)
    assert made.returncode == 0, made.stdout + made.stderr
    rows = {row["file"]: row["confined"] for row in csv.DictReader(open(bundle / "sessions.csv"))}
    assert rows == {str(journal): "UNCONFINED", str(confined): "yes"}
    assert "Which sessions ran unconfined?" in (bundle / "index.html").read_text()


def test_no_bubblewrap_refuses_with_one_line_naming_the_cause(tmp_path, hrec_env):
    # A copy of hrec without hrec-sandbox beside it stands in for a machine that cannot confine.
    lonely = tmp_path / "bin"
    lonely.mkdir()
    shutil.copy(HREC, lonely / "hrec")
    result = subprocess.run([str(lonely / "hrec"), "run", "--no-gate", "--journal", str(tmp_path / "x.hrec"), "--", "true"],
                            env=hrec_env, capture_output=True, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "cannot confine the command" in lines[0] and "--unconfined" in lines[0], lines
    assert not (tmp_path / "x.hrec").exists()


def test_confinement_holds_for_an_unprivileged_user(tmp_path):
    base = pathlib.Path(tempfile.mkdtemp(prefix="hrec-nobody-"))
    try:
        for sub in ("home", "config", "data"):
            (base / sub).mkdir()
            os.chown(base / sub, 65534, 65534)
        base.chmod(0o755)
        env = {"PATH": os.environ["PATH"], "HOME": str(base / "home"), "XDG_CONFIG_HOME": str(base / "config"),
               "XDG_DATA_HOME": str(base / "data"), "TERM": "xterm"}
        script = ('cat "$XDG_CONFIG_HOME/hrec/signing-key" 2>/dev/null | wc -c; '
                  '(echo forged > "$HREC_JOURNAL") 2>/dev/null && echo wrote || echo refused; id -u')
        result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", HREC, "run", "-q", "--no-gate",
                                 "--journal", str(base / "data" / "n.hrec"), "--", "sh", "-c", script],
                                env=env, capture_output=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().split() == ["0", "refused", "65534"]
        verified = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", HREC, "verify",
                                   str(base / "data" / "n.hrec")], env=env, capture_output=True, timeout=60)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_the_egress_proxy_is_the_only_way_out_and_every_attempt_is_an_event(tmp_path, hrec_env, emulator):
    from test_egress import BODY, self_signed, serve
    cert, key = self_signed(tmp_path)
    allowed = serve(tls=(str(cert), str(key)))
    allowed_port = allowed.server_address[1]
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"version: 1\ndefault: allow\nrules: []\n"
                      f"network:\n  default: allow\n  allow: [\"127.0.0.1:{allowed_port}\"]\n  deny: [\"*.denied.test:*\"]\n")
    journal = tmp_path / "net.hrec"
    script = f"""
curl -sS --cacert {cert} https://127.0.0.1:{allowed_port}/ | head -c 18; echo
python3 -c 'import os, ssl, urllib.request
ctx = ssl.create_default_context(cafile="{cert}")
print("urllib", len(urllib.request.urlopen("https://127.0.0.1:{allowed_port}/", context=ctx).read()))'
curl -sS http://www.denied.test/x
curl -sS --noproxy '*' --connect-timeout 2 https://127.0.0.1:{allowed_port}/ 2>&1 | tail -1
curl -sS -x socks5h://127.0.0.1:3128 http://169.254.169.254/computeMetadata/v1/ 2>&1 | tail -1
"""
    result = hrec("run", "-q", "--dev-identity", "--upstream", emulator.url, "--policy", str(policy), "--journal", str(journal),
                  "--", "bash", "-c", script, env=hrec_env, timeout=120)
    out = result.stdout.decode().replace("\r\n", "\n")
    assert result.returncode == 0, out + result.stderr.decode()
    lines = out.splitlines()
    assert lines[0] == BODY[:18].decode()
    assert lines[1] == f"urllib {len(BODY)}"
    assert lines[2] == ("hrec: connection to www.denied.test:80 denied by policy "
                        "(rule deny *.denied.test:*: www.denied.test:80 matches deny entry *.denied.test:*)")
    assert "Failed to connect" in lines[3] or "Couldn't connect" in lines[3], lines[3]  # no direct route
    assert "curl: (97)" in lines[4], lines[4]  # SOCKS refused: the metadata server
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0
    events = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event") if e["type"] == "net.connect"]
    summary = [(e["host"], e["port"], e["decision"]) for e in events]
    assert summary == [("127.0.0.1", allowed_port, "allow"), ("127.0.0.1", allowed_port, "allow"),
                       ("www.denied.test", 80, "deny"), ("169.254.169.254", 80, "deny")], summary
    assert events[0]["bytesDown"] > len(BODY)
    allowed.shutdown()
    # The player's events panel names each connection's host and port, with its decision.
    from test_player import Tmux
    tmux = Tmux(tmp_path, hrec_env, f"{HREC} play --paused {journal}", columns=120, rows=30)
    try:
        tmux.wait(lambda lines: any("❚❚" in line for line in lines), "the paused player")
        tmux.keys("e")
        lines = tmux.wait(lambda lines: any("net.connect www.denied.test:80" in line for line in lines), "the events panel")
        assert any("DENY" in line and "net.connect www.denied.test:80" in line for line in lines)
        assert any("ALLOW" in line and f"net.connect 127.0.0.1:{allowed_port}" in line for line in lines)
    finally:
        tmux.kill()


def test_a_client_that_hangs_up_with_bytes_in_flight_does_not_spin_the_relay(tmp_path, hrec_env):
    # A server that greets and never reads: the tunnel's buffers fill all the way back to the
    # sandbox's relay, then the client hangs up with the greeting unread (a reset). The relay
    # must wait for the bytes it holds to drain or fail, not spin on POLLHUP.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    held = []

    def greet_and_never_read():
        connection, _ = server.accept()
        held.append(connection)
        time.sleep(0.5)
        connection.sendall(b"hello\n" * 100)
    threading.Thread(target=greet_and_never_read, daemon=True).start()
    port = server.getsockname()[1]
    config = tmp_path / "gate.yaml"
    config.write_text(f'network:\n  default: deny\n  allow: ["127.0.0.1:{port}"]\n')
    result = hrec("run", "-q", "--no-gate", "--gate-config", str(config), "--journal", str(tmp_path / "hangup.hrec"), "--",
                  sys.executable, str(AGENTS / "hangup_agent.py"), str(port), env=hrec_env, timeout=60)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "CONNECT HTTP/1.1 200" in out and "BLOCKED True" in out, out
    cpu = float(out.split("RELAY_CPU ")[1].split()[0])
    assert cpu < 0.3, f"hrec-sandbox used {cpu} s of CPU in 2 s while a hung-up client's bytes waited"
    server.close()
