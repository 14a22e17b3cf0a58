"""Masking end to end: the official client receives masked values on every page of a 10,000-row
result and through list_rows, and no raw value of a masked column lands anywhere in the journal."""
import json
import subprocess
import sys

import hrec_journal
from conftest import ROOT, hrec
from test_policy import policy_file

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
RAW = ["ada@example.com", "alan@example.com", "grace@example.com", "edsger@example.com",
       "123-45-6789", "987-65-4321", "111-22-3333", "222-33-4444",
       "4111111111111111", "5500000000000004", "340000000000009", "6011000000000004",
       "+1-555-0100", "+1-555-0101", "+1-555-0102", "+1-555-0103",
       "user1@big.example.com", "user10000@big.example.com", "user5000@big.example.com"]


def line(out, tag):
    return next(l for l in out.splitlines() if l.startswith(tag + " "))[len(tag) + 1:]


def test_masked_on_every_page_and_list_rows_and_nothing_raw_in_the_journal(tmp_path, hrec_env, emulator):
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    journal = sessions / "masking.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy_file(tmp_path, emulator)), "--",
                  sys.executable, str(AGENTS / "masking_agent.py"), env=hrec_env, timeout=180)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()

    rows = json.loads(line(out, "QUERY"))
    assert [r["name"] for r in rows] == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"]
    assert [r["email"] for r in rows] == ["XXXXX@example.com"] * 4
    assert [r["ssn"] for r in rows] == ["[REDACTED:ssn]"] * 4
    assert [r["card_number"] for r in rows] == ["XXXXXXXXXXXX1111", "XXXXXXXXXXXX0004", "XXXXXXXXXXX0009", "XXXXXXXXXXXX0004"]
    tokens = [r["phone"] for r in rows]
    assert all(t.startswith("tok_") and len(t) == 36 for t in tokens) and len(set(tokens)) == 4
    assert all(r["created_at"].startswith("2024-01-01 00:00:00") for r in rows)
    assert "EVADED" not in out and out.count("REFUSED Forbidden") == 2
    assert json.loads(line(out, "DETECTED")) == ["XXXXX@corp.example.com"] * 4
    count, distinct, first, last = line(out, "BIG").split()
    assert (count, distinct, first, last) == ("10000", "1", "XXXXX@big.example.com", "XXXXX@big.example.com")
    listed = json.loads(line(out, "LISTED"))
    assert len(listed) == 4 and {r["email"] for r in listed} == {"XXXXX@example.com"} and {r["ssn"] for r in listed} == {"[REDACTED:ssn]"}
    assert {r["phone"] for r in listed} == set(tokens)  # deterministic tokens: the same value, the same token
    assert json.loads(line(out, "SELECTED")) == [{"ssn": "[REDACTED:ssn]"}] * 4

    # No raw value anywhere: not in the screen output, not in the journal (raw or decompressed).
    for value in RAW:
        assert value not in out, value
    for path in sessions.iterdir():
        raw = path.read_bytes()
        content = subprocess.run(["zstd", "-dqc", str(path)], capture_output=True).stdout
        for value in RAW:
            assert value.encode() not in raw and value.encode() not in content, (path, value)

    events = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event") if e["type"] == "masking.applied"]
    assert events
    pages = [e for e in events if e["endpoint"] == "jobs.getQueryResults" and e["rows"] > 0]
    assert sum(e["rows"] for e in pages) >= 10000 + 4 + 4
    columns = {(c["column"], c["style"], c["source"]) for e in events for c in e["columns"]}
    assert ("ssn", "redact", "policy") in columns and ("email", "email_mask", "policy") in columns
    assert ("note", "email_mask", "email") in columns
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0
