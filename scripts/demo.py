"""The README demo: a scripted agent session recorded by hrec run, its BigQuery calls going
through the embedded gate to a local BigQuery emulator under the bundled policy
(fixtures/demo/policy.yaml): one read comes back with masked values, a DROP is denied, and a
DELETE is held until a data owner (bob, from another process) approves it. Then the journal is
verified and summarized."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
from emulator import Emulator  # noqa: E402

HREC = str(ROOT / ".build" / "debug" / "hrec")
POLICY = ROOT / "fixtures" / "demo" / "policy.yaml"


def step(title):
    print(f"\n\033[1m== {title}\033[0m", flush=True)


def approve_the_held_delete(env, bob_token, agent):
    """Waits for the agent's DELETE to be held, shows it, and approves it as bob."""
    deadline = time.time() + 90
    while time.time() < deadline and agent.poll() is None:
        listed = subprocess.run([HREC, "approvals", "list", "--json", "--identity-token", str(bob_token)], env=env,
                                capture_output=True, text=True)
        held = [a for a in json.loads(listed.stdout or "[]") if a.get("state") == "pending"] if listed.returncode == 0 else []
        if held:
            step("held for approval: hrec approvals list (as bob, a data owner)")
            subprocess.run([HREC, "approvals", "list", "--identity-token", str(bob_token)], env=env)
            step(f"hrec approve {held[0]['id']} --reason 'demo: customer asked to be removed'")
            subprocess.run([HREC, "approve", held[0]["id"], "--identity-token", str(bob_token), "--reason",
                            "demo: customer asked to be removed"], env=env, check=True)
            return
        time.sleep(0.5)
    sys.exit("the agent's DELETE was never held for approval")


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-demo-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
               XDG_CACHE_HOME=str(work / "cache"), XDG_RUNTIME_DIR=str(work / "runtime"), HREC_DEMO_PYTHON=sys.executable)
    step("starting a local BigQuery emulator (bqemulator) seeded from fixtures/bigquery/seed.sql")
    emulator = Emulator()
    try:
        emulator.seed()
        step("a test identity provider: keys, JWKS, ID tokens for alice (the agent's user) and bob (a data owner)")
        subprocess.run([HREC, "dev", "keys", "--out", str(work / "idp")], check=True, capture_output=True)
        for name, groups in [("alice", "analysts"), ("bob", "data-owners")]:
            token = subprocess.run([HREC, "dev", "token", "--keys", str(work / "idp"), "--sub", name, "--email",
                                    f"{name}@example.com", "--groups", groups], check=True, capture_output=True, text=True).stdout
            (work / f"{name}-token").write_text(token)
        step(f"the bundled policy: hrec policy check {POLICY.relative_to(ROOT)}")
        subprocess.run([HREC, "policy", "check", str(POLICY)], env=env, check=True)
        config = work / "gate.yaml"
        config.write_text(f"identity:\n  issuer: https://issuer.hrec.test\n  audience: [hrec-gate]\n"
                          f"  jwks: {work / 'idp' / 'jwks.json'}\nupstream:\n  url: {emulator.url}\n  project: test-proj\n")
        journal = work / "demo.hrec"
        step("hrec run --gate-config gate.yaml --policy fixtures/demo/policy.yaml --identity-token alice-token "
             "-- fixtures/demo/agent.sh")
        agent = subprocess.Popen([HREC, "run", "--journal", str(journal), "--gate-config", str(config), "--policy", str(POLICY),
                                  "--identity-token", str(work / "alice-token"), "--",
                                  str(ROOT / "fixtures" / "demo" / "agent.sh")], env=env)
        approve_the_held_delete(env, work / "bob-token", agent)
        if agent.wait(timeout=120) != 0:
            sys.exit(f"the recorded agent exited with status {agent.returncode}")
        step("hrec verify")
        subprocess.run([HREC, "verify", str(journal)], env=env, check=True)
        step("hrec info")
        subprocess.run([HREC, "info", str(journal)], env=env, check=True)
        step("the statements, decisions, approvals and masking in the journal (hrec cat, gate events)")
        lines = subprocess.run([HREC, "cat", str(journal)], env=env, check=True, capture_output=True, text=True).stdout
        for line in lines.splitlines():
            record = json.loads(line)
            event = record.get("event") or {}
            kind, at = event.get("type", ""), f"  t={record['t']:.3f}s"
            if kind == "gate.request" and event.get("sql"):
                print(f"{at} {event['principal']['email']} {event['sql']}")
            elif kind == "policy.decision":
                print(f"{at}   -> {event['action'].upper()}: {event.get('message', '')}")
            elif kind.startswith("approval.") and kind != "approval.notified":
                print(f"{at}   -> {kind} {event.get('id', '')}")
            elif kind == "masking.applied" and event.get("columns"):
                masked = ", ".join(f"{c['column']} ({c['style']})" for c in event["columns"])
                print(f"{at}   -> masked {masked} in {event.get('rows', '?')} rows")
        step("the screen at the end (hrec play --screen)")
        subprocess.run([HREC, "play", "--screen", str(journal)], env=env, check=True)
        player = f"XDG_CONFIG_HOME={work / 'config'} {HREC} play {journal}"
        print(f"\njournal: {journal}\nreplay it in the player (seek, search, e for the queries, ? for keys):\n  {player}")
        if sys.stdin.isatty() and sys.stdout.isatty() and input("open the player now? [y/N] ").strip().lower() == "y":
            subprocess.run([HREC, "play", str(journal)], env=env)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
