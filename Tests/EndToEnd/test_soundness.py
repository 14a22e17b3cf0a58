"""Issue 14, gate soundness, end to end: each hole tried by an agent under `hrec run` with the
official client (and its DB-API, and SQLAlchemy) against bqemulator, asserting the gate's
decision, the error the agent sees and the journal's policy.decision event. The emulator ignores
some options (destination tables): what is tested is the decision at the gate."""
import os
import subprocess
import sys

import pytest

import hrec_journal
from conftest import HREC, ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"

POLICY = """version: 1
default: deny
default_message: "not allowed for agents"
rules:
  - id: read-shop
    match: {kinds: [SELECT], reads: ["*.shop.*"]}
    action: allow
  - id: metadata
    match: {kinds: [GET_TABLE, GET_DATASET, LIST_DATASETS, LIST_TABLES, LIST_JOBS]}
    action: allow
  - id: write-scratch
    match: {kinds: [CREATE_TABLE, INSERT, LOAD_DATA, COPY_TABLE, CREATE_VIEW], tables: ["*.shop.*", "*.scratch.*"], writes: ["*.scratch.*"]}
    action: allow
  - id: no-destroy
    match: {kinds: ["DROP_*", TRUNCATE_TABLE]}
    action: deny
    message: "replacing or dropping tables is not allowed for agents"
  - id: no-export
    match: {kinds: [EXPORT_DATA]}
    action: deny
    message: "data may not leave BigQuery"
"""

OUTSIDE = "not allowed for agents (rule {rule} does not apply: statement {n} {verb} test-proj.{table}, outside"
# case: (action, deciding rule, text the agent's Forbidden message contains, kinds analysed)
EXPECTED = {
    "cr-union": ("deny", "default", OUTSIDE.format(rule="read-shop", n=1, verb="reads", table="other.secrets"), ["SELECT"]),
    "cr-drop": ("deny", "no-destroy", "rule no-destroy: replacing or dropping tables", ["SELECT", "DROP_TABLE"]),
    "adjacent-literals": ("deny", "hrec:fail-closed", "two literals with nothing between them", []),
    "join-outside": ("deny", "default", OUTSIDE.format(rule="read-shop", n=1, verb="reads", table="other.secrets"), ["SELECT"]),
    "subquery-outside": ("deny", "default", OUTSIDE.format(rule="read-shop", n=1, verb="reads", table="other.secrets"), ["SELECT"]),
    "join-inside": ("allow", "read-shop", None, ["SELECT"]),
    "destination-truncate": ("deny", "no-destroy", "rule no-destroy: replacing or dropping tables",
                             ["SELECT", "CREATE_TABLE", "TRUNCATE_TABLE", "INSERT"]),
    "destination-other": ("deny", "default", "touches test-proj.other.copy, outside *.shop.*, *.scratch.*", ["SELECT", "CREATE_TABLE", "INSERT"]),
    "destination-scratch": ("allow", "write-scratch", None, ["SELECT", "CREATE_TABLE", "INSERT"]),
    "connection-property": ("deny", "hrec:fail-closed", "connection property dataset_project_id changes how the query resolves", []),
    "dbapi-parameters": ("allow", "read-shop", None, ["SELECT"]),
    "sqlalchemy-limit": ("allow", "read-shop", None, ["SELECT"]),
    "copy-to-scratch": ("allow", "write-scratch", None, ["COPY_TABLE"]),
    "copy-secrets": ("deny", "default", OUTSIDE.format(rule="write-scratch", n=1, verb="touches", table="other.secrets"), ["COPY_TABLE"]),
    "extract": ("deny", "no-export", "rule no-export: data may not leave BigQuery", ["EXPORT_DATA"]),
    "load-scratch": ("allow", "write-scratch", None, ["LOAD_DATA"]),
    "load-truncate": ("deny", "no-destroy", "rule no-destroy: replacing or dropping tables", ["TRUNCATE_TABLE", "LOAD_DATA"]),
    "upload-scratch": ("allow", "write-scratch", None, ["LOAD_DATA"]),
    "upload-truncate": ("deny", "no-destroy", "rule no-destroy: replacing or dropping tables", ["TRUNCATE_TABLE", "LOAD_DATA"]),
    "view-secrets": ("deny", "default", OUTSIDE.format(rule="write-scratch", n=1, verb="touches", table="other.secrets"), ["CREATE_VIEW"]),
    "view-shop": ("allow", "write-scratch", None, ["CREATE_VIEW"]),
}


def policy_file(tmp_path, emulator, text=POLICY):
    path = tmp_path / "policy.yaml"
    path.write_text(text + f"identity:\n  dev: true\nupstream:\n  url: {emulator.url}\n  project: test-proj\n  dry_run: false\n")
    return path


@pytest.fixture(scope="module")
def session(tmp_path_factory, emulator):
    """One `hrec run` of the agent trying every case; its output lines and journal events."""
    tmp_path = tmp_path_factory.mktemp("soundness")
    emulator.query("CREATE SCHEMA IF NOT EXISTS scratch")  # else the emulator answers 500 (retried) for tables in it
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"), TERM="xterm-256color")
    journal = tmp_path / "soundness.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy_file(tmp_path, emulator)), "--",
                  sys.executable, str(AGENTS / "soundness_agent.py"), env=env, timeout=300)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    lines = {line.split(":", 1)[0][len("CASE "):]: line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("CASE ")}
    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    assert hrec("verify", str(journal), env=env).returncode == 0
    return lines, events, out


def decision_for(events, case):
    """The policy.decision of the request a case made: found by its SQL, or by the endpoint and tables it names."""
    requests = {e["requestID"]: e for e in events if e["type"] == "gate.request"}
    decisions = [e for e in events if e["type"] == "policy.decision"]
    markers = {
        "cr-union": "other.secrets", "cr-drop": "DROP TABLE", "adjacent-literals": "'a''b'", "join-outside": "JOIN other.secrets",
        "subquery-outside": "FROM other.secrets))", "join-inside": "JOIN shop.big", "connection-property": "FROM customers",
        "dbapi-parameters": "@`id`", "sqlalchemy-limit": "LIMIT",
    }
    for decision in decisions:
        request = requests.get(decision["requestID"], {})
        tables = {t for s in decision["statements"] for t in s["reads"] + s["writes"]}
        kinds = [s["kind"] for s in decision["statements"]]
        if case in markers:
            if markers[case] in (request.get("sql") or "") and (case != "cr-union" or "\r" in request["sql"]):
                return decision
        elif case.startswith("destination-"):
            target = {"truncate": "test-proj.shop.customers", "other": "test-proj.other.copy", "scratch": "test-proj.scratch.ids"}[case[12:]]
            if "INSERT" in kinds and target in tables:
                return decision
        else:
            target = {"copy-to-scratch": "test-proj.scratch.customers_copy", "copy-secrets": "test-proj.scratch.stolen",
                      "extract": "test-proj.shop.customers", "load-scratch": "test-proj.scratch.seed",
                      "load-truncate": "test-proj.shop.customers", "upload-scratch": "test-proj.scratch.uploaded",
                      "upload-truncate": "test-proj.shop.customers", "view-secrets": "test-proj.scratch.v_secrets",
                      "view-shop": "test-proj.scratch.v_ids"}[case]
            endpoint = {"upload": "jobs.upload", "view": "tables.insert"}.get(case.split("-")[0], "jobs.insert")
            if target in tables and kinds == EXPECTED[case][3] and decision["endpoint"] == endpoint:
                return decision
    raise AssertionError(f"no policy.decision for {case}")


@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_hole_is_decided_at_the_gate(session, case):
    lines, events, out = session
    action, rule, message, kinds = EXPECTED[case]
    seen = lines.get(case)
    assert seen is not None, out
    decision = decision_for(events, case)
    assert decision["action"] == action, decision
    assert rule in decision["rules"], decision
    if kinds:
        assert [s["kind"] for s in decision["statements"]] == kinds, decision
    if action == "deny":
        assert seen.startswith("Forbidden: "), seen
        assert message in seen, seen
        assert message in decision["message"] or decision["message"] in seen
        responses = [e for e in events if e["type"] == "gate.response" and e["requestID"] == decision["requestID"]]
        assert responses and responses[0]["status"] == 403 and responses[0]["decision"] == "deny"
    else:
        assert not seen.startswith("Forbidden"), seen


def test_hidden_tables_are_in_the_journaled_analysis(session):
    _, events, _ = session
    union = decision_for(events, "cr-union")
    assert union["statements"][0]["reads"] == ["test-proj.other.secrets", "test-proj.shop.customers"]
    truncate = decision_for(events, "destination-truncate")
    assert truncate["statements"][3] == {"kind": "INSERT", "reads": [], "writes": ["test-proj.shop.customers"]}
    copy = decision_for(events, "copy-secrets")
    assert copy["statements"] == [{"kind": "COPY_TABLE", "reads": ["test-proj.other.secrets"], "writes": ["test-proj.scratch.stolen"]}]


def test_allowed_parameterised_queries_return_rows(session):
    lines, _, out = session
    assert lines["dbapi-parameters"] == "ALLOWED Ada Lovelace", out
    assert lines["sqlalchemy-limit"] == "ALLOWED ['Alan Turing']", out
    assert lines["join-inside"].startswith("ALLOWED"), out


TYPOS = """default: allow
rules:
  - id: no-drop
    match: {kinds: [SELEKT, DROP_TABEL]}
    action: deny
    message: no
  - id: shop
    match: {tables: ["shop.customers"]}
    action: deny
    message: no
"""


def test_typos_are_errors_at_check_time_and_the_gate_refuses_to_start(tmp_path, emulator):
    bad = policy_file(tmp_path, emulator, TYPOS)
    result = hrec("policy", "check", str(bad))
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert f"{bad}:4:21: kind 'SELEKT' matches no statement kind (did you mean one of: SELECT)" in err
    assert f"{bad}:4:29: kind 'DROP_TABEL' matches no statement kind" in err
    assert f"{bad}:8:22: table glob 'shop.customers' can match no table" in err
    gate = subprocess.run([HREC, "gate", "--config", str(bad), "--listen", "127.0.0.1:0", "--journals", str(tmp_path / "j")],
                          capture_output=True, text=True, timeout=30)
    assert gate.returncode != 0 and "listening on" not in gate.stderr
    assert "kind 'SELEKT' matches no statement kind" in gate.stderr


def test_explain_names_the_table_outside_the_allow_rule(tmp_path, emulator):
    result = hrec("policy", "explain", str(policy_file(tmp_path, emulator)), "--as", "alice@example.com", "--default-project", "p",
                  "--sql", "SELECT c.id, s.secret FROM shop.customers c JOIN other.secrets s USING (id)")
    out = result.stdout.decode()
    assert result.returncode == 4, out
    assert "statement 1: read-shop (allow) does not apply: reads p.other.secrets, outside *.shop.*" in out
    assert "decision: DENY" in out
