"""hrec play without the TUI: the screen at an instant matches an independent emulator (pyte)
fed the same bytes, and --no-wait writes exactly the recorded output."""
import pyte
import pytest

import hrec_journal
from conftest import hrec

SCRIPT = r"""
printf 'line one\nline two \033[1;32mgreen\033[0m\n'; sleep 0.3
printf '\033[2J\033[H'; for i in 1 2 3 4 5; do printf 'row %s ' $i; printf '%*s\n' $i | tr ' ' '#'; done; sleep 0.3
printf '\033[3;5Hover\033[10;1Hprogress [####      ] 40%%'; sleep 0.3
printf '\r\033[Kprogress [##########] 100%%\n'
"""


def pyte_screen(journal, until):
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    for kind, time, payload in journal.records:
        if kind == "output" and time <= until:
            stream.feed(payload)
    return [line.rstrip() for line in screen.display]


@pytest.fixture
def recording(tmp_path, hrec_env):
    path = tmp_path / "draw.hrec"
    hrec("run", "-q", "--no-gate", "--journal", str(path), "--", "bash", "-c", SCRIPT, env=hrec_env, check=True)
    return path


def test_screen_at_each_instant_matches_pyte(recording, hrec_env):
    journal = hrec_journal.read(recording)
    times = [t for k, t, _ in journal.records if k == "output"]
    assert len(times) >= 3
    for until in times + [times[-1] + 1]:
        result = hrec("play", "--screen", "--at", f"{until / 1e6:.6f}s", str(recording), env=hrec_env)
        assert result.returncode == 0
        ours = result.stdout.decode()[:-1].split("\n")  # print adds one newline
        assert [l.rstrip() for l in ours] == pyte_screen(journal, until), f"at {until}"
    final = hrec("play", "--screen", str(recording), env=hrec_env).stdout.decode()
    assert "row over#" in final and "progress [##########] 100%" in final


def test_no_wait_writes_the_recorded_output_exactly(recording, hrec_env):
    journal = hrec_journal.read(recording)
    result = hrec("play", "--no-wait", str(recording), env=hrec_env)
    assert result.returncode == 0 and result.stdout == hrec_journal.output_bytes(journal)


def test_bad_times_are_clear_errors(recording, hrec_env):
    result = hrec("play", "--screen", "--at", "soon", str(recording), env=hrec_env)
    assert result.returncode != 0 and b"--at takes a time" in result.stderr
