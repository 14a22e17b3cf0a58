"""Issue 16, column-aware rules, end to end: an agent under `hrec run` with the official client
against bqemulator. A review rule `star: true` holds `SELECT *` on shop.customers and lets
`SELECT id, name` through; a `columns: [ssn]` deny refuses every way of reading ssn (plain, under
an alias, through `*`, inside a CTE) and allows what does not touch it; `masked: true` follows the
masking section's globs; a table without a schema upstream fails closed. Each case is checked on
the gate's decision, the error the agent sees and the journal's policy.decision event."""
import json
import os
import sys

import hrec_journal
from conftest import ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
CUSTOMERS = "test-proj.shop.customers"

READ_SHOP = """version: 1
default: deny
default_message: not allowed for agents
rules:
  - id: read-shop
    match: {kinds: [SELECT, LIST_ROWS, GET_TABLE], reads: ["*.shop.*"]}
    action: allow
"""

STAR_POLICY = READ_SHOP + """  - id: star-customers
    match: {tables: ["*.shop.customers"], star: true}
    action: review
    approvers: [dba@example.com]
    expiry: 2s
    message: selecting every column of customers needs a data owner
"""

COLUMN_POLICY = READ_SHOP + """  - id: no-ssn
    match: {columns: [ssn]}
    action: deny
    message: social security numbers are not for agents
  - id: no-masked-contact
    match: {tables: ["*.shop.customers"], masked: true}
    action: deny
    message: masked contact columns are not for agents
masking:
  columns:
    - table: "*.shop.cust*"
      column: "e*l"
      style: email_mask
"""


def run(tmp_path, emulator, name, policy, *statements):
    """One `hrec run` of the agent over `statements`: its CASE lines and the journal's events."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(policy + f"identity:\n  dev: true\nupstream:\n  url: {emulator.url}\n  project: test-proj\n  dry_run: true\n")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"), TERM="xterm-256color")
    journal = tmp_path / f"{name}.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(path), "--",
                  sys.executable, str(AGENTS / "column_agent.py"), *statements, env=env, timeout=180)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    lines = [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("CASE ")]
    assert len(lines) == len(statements), out
    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    assert hrec("verify", str(journal), env=env).returncode == 0
    return lines, events


def decision(events, sql):
    """The policy.decision of the request carrying `sql`."""
    requests = {e["requestID"]: e for e in events if e["type"] == "gate.request" and e.get("sql") == sql}
    found = [e for e in events if e["type"] == "policy.decision" and e["requestID"] in requests]
    assert found, f"no policy.decision for {sql}"
    return found[0]


def test_star_review_holds_select_star_and_lets_named_columns_through(tmp_path, emulator):
    star, named = "SELECT * FROM shop.customers ORDER BY id", "SELECT id, name FROM shop.customers ORDER BY id"
    through_cte = "WITH c AS (SELECT * FROM shop.customers) SELECT id FROM c"
    lines, events = run(tmp_path, emulator, "star", STAR_POLICY, star, named, through_cte)

    held = decision(events, star)
    assert held["action"] == "review" and held["rules"] == ["star-customers"], held
    assert any(m["rule"] == "star-customers" and f"selects every column of {CUSTOMERS}" in m["reason"] for m in held["matches"])
    assert held["statements"][0]["stars"] == [CUSTOMERS]
    assert lines[0].startswith("Forbidden: ") and "expired" in lines[0], lines[0]
    assert [e["type"] for e in events if e["type"].startswith("approval.")][:2] == ["approval.requested", "approval.expired"]

    allowed = decision(events, named)
    assert allowed["action"] == "allow" and allowed["rules"] == ["read-shop"], allowed
    assert allowed["statements"][0]["stars"] == []
    assert json.loads(lines[1][len("ALLOWED "):])[0] == {"id": 1, "name": "Ada Lovelace"}

    cte = decision(events, through_cte)  # the CTE's `*` feeds the result: held too
    assert cte["action"] == "review" and cte["statements"][0]["stars"] == [CUSTOMERS], cte
    assert lines[2].startswith("Forbidden: ") and "expired" in lines[2], lines[2]


def test_columns_deny_refuses_every_way_of_reading_ssn_and_allows_the_rest(tmp_path, emulator):
    refused = ["SELECT ssn FROM shop.customers", "SELECT c.ssn AS x FROM shop.customers AS c", "SELECT * FROM shop.customers",
               "WITH t AS (SELECT id, ssn FROM shop.customers) SELECT COUNT(*) AS n FROM t WHERE t.id > 0",
               "SELECT id FROM shop.customers WHERE ssn LIKE '1%'"]
    allowed = "SELECT id, name FROM shop.customers ORDER BY id"
    masked = "SELECT name, email FROM shop.customers"
    unknown = "SELECT id FROM shop.no_such_table"
    lines, events = run(tmp_path, emulator, "columns", COLUMN_POLICY, *refused, allowed, masked, unknown, "LIST_ROWS shop.customers")

    for number, sql in enumerate(refused):
        seen, event = lines[number], decision(events, sql)
        assert seen.startswith("Forbidden: "), (sql, seen)
        assert "rule no-ssn: social security numbers are not for agents" in seen, (sql, seen)
        assert event["action"] == "deny" and "no-ssn" in event["rules"], (sql, event)
        assert f"{CUSTOMERS}.ssn" in event["statements"][0]["columns"], (sql, event)
        assert any(m["rule"] == "no-ssn" and f"uses column {CUSTOMERS}.ssn" in m["reason"] for m in event["matches"]), event

    ok = decision(events, allowed)
    assert ok["action"] == "allow" and ok["rules"] == ["read-shop"], ok
    assert ok["statements"][0]["columns"] == [f"{CUSTOMERS}.id", f"{CUSTOMERS}.name"]
    assert [row["name"] for row in json.loads(lines[len(refused)][len("ALLOWED "):])][:2] == ["Ada Lovelace", "Alan Turing"]

    # `e*l` masks email: reading it is refused by the masked rule, not by no-ssn.
    seen, event = lines[len(refused) + 1], decision(events, masked)
    assert seen.startswith("Forbidden: ") and "rule no-masked-contact: masked contact columns are not for agents" in seen, seen
    assert event["rules"] == ["no-masked-contact"], event
    assert any(f"uses masked column {CUSTOMERS}.email" in m["reason"] for m in event["matches"]), event

    # No schema upstream: the columns cannot be resolved, so the column rules apply (fail closed).
    seen, event = lines[len(refused) + 2], decision(events, unknown)
    assert seen.startswith("Forbidden: ") and "could not be resolved" in seen and "no schema for test-proj.shop.no_such_table" in seen, seen
    assert event["action"] == "deny" and "no-ssn" in event["rules"], event
    assert event["statements"][0]["unresolvedColumns"] == ["no schema for test-proj.shop.no_such_table (the upstream did not give one)"]

    # tabledata.list reads every column without SQL: the ssn rule refuses it too.
    seen = lines[len(refused) + 3]
    assert seen.startswith("Forbidden: ") and "rule no-ssn: social security numbers are not for agents" in seen, seen
    listed = [e for e in events if e["type"] == "policy.decision" and e["endpoint"] == "tabledata.list"]
    assert listed and listed[0]["action"] == "deny" and listed[0]["statements"][0]["stars"] == [CUSTOMERS], listed


def test_policy_explain_prints_the_resolved_columns_and_the_condition_each_rule_met(tmp_path):
    policy = tmp_path / "columns.yaml"
    policy.write_text(COLUMN_POLICY)
    schema = tmp_path / "customers.json"
    schema.write_text(json.dumps({"kind": "bigquery#table", "schema": {"fields": [
        {"name": "id", "type": "INTEGER"}, {"name": "name", "type": "STRING"}, {"name": "email", "type": "STRING"},
        {"name": "ssn", "type": "STRING"}]}}))
    args = ["policy", "explain", str(policy), "--as", "alice@example.com", "--default-project", "p"]
    result = hrec(*args, "--schema", f"shop.customers={schema}", "--sql", "SELECT c.ssn AS x, name FROM shop.customers c")
    out = result.stdout.decode()
    assert result.returncode == 4, out + result.stderr.decode()
    assert "1. uses p.shop.customers.name, p.shop.customers.ssn" in out, out
    assert "statement 1: no-ssn (deny): uses column p.shop.customers.ssn" in out, out

    star = hrec(*args, "--schema", f"shop.customers={schema}", "--sql", "SELECT * FROM shop.customers")
    assert star.returncode == 4 and b"selects every column of p.shop.customers" in star.stdout, star.stdout

    # Offline without --schema: unresolved, and the column rules fail closed.
    bare = hrec(*args, "--sql", "SELECT id FROM shop.customers")
    out = bare.stdout.decode()
    assert bare.returncode == 4 and "unresolved: no schema for p.shop.customers" in out, out
    assert "could not be resolved, so the rule applies (fail closed)" in out, out

    bad = hrec(*args, "--schema", f"customers={schema}", "--sql", "SELECT 1")
    assert bad.returncode != 0 and b"TABLE must be project.dataset.table or dataset.table" in bad.stderr, bad.stderr
