"""The README demo: a scripted agent session recorded by hrec run, its BigQuery calls going
through the embedded gate to a local BigQuery emulator, then verified and summarized."""
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
from emulator import Emulator  # noqa: E402

HREC = str(ROOT / ".build" / "debug" / "hrec")


def step(title):
    print(f"\n\033[1m== {title}\033[0m", flush=True)


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="hrec-demo-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
               HREC_DEMO_PYTHON=sys.executable)
    step("starting a local BigQuery emulator (bqemulator) seeded from fixtures/bigquery/seed.sql")
    emulator = Emulator()
    try:
        emulator.seed()
        step("a test identity provider: keys, JWKS and an ID token for alice@example.com")
        subprocess.run([HREC, "dev", "keys", "--out", str(work / "idp")], check=True, capture_output=True)
        token = subprocess.run([HREC, "dev", "token", "--keys", str(work / "idp"), "--sub", "alice", "--email",
                                "alice@example.com", "--groups", "analysts"], check=True, capture_output=True, text=True).stdout
        (work / "id-token").write_text(token)
        config = work / "gate.yaml"
        config.write_text(f"identity:\n  issuer: https://issuer.hrec.test\n  audience: [hrec-gate]\n"
                          f"  jwks: {work / 'idp' / 'jwks.json'}\nupstream:\n  url: {emulator.url}\n  project: test-proj\n")
        journal = work / "demo.hrec"
        step(f"hrec run --gate-config gate.yaml --identity-token id-token -- fixtures/demo/agent.sh")
        subprocess.run([HREC, "run", "--journal", str(journal), "--gate-config", str(config), "--identity-token",
                        str(work / "id-token"), "--", str(ROOT / "fixtures" / "demo" / "agent.sh")], env=env, check=True)
        step("hrec verify")
        subprocess.run([HREC, "verify", str(journal)], env=env, check=True)
        step("hrec info")
        subprocess.run([HREC, "info", str(journal)], env=env, check=True)
        step("the BigQuery calls in the journal (hrec cat, gate events)")
        import json
        lines = subprocess.run([HREC, "cat", str(journal)], env=env, check=True, capture_output=True, text=True).stdout
        for line in lines.splitlines():
            record = json.loads(line)
            event = record.get("event")
            if event and event["type"] == "gate.request":
                print(f"  t={record['t']:.3f}s {event['principal']['email']} {event['endpoint']} {event.get('sql', '')}")
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
