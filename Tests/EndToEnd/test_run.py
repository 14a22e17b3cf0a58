"""`hrec run` with a real pty running real programs, seen from a real outer terminal (pexpect)."""
import os
import signal
import subprocess
import sys
import time

import pexpect
import pytest

import hrec_journal
from conftest import HREC, hrec


def spawn(args, env, **kwargs):
    return pexpect.spawn(HREC, args, env=env, dimensions=(24, 80), timeout=15, **kwargs)


def records(path, kind):
    return [(t, p) for k, t, p in hrec_journal.read(path).records if k == kind]


def test_all_256_byte_values_come_back_byte_exact(tmp_path, hrec_env):
    journal = tmp_path / "bytes.hrec"
    program = "import sys; sys.stdout.buffer.write(bytes(range(256))); sys.stdout.flush()"
    # The child puts its pty in raw mode so the line discipline passes every byte unchanged.
    child = spawn(["run", "-q", "--journal", str(journal), "--", "bash", "-c",
                   f"stty raw -echo; {sys.executable} -c '{program}'; stty sane"], hrec_env)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert bytes(range(256)) in hrec_journal.output_bytes(hrec_journal.read(journal))


@pytest.mark.parametrize("reader", [
    "read -r -s -p 'Password: ' pw; echo; echo \"got ${#pw} chars\"",
    f"{sys.executable} -c \"import getpass; p = getpass.getpass('Password: '); print('got', len(p), 'chars')\"",
])
def test_password_typed_with_echo_off_leaves_no_trace(tmp_path, hrec_env, reader):
    journal = tmp_path / "secret.hrec"
    secret = "hunter2-Sup3rSecret"
    child = spawn(["run", "-q", "--journal", str(journal), "--", "bash", "-c", reader], hrec_env)
    child.expect("Password: ")
    time.sleep(0.3)  # let the program turn echo off before typing, as a person would
    child.send(secret + "\r")
    child.expect(f"got {len(secret)} chars")
    child.expect(pexpect.EOF)
    child.close()
    raw = journal.read_bytes()
    content = subprocess.run(["zstd", "-d", "-q", "-c", str(journal)], capture_output=True).stdout
    assert secret.encode() not in raw and secret.encode() not in content
    for k in range(6, len(secret)):  # no fragment either
        assert secret[:k].encode() not in content
    redactions = hrec_journal.json_records(hrec_journal.read(journal), "redaction")
    assert sum(r["length"] for r in redactions if r["reason"] == "echo-off") == len(secret) + 1
    assert all(r["stream"] == "input" for r in redactions)


def test_resize_reaches_the_child_and_is_recorded(tmp_path, hrec_env):
    journal = tmp_path / "resize.hrec"
    program = (
        "import os, signal, sys, time\n"
        "signal.signal(signal.SIGWINCH, lambda *a: (print('size', *os.get_terminal_size()[::-1], flush=True), sys.exit(0)))\n"
        "print('ready', flush=True)\n"
        "time.sleep(10)\n"
    )
    child = spawn(["run", "-q", "--journal", str(journal), "--", sys.executable, "-c", program], hrec_env)
    child.expect("ready")  # the handler is installed: no race with the resize
    child.setwinsize(40, 100)
    child.expect("size 40 100")
    child.expect(pexpect.EOF)
    child.close()
    resizes = [(int.from_bytes(p[0:2], "little"), int.from_bytes(p[2:4], "little")) for _, p in records(journal, "resize")]
    assert resizes[0] == (80, 24)
    assert (100, 40) in resizes
    assert hrec_journal.json_records(hrec_journal.read(journal), "header")[0]["size"] == {"columns": 80, "rows": 24}


@pytest.mark.parametrize("command,status", [
    ("exit 0", 0), ("exit 3", 3), ("kill -TERM $$", 128 + 15), ("kill -KILL $$", 128 + 9),
])
def test_exit_status_is_passed_on_and_terminal_settings_survive(tmp_path, hrec_env, command, status):
    journal = tmp_path / "exit.hrec"
    script = (
        f"stty -a > {tmp_path}/before; "
        f"{HREC} run -q --journal {journal} -- bash -c '{command}'; echo \"status=$?\"; "
        f"stty -a > {tmp_path}/after"
    )
    child = pexpect.spawn("bash", ["--norc", "-c", script], env=hrec_env, dimensions=(24, 80), timeout=15)
    child.expect(r"status=(\d+)")
    assert int(child.match.group(1)) == status
    child.expect(pexpect.EOF)
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    end = hrec_journal.json_records(hrec_journal.read(journal), "end")[0]
    if status >= 128:
        assert end["signal"] == status - 128
    else:
        assert end["exitStatus"] == status


def test_ctrl_c_travels_as_a_keystroke_and_the_terminal_is_restored(tmp_path, hrec_env):
    journal = tmp_path / "ctrlc.hrec"
    script = (
        f"stty -a > {tmp_path}/before; "
        f"{HREC} run -q --journal {journal} -- bash -c 'echo started; sleep 30'; echo \"status=$?\"; "
        f"stty -a > {tmp_path}/after"
    )
    child = pexpect.spawn("bash", ["--norc", "-c", script], env=hrec_env, dimensions=(24, 80), timeout=15)
    child.expect("started")
    time.sleep(0.2)
    child.sendcontrol("c")
    child.expect(r"status=(\d+)")
    assert int(child.match.group(1)) == 130
    child.expect(pexpect.EOF)
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    inputs = b"".join(p for _, p in records(journal, "input"))
    assert b"\x03" in inputs


def test_stdin_from_a_pipe_works_and_is_recorded(tmp_path, hrec_env):
    journal = tmp_path / "pipe.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--", "bash", "-c", "read line; echo \"got:$line\"",
                  input=b"from-a-pipe\n", env=hrec_env)
    assert result.returncode == 0
    assert b"got:from-a-pipe" in result.stdout
    parsed = hrec_journal.read(journal)
    assert b"from-a-pipe" in b"".join(p for k, _, p in parsed.records if k == "input")
    assert b"got:from-a-pipe" in hrec_journal.output_bytes(parsed)
    header = hrec_journal.json_records(parsed, "header")[0]
    assert "size" not in header  # not a terminal: no size


def test_environment_allowlist_and_session_variables(tmp_path, hrec_env):
    journal = tmp_path / "env.hrec"
    env = dict(hrec_env, AWS_SECRET_ACCESS_KEY="do-not-record-me", GITHUB_TOKEN="ghp_secret", LANG="C.UTF-8")
    result = hrec("run", "-q", "--journal", str(journal), "--", "bash", "-c",
                  "echo \"id=$HREC_SESSION_ID journal=$HREC_JOURNAL\"", env=env)
    parsed = hrec_journal.read(journal)
    header = hrec_journal.json_records(parsed, "header")[0]
    assert f"id={parsed.session_id} journal={journal}".encode() in result.stdout
    assert header["environment"]["LANG"] == "C.UTF-8"
    assert "AWS_SECRET_ACCESS_KEY" not in header["environment"] and "GITHUB_TOKEN" not in header["environment"]
    assert b"do-not-record-me" not in subprocess.run(["zstd", "-dqc", str(journal)], capture_output=True).stdout
    assert header["command"] == ["bash", "-c", "echo \"id=$HREC_SESSION_ID journal=$HREC_JOURNAL\""]


def test_default_location_and_path_message(tmp_path, hrec_env):
    result = hrec("run", "--", "true", env=hrec_env)
    assert result.returncode == 0
    sessions = list((tmp_path / "data" / "hrec" / "sessions").glob("*.hrec"))
    assert len(sessions) == 1
    assert result.stderr.decode() == f"hrec: session recorded in {sessions[0]}\n"
    assert (tmp_path / "config" / "hrec" / "signing-key").stat().st_mode & 0o777 == 0o600
    assert hrec("verify", str(sessions[0]), env=hrec_env).returncode == 0


def test_a_command_that_does_not_exist_is_a_clear_error(tmp_path, hrec_env):
    result = hrec("run", "-q", "--journal", str(tmp_path / "x.hrec"), "--", "clade", env=hrec_env)
    assert result.returncode == 127
    assert result.stderr.decode() == "hrec: cannot run 'clade': No such file or directory\n"


def test_sigterm_to_hrec_ends_the_child_politely_and_closes_the_journal(tmp_path, hrec_env):
    journal = tmp_path / "term.hrec"
    process = subprocess.Popen([HREC, "run", "-q", "--journal", str(journal), "--", "bash", "-c",
                                "trap 'echo got-hup; exit 7' HUP; echo ready; while true; do sleep 0.1; done"],
                               env=hrec_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert process.stdout.readline().strip() == b"ready"
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=10)
    assert b"got-hup" in out
    assert process.returncode == 7
    assert hrec("verify", str(journal), env=hrec_env).returncode == 0
    end = hrec_journal.json_records(hrec_journal.read(journal), "end")[0]
    assert end["exitStatus"] == 7 and "signal 15" in end["reason"]


def test_sigkill_of_hrec_leaves_a_truncated_journal_intact_before_the_cut(tmp_path, hrec_env):
    journal = tmp_path / "killed.hrec"
    process = subprocess.Popen([HREC, "run", "-q", "--journal", str(journal), "--", "bash", "-c",
                                "for i in $(seq 1 100000); do echo line $i; sleep 0.01; done"],
                               env=hrec_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 10
    last_line = b""
    while time.time() < deadline:
        last_line = process.stdout.readline()
        if last_line.startswith(b"line 100"):
            break
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    relayed = last_line + process.stdout.read()
    process.wait()
    last_relayed = max(int(x.split()[1]) for x in relayed.replace(b"\r", b"").split(b"\n") if x.startswith(b"line "))
    verify = hrec("verify", str(journal), env=hrec_env)
    assert verify.returncode == 2, verify.stdout
    assert b"TRUNCATED" in verify.stdout and b"intact before it" in verify.stdout
    cat = hrec("cat", str(journal), env=hrec_env)
    assert cat.returncode == 2
    import json
    lines = [json.loads(l) for l in cat.stdout.splitlines()]
    text = b"".join(__import__("base64").b64decode(l["data"]) for l in lines if l["kind"] == "output")
    assert b"line 100\r\n" in text
    # At most one flush interval (250 ms) is lost: lines come at most every 10 ms, so at most
    # about 25 of the lines hrec had relayed to the terminal may be missing from the journal.
    last_recorded = max(int(x.split()[1]) for x in text.split(b"\r\n") if x.startswith(b"line "))
    assert last_recorded >= 100
    assert last_relayed - last_recorded <= 30, (last_relayed, last_recorded)
