"""Issue 16.3: the response the agent received is on record whole. A 5,000-row masked result read
with the official client through `hrec run`: `hrec cat --response` returns exactly the bytes the
client's transport received (length and SHA-256 compared, measured inside the agent), and with a
journal cap the record keeps a prefix plus the full body's size and SHA-256."""
import hashlib
import json
import subprocess
import sys

import hrec_journal
from conftest import HREC, ROOT, hrec

AGENT = ROOT / "Tests" / "EndToEnd" / "agents" / "full_response_agent.py"
RAW = ["user1@big.example.com", "user4999@big.example.com", "user5000@big.example.com"]


def run_agent(tmp_path, hrec_env, emulator, cap=None):
    (tmp_path / "masking.key").write_text("0123456789abcdef0123456789abcdef\n")
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"""version: 1
default: allow
masking:
  key_file: {tmp_path / 'masking.key'}
  columns:
    - column: email
      style: email_mask
identity:
  dev: true
upstream:
  url: {emulator.url}
  project: test-proj
""" + (f"journal:\n  response_body_cap: {cap}\n" if cap else ""))
    journal = tmp_path / "full.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy), "--", sys.executable, str(AGENT),
                  env=hrec_env, timeout=180)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "ROWS 5000 XXXXX@big.example.com XXXXX@big.example.com" in out, out
    bodies = [line.split() for line in out.splitlines() if line.startswith("BODY ")]
    largest = max(bodies, key=lambda b: int(b[4]))
    assert largest[3] == "identity"  # no content encoding: these are the bytes that came off the wire
    assert int(largest[4]) > 200_000, bodies
    events = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event") if e["type"] == "gate.response"]
    matching = [e for e in events if e["responseBytes"] == int(largest[4])]
    assert len(matching) == 1, [e["responseBytes"] for e in events]
    return journal, largest, matching[0]


def response_body(journal, request_id, env):
    result = subprocess.run([HREC, "cat", "--response", request_id, str(journal)], env=env,
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout, result.stderr.decode()


def test_a_large_masked_result_is_journaled_whole_and_cat_returns_its_exact_bytes(tmp_path, hrec_env, emulator):
    journal, (_, _, _, _, length, digest), event = run_agent(tmp_path, hrec_env, emulator)
    assert event["responseBodyTruncated"] is True and event["responseBodyChunks"] >= 1
    assert "responseJournalCap" not in event
    # The body records follow the commit: the committed event proves the body the agent received.
    assert event["responseSHA256"] == digest
    body, _ = response_body(journal, event["requestID"], hrec_env)
    assert len(body) == int(length) and hashlib.sha256(body).hexdigest() == digest
    assert body.startswith(event["responseBody"].encode())
    # Masked before it was journaled: no raw value of the masked column anywhere in the journal.
    content = subprocess.run(["zstd", "-dqc", str(journal)], capture_output=True).stdout
    for value in RAW:
        assert value.encode() not in content and value.encode() not in body
    assert b"XXXXX@big.example.com" in body
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0
    # Every other call's body is rebuilt too (small ones inline only).
    for other in hrec_journal.json_records(hrec_journal.read(journal), "event"):
        if other["type"] == "gate.response" and other["requestID"] != event["requestID"]:
            small, _ = response_body(journal, other["requestID"], hrec_env)
            assert len(small) == other["responseBytes"]
    missing = subprocess.run([HREC, "cat", "--response", "no-such-request", str(journal)], env=hrec_env,
                             capture_output=True, timeout=60)
    assert missing.returncode != 0 and b"no gate.response for request no-such-request" in missing.stderr


def test_a_journal_cap_keeps_a_prefix_and_the_size_and_digest_of_the_whole_body(tmp_path, hrec_env, emulator):
    journal, (_, _, _, _, length, digest), event = run_agent(tmp_path, hrec_env, emulator, cap="100KiB")
    assert event["responseJournalCap"] == 102_400
    assert event["responseBytes"] == int(length) and event["responseSHA256"] == digest
    kept, note = response_body(journal, event["requestID"], hrec_env)
    assert 102_400 - 4 < len(kept) <= 102_400
    assert f"SHA-256 of the whole body: {digest}" in note and f"of {length}" in note


def test_a_journal_cut_before_the_body_records_still_proves_what_the_agent_received(tmp_path, hrec_env, emulator):
    """hrec dies between the answer and the body records: the committed gate.response holds the digest."""
    journal, (_, _, _, _, _, digest), event = run_agent(tmp_path, hrec_env, emulator)
    parsed = hrec_journal.read(journal)
    request_id = event["requestID"]
    def index_of(kind):
        return next(i for i, (k, _, p) in enumerate(parsed.records)
                    if k == "event" and json.loads(p)["type"] == kind and json.loads(p)["requestID"] == request_id)
    first_body = index_of("gate.response.body")
    offset, first_record, _ = max(e for e in parsed.index_entries if e[1] <= first_body)
    assert index_of("gate.response") < first_record  # the commit sealed gate.response in an earlier frame
    cut = tmp_path / "cut.hrec"
    cut.write_bytes(journal.read_bytes()[:offset])
    result = subprocess.run([HREC, "cat", "--response", request_id, str(cut)], env=hrec_env, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert f"incomplete: 0 of {event['responseBodyChunks']} body records" in result.stderr.decode()
    assert f"the body returned had SHA-256 {digest}" in result.stderr.decode()
