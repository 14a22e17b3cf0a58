"""scripts/demo.py as a first-time user runs it: on the bundled data and policy, the recorded
session shows a masked value, a denied statement and a statement held until approved."""
import re
import subprocess
import sys

from conftest import ROOT


def test_the_demo_shows_a_deny_a_hold_and_masked_values():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py")], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", result.stdout)
    assert "-> DENY: rule no-drop" in out
    assert "-> REVIEW: rule protected-writes requires approval" in out
    assert re.search(r"approval\.requested apr-\w+", out) and "approval.executed" in out
    assert "-> masked email (email_mask), ssn (redact), card_number (last_four) in 4 rows" in out
    screen = out[out.index("== the screen at the end"):]
    assert "XXXXX@example.com" in screen and "[REDACTED:ssn]" in screen and "ada@example.com" not in screen
    assert "approved and done: 1 row deleted" in screen
    assert "/demo.hrec: OK" in out
