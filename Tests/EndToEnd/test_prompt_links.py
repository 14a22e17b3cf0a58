"""The prompt behind each query (issue 16.2): a person types two prompts into an agent under
`hrec run`, the agent runs three queries through the gate with the official client, and every
query's `gate.request` event, access-log CSV row, evidence-bundle row and `hrec search` hit names
the prompt submitted last before it."""
import csv
import io
import json
import os
import re
import sys
import time

import pexpect
import pytest

import hrec_journal
from conftest import HREC, ROOT, hrec
from test_player import Tmux
from test_policy import policy_file

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
FIRST = "who are our customers"
SECOND = "how big is the big table, and its first id"


def typed(child, text):
    for key in text:
        child.send(key)
        time.sleep(0.01)
    child.send("\r")


@pytest.fixture(scope="module")
def prompted(tmp_path_factory, emulator):
    """One recorded session: two prompts typed, three queries run; (journal, env, tmp_path)."""
    tmp_path = tmp_path_factory.mktemp("prompted")
    hrec_env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"), TERM="xterm-256color")
    journal = tmp_path / "sessions" / "prompted.hrec"
    journal.parent.mkdir()
    child = pexpect.spawn(HREC, ["run", "-q", "--policy", str(policy_file(tmp_path, emulator)),
                                 "--journal", str(journal), "--", sys.executable, str(AGENTS / "prompted_agent.py")],
                          env=hrec_env, dimensions=(24, 120), timeout=120, encoding="utf-8", codec_errors="replace")
    child.expect("ask> ")
    typed(child, FIRST)
    child.expect("DONE")
    child.expect("ask> ")
    typed(child, SECOND)
    child.expect("DONE")
    child.expect("ask> ")
    typed(child, "quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return journal, hrec_env, tmp_path


def test_each_query_carries_the_prompt_before_it(prompted):
    journal, hrec_env, tmp_path = prompted
    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    prompts = [e for e in events if e["type"] == "prompt"]
    assert [(p["id"], p["text"]) for p in prompts] == [(1, FIRST), (2, SECOND), (3, "quit")]
    queries = [e for e in events if e["type"] == "gate.request" and e.get("sql")]
    assert [(q["sql"], q["prompt"]) for q in queries] == [
        ("SELECT id, name FROM shop.customers ORDER BY id", {"id": 1, "text": FIRST}),
        ("SELECT COUNT(*) AS n FROM shop.big", {"id": 2, "text": SECOND}),
        ("SELECT MIN(id) AS first FROM shop.big", {"id": 2, "text": SECOND}),
    ]
    # Every call made before the first prompt (the client's token exchange and any metadata
    # call) names none; every call after names the prompt before it on the timeline.
    for position, request in enumerate(events):
        if request["type"] != "gate.request":
            continue
        before = [p for p in events[:position] if p["type"] == "prompt"]
        assert request.get("prompt") == ({"id": before[-1]["id"], "text": before[-1]["text"]} if before else None)

    exported = hrec("export", "--format", "csv", str(journal), env=hrec_env)
    assert exported.returncode == 0, exported.stderr
    rows = [r for r in csv.DictReader(io.StringIO(exported.stdout.decode())) if r["endpoint"] == "jobs.insert"]
    assert [(r["resources"], r["prompt_id"], r["prompt"]) for r in rows] == [
        ("test-proj.shop.customers", "1", FIRST), ("test-proj.shop.big", "2", SECOND), ("test-proj.shop.big", "2", SECOND)]
    assert {(r["statement_kind"], r["decision"]) for r in rows} == {("SELECT", "allow")}

    bundle = tmp_path / "bundle"
    today = time.strftime("%Y-%m-%d", time.gmtime())
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
    made = hrec("evidence", "--since", today, "--until", tomorrow, "--out", str(bundle), "--trust",
                str(tmp_path / "config" / "hrec" / "signing-key.pub"), str(journal), env=hrec_env)
    assert made.returncode == 0, made.stdout + made.stderr
    access = [r for r in csv.DictReader(open(bundle / "access-log.csv")) if r["endpoint"] == "jobs.insert"]
    assert [(r["prompt_id"], r["prompt"]) for r in access] == [("1", FIRST), ("2", SECOND), ("2", SECOND)]

    hits = hrec("search", "--json", "--in", "sql", "shop.big", str(journal.parent), env=hrec_env)
    assert hits.returncode == 0, hits.stderr
    found = [json.loads(line) for line in hits.stdout.decode().splitlines()]
    assert [(h["text"], h["prompt"]) for h in found] == [
        ("SELECT COUNT(*) AS n FROM shop.big", SECOND), ("SELECT MIN(id) AS first FROM shop.big", SECOND)]


def test_the_players_query_details_name_the_prompt(prompted):
    journal, hrec_env, tmp_path = prompted
    tmux = Tmux(tmp_path, hrec_env, f"{HREC} play --paused {journal}", columns=140, rows=40)
    try:
        tmux.keys("e")
        tmux.wait(lambda l: any("queries and decisions" in x for x in l), "the events panel")
        tmux.keys("f")  # queries only
        lines = tmux.wait(lambda l: any("queries and decisions only" in x for x in l) and any("MIN(id)" in x for x in l),
                          "the queries panel with its rows")
        rows = [x for x in lines if re.search(r"\d:\d\d\.\d{3}  (ALLOW|DENY|REVIEW|-)", x)]
        for _ in range(next(i for i, x in enumerate(rows) if "MIN(id)" in x)):
            tmux.keys("Down")
        tmux.keys("Enter")
        lines = tmux.wait(lambda l: any(x.strip().startswith("prompt   #") or "│prompt   #" in x for x in l), "the query details")
        text = "\n".join(lines)
        assert f"prompt   #2 {SECOND}" in text and "SELECT MIN(id) AS first FROM shop.big" in text
    finally:
        tmux.kill()
