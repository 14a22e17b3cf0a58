"""The policy behind the gate, end to end: the official client gets Forbidden with the rule's
message for a DROP (also hidden behind a SELECT, also through tables.delete), allowed queries
work, and every decision is journaled with its rule ids and reasons."""
import shutil
import sys

import hrec_journal
from conftest import ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"


def policy_file(tmp_path, emulator):
    text = (ROOT / "fixtures" / "policies" / "example.yaml").read_text()
    text = text.replace("key_file: /etc/hrec/masking.key", f"key_file: {tmp_path / 'masking.key'}")
    (tmp_path / "masking.key").write_text("0123456789abcdef0123456789abcdef\n")
    text += f"\nidentity:\n  dev: true\nupstream:\n  url: {emulator.url}\n  project: test-proj\n  dry_run: true\n"
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


def test_drop_is_refused_with_the_rules_message_and_decisions_are_journaled(tmp_path, hrec_env, emulator):
    journal = tmp_path / "policy.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy_file(tmp_path, emulator)), "--",
                  sys.executable, str(AGENTS / "policy_agent.py"), env=hrec_env, timeout=120)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "select 4" in out
    assert "ALLOWED" not in out and out.count("Forbidden: ") == 4
    assert out.count("Access Denied: rule no-drop: dropping, truncating, altering or re-granting data is not allowed for agents") == 4
    assert "still there customers" in out

    parsed = hrec_journal.read(journal)
    header = hrec_journal.json_records(parsed, "header")[0]
    decisions = [e for e in hrec_journal.json_records(parsed, "event") if e["type"] == "policy.decision"]
    assert header["policyDigest"] == decisions[0]["policyDigest"]
    denied = [d for d in decisions if d["action"] == "deny"]
    hidden = next(d for d in denied if [s["kind"] for s in d["statements"]] == ["SELECT", "DROP_TABLE"])
    assert hidden["rules"] == ["no-drop"]
    assert any(m["rule"] == "no-drop" and "DROP_TABLE" in m["reason"] for m in hidden["matches"])
    assert any(d["endpoint"] == "tables.delete" and d["rules"] == ["no-drop"] for d in denied)
    allowed = [d for d in decisions if d["action"] == "allow" and d["endpoint"] == "jobs.insert"]
    assert allowed and allowed[0]["maximumBytesBilled"] == "10000000000" and allowed[0]["estimatedBytes"] == "0"
    responses = [e for e in hrec_journal.json_records(parsed, "event") if e["type"] == "gate.response" and e["decision"] == "deny"]
    assert len(responses) >= 4 and all(r["status"] == 403 for r in responses)
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0


def test_policy_check_reports_every_error_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndefault: maybe\nrules:\n  - id: r1\n    action: deny\n  - action: allow\n    match:\n      kinds: [SELECT]\n"
                   "      colour: red\n  - id: r3\n    action: review\nmasking:\n  columns:\n    - column: email\n      style: blur\n")
    result = hrec("policy", "check", str(bad))
    err = result.stderr.decode()
    assert result.returncode == 1
    assert f"{bad}:2:10: action must be allow, review or deny" in err
    assert f"{bad}:4:5: deny rule 'r1' needs a 'message'" in err
    assert f"{bad}:6:5: a rule needs an 'id'" in err
    assert f"{bad}:9:7: unknown key 'colour' in a match" in err
    assert f"{bad}:10:5: review rule 'r3' needs 'approvers'" in err
    assert f"{bad}:15:14: style must be one of" in err
    ok = hrec("policy", "check", str(ROOT / "fixtures" / "policies" / "example.yaml"))
    assert ok.returncode == 0 and b"OK: 7 rules, default deny" in ok.stdout


def test_policy_explain_prints_the_analysis_the_decision_and_every_matching_rule():
    result = hrec("policy", "explain", str(ROOT / "fixtures" / "policies" / "example.yaml"), "--as", "alice@example.com",
                  "--groups", "analysts", "--default-project", "p", "--sql", "SELECT 1; /* x */ DROP TABLE `p.shop.customers`")
    out = result.stdout.decode()
    assert result.returncode == 4
    assert "2. DROP_TABLE  writes p.shop.customers" in out
    assert "decision: DENY" in out
    assert "statement 2: no-drop (deny): kind DROP_TABLE" in out
    review = hrec("policy", "explain", str(ROOT / "fixtures" / "policies" / "example.yaml"), "--as", "bob@example.com",
                  "--default-project", "p", "--sql", "DELETE FROM shop.customers WHERE id = 2")
    assert review.returncode == 3 and b"decision: REVIEW" in review.stdout
