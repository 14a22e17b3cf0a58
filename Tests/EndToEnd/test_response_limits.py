"""An agent cannot make the gate hold unbounded upstream responses: a response body is taken
from the gate's memory budget as it arrives, and one larger than `limits: max_response` is
dropped (the call answered with a clear error and journaled) rather than held, masked and
journaled whole. Through `hrec run`, the official client, bqemulator."""
import sys

import hrec_journal
from conftest import ROOT, hrec

AGENT = ROOT / "Tests" / "EndToEnd" / "agents" / "large_response_agent.py"


def test_a_response_larger_than_the_gate_takes_in_is_dropped_and_journaled(tmp_path, hrec_env, emulator):
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"""version: 1
default: allow
identity:
  dev: true
upstream:
  url: {emulator.url}
  project: test-proj
limits:
  max_response: 100KiB
""")
    journal = tmp_path / "limits.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--policy", str(policy), "--", sys.executable, str(AGENT),
                  env=hrec_env, timeout=180)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    large = next(line for line in out.splitlines() if line.startswith("LARGE "))
    assert large.startswith("LARGE ERROR BadRequest") and "cannot take in this response" in large, large
    assert "larger than the 102400 bytes the gate takes in" in large and "maxResults" in large, large
    assert "SMALL ROWS 3" in out, out
    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    dropped = [e for e in events if e["type"] == "gate.response" and e["status"] == 400 and "larger than" in (e.get("reason") or "")]
    assert dropped and all("upstreamStatus" not in e for e in dropped)
    # Nothing of the dropped body reached the journal: no row of the large page is on record.
    assert not any("user4999@big.example.com" in (e.get("responseBody") or "") for e in events if e["type"] == "gate.response")


def test_a_limit_that_is_not_a_byte_size_is_refused_before_the_session_starts(tmp_path, hrec_env, emulator):
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"version: 1\ndefault: allow\nidentity:\n  dev: true\nupstream:\n  url: {emulator.url}\nlimits:\n  memory_budget: lots\n")
    result = hrec("run", "-q", "--journal", str(tmp_path / "x.hrec"), "--policy", str(policy), "--", "true", env=hrec_env, timeout=60)
    assert result.returncode != 0
    assert "limits.memory_budget 'lots' is not a byte size" in result.stderr.decode()
