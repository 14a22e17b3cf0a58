"""Prompts and secrets through the built `hrec run`, with real programs on a real pty (pexpect
plays the person's terminal): what the person submits comes back as `prompt` events equal to
what the program received, and secrets typed at password prompts are nowhere in the journal
(checked on `hrec cat`'s decompressed records, base64 payloads decoded)."""
import base64
import json
import sys
import time

import pexpect

from conftest import HREC, ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
ESC = "\x1b"
PASTE = f"{ESC}[200~SELECT region, SUM(amount)\r\nFROM sales\r\nGROUP BY region{ESC}[201~"


def spawn(args, env):
    env = dict(env, PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(HREC, ["run", "-q", "--no-gate", *args], env=env, dimensions=(24, 100), timeout=20,
                         encoding="utf-8", codec_errors="replace")


def typed(child, *keys):
    """Sends keys one by one with a little pause, as a person types."""
    for key in keys:
        child.send(key)
        time.sleep(0.05)


def journal_records(path, env):
    result = hrec("cat", str(path), env=env)
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode().splitlines()], result.stdout


def prompt_events(records):
    return [r["event"] for r in records if r["kind"] == "event" and r["event"]["type"] == "prompt"]


def assert_secret_absent(records, raw, secret):
    assert secret.encode() not in raw
    for record in records:
        if "data" in record:
            assert secret.encode() not in base64.b64decode(record["data"])
    for k in range(5, len(secret)):  # no fragment either
        assert secret[:k].encode() not in raw


def submitted(child):
    child.expect(r"SUBMITTED (\".*\")\r\n")
    return json.loads(child.match.group(1))


def test_a_raw_mode_line_editor_gives_prompt_events_equal_to_what_it_received(tmp_path, hrec_env):
    journal = tmp_path / "editor.hrec"
    child = spawn(["--journal", str(journal), "--", sys.executable, str(AGENTS / "line_editor.py")], hrec_env)
    received = []
    child.expect("ask> ")
    typed(child, "show me teh", "\x7f\x7f", "he revenu by region", f"{ESC}[D" * 10, "e", "\r")
    received.append(submitted(child))
    typed(child, "drop every table", "\x17\x17", "the draft", "\x15", "naïve café ☕ query", "\r")
    received.append(submitted(child))
    typed(child, "run this: ", PASTE, " please", "\r")
    received.append(submitted(child))
    typed(child, "quit\r")
    received.append(submitted(child))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert received == ["show me the revenue by region", "naïve café ☕ query",
                        "run this: SELECT region, SUM(amount)\nFROM sales\nGROUP BY region please", "quit"]
    records, _ = journal_records(journal, hrec_env)
    events = prompt_events(records)
    assert [e["text"] for e in events] == received
    assert all(e["complete"] for e in events)
    assert [e.get("pastes", 0) for e in events] == [0, 0, 1, 0]
    # Raw mode has ECHO off, yet the keys are recorded (nothing redacted).
    assert not [r for r in records if r["kind"] == "redaction"]
    assert b"".join(base64.b64decode(r["data"]) for r in records if r["kind"] == "input").startswith(b"show me teh")


def test_a_prompt_toolkit_tui_prompt_with_edits_and_a_paste_and_its_password(tmp_path, hrec_env):
    journal = tmp_path / "toolkit.hrec"
    secret = "Tr0ub4dor&3-horse"
    child = spawn(["--journal", str(journal), "--", sys.executable, str(AGENTS / "toolkit_agent.py")], hrec_env)
    received = []
    child.expect("agent>")
    typed(child, "what is the revnue", f"{ESC}[D" * 3, "e", f"{ESC}[C" * 4, " by regoin", "\x7f\x7f\x7f", "ion", "\r")
    received.append(submitted(child))
    child.expect("agent>")
    typed(child, "explain ", PASTE, " thanks", "\r")
    received.append(submitted(child))
    child.expect("agent>")
    typed(child, "login\r")
    received.append(submitted(child))
    child.expect("Password:")
    time.sleep(0.3)
    typed(child, secret, "\r")
    child.expect(f"PASSWORD LENGTH {len(secret)}")
    child.expect("agent>")
    typed(child, "quit\r")
    received.append(submitted(child))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert received == ["what is the revenue by region",
                        "explain SELECT region, SUM(amount)\nFROM sales\nGROUP BY region thanks", "login", "quit"]
    records, raw = journal_records(journal, hrec_env)
    events = prompt_events(records)
    assert [e["text"] for e in events] == received
    assert all(e["complete"] for e in events)
    assert_secret_absent(records, raw, secret)
    redacted = [r for r in records if r["kind"] == "redaction"]
    assert {r["reason"] for r in redacted} == {"password-prompt"}
    assert sum(r["length"] for r in redacted) == len(secret) + 1


def test_history_recall_in_a_tui_is_marked_incomplete(tmp_path, hrec_env):
    journal = tmp_path / "history.hrec"
    child = spawn(["--journal", str(journal), "--", sys.executable, str(AGENTS / "toolkit_agent.py")], hrec_env)
    child.expect("agent>")
    typed(child, "total sales\r")
    assert submitted(child) == "total sales"
    child.expect("agent>")
    typed(child, f"{ESC}[A", " today", "\r")  # up arrow: the program recalls the previous line
    assert submitted(child) == "total sales today"
    typed(child, "quit\r")
    child.expect(pexpect.EOF)
    child.close()
    events = prompt_events(journal_records(journal, hrec_env)[0])
    assert [(e["text"], e["complete"], e.get("uncertain")) for e in events] == [
        ("total sales", True, None), (" today", False, ["history"]), ("quit", True, None)]


def test_getpass_and_read_s_secrets_are_withheld_and_the_lines_around_them_are_prompts(tmp_path, hrec_env):
    secret = "hunter2-Sup3rSecret"
    script = (f"read -r -p 'Question: ' q; echo \"asked $q\"; "
              f"{sys.executable} -c \"import getpass; p = getpass.getpass('Password: '); print('got', len(p), 'chars')\"; "
              "read -r -s -p 'PIN code (read -s): ' pin; echo; echo \"pin ${#pin}\"; "
              "read -r -p 'Again: ' a; echo \"asked $a\"")
    journal = tmp_path / "secrets.hrec"
    child = spawn(["--journal", str(journal), "--", "bash", "-c", script], hrec_env)
    child.expect("Question: ")
    typed(child, "which tables?\r")
    child.expect("asked which tables")
    child.expect("Password:")
    time.sleep(0.3)
    typed(child, secret, "\r")
    child.expect(f"got {len(secret)} chars")
    child.expect(r"PIN code \(read -s\): ")
    time.sleep(0.3)
    typed(child, secret[::-1], "\r")
    child.expect(f"pin {len(secret)}")
    child.expect("Again: ")
    typed(child, "and the views\r")
    child.expect("asked and the views")
    child.expect(pexpect.EOF)
    child.close()
    records, raw = journal_records(journal, hrec_env)
    assert [e["text"] for e in prompt_events(records)] == ["which tables?", "and the views"]
    assert_secret_absent(records, raw, secret)
    assert_secret_absent(records, raw, secret[::-1])
    redacted = [r for r in records if r["kind"] == "redaction"]
    assert {r["reason"] for r in redacted} == {"echo-off"}
    assert sum(r["length"] for r in redacted) == 2 * (len(secret) + 1)


def test_a_password_prompt_pattern_can_be_configured(tmp_path, hrec_env):
    key = "s3cr3t-vault-key"
    journal = tmp_path / "pattern.hrec"
    child = spawn(["--journal", str(journal), "--password-prompt", "vault key>$", "--",
                   sys.executable, str(AGENTS / "line_editor.py")], hrec_env)
    child.expect("ask> ")
    typed(child, "vault\r")
    assert submitted(child) == "vault"
    child.expect("vault key> ")
    time.sleep(0.3)
    typed(child, key, "\r")
    child.expect(f"KEY LENGTH {len(key)}")
    child.expect("ask> ")
    typed(child, "quit\r")
    child.expect(pexpect.EOF)
    child.close()
    records, raw = journal_records(journal, hrec_env)
    assert_secret_absent(records, raw, key)
    assert [e["text"] for e in prompt_events(records)] == ["vault", "quit"]
    assert [r["reason"] for r in records if r["kind"] == "redaction"] == ["password-prompt"] * len(
        [r for r in records if r["kind"] == "redaction"])


def test_an_invalid_password_prompt_pattern_is_refused_before_anything_runs(tmp_path, hrec_env):
    result = hrec("run", "--no-gate", "--journal", str(tmp_path / "x.hrec"), "--password-prompt", "(unclosed",
                  "--", "true", env=hrec_env)
    assert result.returncode == 1
    assert result.stderr.decode() == "hrec: --password-prompt '(unclosed' is not a valid regular expression\n"
    assert not (tmp_path / "x.hrec").exists()


def test_the_player_steps_to_prompts_and_filters_its_events_panel(tmp_path, hrec_env):
    from test_player import STATUS, Tmux, position
    journal = tmp_path / "played.hrec"
    child = spawn(["--journal", str(journal), "--", sys.executable, str(AGENTS / "line_editor.py")], hrec_env)
    for line in ["first question", "second one", "quit"]:
        child.expect("ask> ")
        typed(child, line, "\r")
        assert submitted(child) == line
    child.expect(pexpect.EOF)
    child.close()
    records, _ = journal_records(journal, hrec_env)
    times = [round(r["t"] * 1_000_000) for r in records if r["kind"] == "event" and r["event"]["type"] == "prompt"]
    tmux = Tmux(tmp_path, hrec_env, f"{HREC} play --paused {journal}", columns=110, rows=30)
    try:
        tmux.wait(lambda l: position(l) is not None, "the paused player")
        tmux.keys("]")
        lines = tmux.wait(lambda l: any("prompt: first question" in x for x in l), "the first prompt's label")
        assert abs(position(lines) - times[0]) <= 1
        tmux.keys("]")
        lines = tmux.wait(lambda l: any("prompt: second one" in x for x in l), "the second prompt's label")
        assert abs(position(lines) - times[1]) <= 1

        tmux.keys("e")
        lines = tmux.wait(lambda l: any("queries and decisions, prompts" in x for x in l)
                          and any("PROMPT" in x and "first question" in x for x in l), "the events panel with its rows")
        assert [x for x in lines if "PROMPT" in x and "first question" in x]
        tmux.keys("f")
        tmux.wait(lambda l: any("queries and decisions only" in x for x in l) and any("(no queries" in x for x in l),
                  "the queries-only filter")
        tmux.keys("f")
        lines = tmux.wait(lambda l: any("prompts only" in x for x in l) and sum("PROMPT" in x for x in l) >= 3,
                          "the prompts-only filter")
        rows = [x for x in lines if "PROMPT" in x]
        assert len(rows) == 3 and "quit" in rows[2]
        tmux.keys("Down", "Enter")
        lines = tmux.wait(lambda l: any("type     prompt" in x for x in l), "the prompt's details")
        assert any("second one" in x for x in lines)

        # The status line keeps one precision (µs) while playing too.
        tmux.keys("Escape", "Home", "Space")
        lines = tmux.wait(lambda l: any((m := STATUS.search(x)) and m.group(1) == "▶" for x in l), "playing")
        playing = next(STATUS.search(x) for x in lines if STATUS.search(x))
        assert len(playing.group(5)) == 6
    finally:
        tmux.kill()
