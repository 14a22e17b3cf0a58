"""The player (hrec play) driven in tmux the way a person uses it: after every seek, step, step
back, search jump and event jump, the screen it shows equals `hrec play --screen --at` at the
instant its status line names, and equals pyte (an independent emulator) fed the same bytes.
Recordings are real: hrec run of real programs, and an agent through the gate and the emulator."""
import re
import subprocess
import sys
import time

import pyte
import pytest

import hrec_journal
from conftest import HREC, ROOT, hrec
from test_policy import AGENTS, policy_file

# Distinct screens over ~11 s: colours, a wide-character line, the alternate screen, a long pause.
SCRIPT = r"""
printf 'first screen \033[1;31mred\033[0m \033[38;5;208m256\033[0m \033[38;2;10;200;30mtrue\033[0m 漢字 wide\n'; sleep 0.4
for i in 1 2 3; do printf 'counting %s\n' $i; sleep 0.2; done
printf '\033[?1049h\033[H\033[2Jin the alternate screen\033[5;10Hmarker-alpha'; sleep 0.5
printf '\033[?1049lback on the main screen\n'; sleep 5
printf 'after the pause: marker-beta\n'; sleep 0.3
for i in $(seq 1 30); do printf 'scroll line %s\n' $i; done; sleep 0.3
printf '\033[1;1H\033[2Kmarker-alpha again at the top\033[24;1H'; sleep 4.5
printf 'the end\n'
"""

STATUS = re.compile(r"(▶|❚❚) (?:(\d+):)?(\d+):(\d\d)\.(\d+) / ")


class Tmux:
    """One private tmux server with one window running a command."""

    def __init__(self, tmp_path, env, command, columns=100, rows=30):
        self.socket = str(tmp_path / f"tmux-{time.monotonic_ns()}")
        self.env = env
        self.run("new-session", "-d", "-s", "play", "-x", str(columns), "-y", str(rows), command)

    def run(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], env=self.env,
                              capture_output=True, text=True, check=True)

    def keys(self, *keys):
        self.run("send-keys", "-t", "play", *keys)

    def capture(self):
        return self.run("capture-pane", "-p", "-t", "play").stdout.split("\n")

    def wait(self, predicate, what, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            lines = self.capture()
            if predicate(lines):
                return lines
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen:\n" + "\n".join(lines))
            time.sleep(0.1)

    def kill(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


def position(lines):
    """The exact instant (µs) the paused player's status line shows."""
    for line in reversed(lines):
        match = STATUS.search(line)
        if match and match.group(1) == "❚❚":
            hours, minutes, seconds, fraction = match.group(2, 3, 4, 5)
            assert len(fraction) == 6, "a paused player shows µs"
            return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1_000_000 + int(fraction)
    return None


def framed_content(lines):
    """The recorded screen inside the player's frame: one string per row, trailing blanks cut."""
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    left = lines[top].index("┌")
    rows = []
    for line in lines[top + 1:]:
        if "└" in line:
            break
        inner = line[left + 1:].rstrip()
        assert inner.endswith("│"), f"frame broken: {line!r}"
        rows.append(inner[:-1].rstrip())
    return rows


class AlternateScreen(pyte.Screen):
    """pyte with the alternate screen (private mode 1049), which pyte itself ignores: entering
    saves the cursor and the main screen and clears; leaving puts them back."""

    def set_mode(self, *modes, **kwargs):
        if kwargs.get("private") and 1049 in modes:
            self.save_cursor()
            self.saved_main = {y: dict(line) for y, line in self.buffer.items()}
            self.erase_in_display(2)
        super().set_mode(*[m for m in modes if not (kwargs.get("private") and m == 1049)], **kwargs)

    def reset_mode(self, *modes, **kwargs):
        if kwargs.get("private") and 1049 in modes and hasattr(self, "saved_main"):
            self.buffer.clear()
            for y, line in self.saved_main.items():
                self.buffer[y].update(line)
            del self.saved_main
            self.restore_cursor()
            self.dirty.update(range(self.lines))
        super().reset_mode(*[m for m in modes if not (kwargs.get("private") and m == 1049)], **kwargs)


def pyte_lines(journal, until, columns=80, rows=24):
    screen = AlternateScreen(columns, rows)
    stream = pyte.ByteStream(screen)
    for kind, at, payload in journal.records:
        if kind == "output" and at <= until:
            stream.feed(payload)
    return [line.rstrip() for line in screen.display]


def screen_at(path, instant, env):
    result = hrec("play", "--screen", "--at", f"{instant / 1e6:.6f}s", str(path), env=env)
    assert result.returncode == 0, result.stderr.decode()
    return [line.rstrip() for line in result.stdout.decode()[:-1].split("\n")]


def check_shown(tmux, path, journal, env, what):
    """The player is paused; what it shows equals --screen and pyte at the instant it names."""
    lines = tmux.wait(lambda l: position(l) is not None and any("┌" in x for x in l), f"paused player after {what}")
    time.sleep(0.2)
    lines = tmux.capture()
    instant = position(lines)
    shown = framed_content(lines)
    assert shown == screen_at(path, instant, env), f"after {what} at {instant} µs: player differs from --screen"
    assert shown == pyte_lines(journal, instant), f"after {what} at {instant} µs: player differs from pyte"
    return instant, shown


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("player")
    env = {"XDG_CONFIG_HOME": str(tmp / "config"), "XDG_DATA_HOME": str(tmp / "data"), "TERM": "xterm-256color",
           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    path = tmp / "session.hrec"
    subprocess.run([HREC, "run", "-q", "--no-gate", "--journal", str(path), "--", "bash", "-c", SCRIPT],
                   env=env, check=True, capture_output=True, timeout=60)
    return path, env, hrec_journal.read(path)


@pytest.fixture
def player(tmp_path, recording):
    path, env, journal = recording
    tmux = Tmux(tmp_path, env, f"{HREC} play --paused {path}")
    yield tmux, path, env, journal
    tmux.kill()


def test_seeks_steps_and_jumps_show_the_recorded_screen(player):
    tmux, path, env, journal = player
    outputs = [t for k, t, _ in journal.records if k == "output"]
    instant, shown = check_shown(tmux, path, journal, env, "open")
    assert instant == 0 and not any(shown)

    tmux.keys("End")
    instant, shown = check_shown(tmux, path, journal, env, "End")
    assert instant == journal_end(journal) and any("the end" in l for l in shown)

    tmux.keys("Home")
    tmux.keys(".")
    instant, shown = check_shown(tmux, path, journal, env, "step forward")
    assert instant == outputs[0] and "first screen" in shown[0] and "漢字" in shown[0]
    for _ in range(4):
        tmux.keys(".")
    instant, shown = check_shown(tmux, path, journal, env, "5 steps")
    assert instant == outputs[4]
    tmux.keys(",")
    instant, shown = check_shown(tmux, path, journal, env, "step back")
    assert instant == outputs[3]

    tmux.keys("Right")
    instant, shown = check_shown(tmux, path, journal, env, "right arrow")
    assert instant == outputs[3] + 5_000_000
    tmux.keys("Left")
    instant, _ = check_shown(tmux, path, journal, env, "left arrow")
    assert instant == outputs[3]
    tmux.keys("S-Right")
    instant, _ = check_shown(tmux, path, journal, env, "shift right")
    assert instant == journal_end(journal), "30 s forward clamps at the end"
    tmux.keys("S-Left")
    instant, _ = check_shown(tmux, path, journal, env, "shift left")
    assert instant == 0

    tmux.keys("g", "7.5", "Enter")
    instant, shown = check_shown(tmux, path, journal, env, "go to 7.5")
    assert instant == 7_500_000


def journal_end(journal):
    """The session's duration: the time of its last record (the end record)."""
    return max(t for _, t, _ in journal.records)


def test_search_jumps_to_the_moment_the_text_appears(player):
    tmux, path, env, journal = player
    check_shown(tmux, path, journal, env, "open")
    tmux.keys("/", "marker-alpha", "Enter")
    first, shown = check_shown(tmux, path, journal, env, "search")
    assert any("marker-alpha" in l for l in shown)
    assert not any("marker-alpha" in l for l in pyte_lines(journal, first - 1)), "the jump lands where it appears"
    tmux.keys("n")
    second, shown = check_shown(tmux, path, journal, env, "next match")
    assert second > first and any("marker-alpha again" in l for l in shown)
    tmux.keys("N")
    back, _ = check_shown(tmux, path, journal, env, "previous match")
    assert back == first
    tmux.keys("n", "n")
    lines = tmux.wait(lambda l: any("does not appear after" in x for x in l), "not-found message")
    assert position(lines) == second


def test_quitting_restores_the_terminal(tmp_path, recording):
    path, env, _ = recording
    script = tmp_path / "shell.sh"
    script.write_text(f"stty -a > {tmp_path}/before; {HREC} play {path}; echo exit=$?; stty -a > {tmp_path}/after; echo done; sleep 30\n")
    tmux = Tmux(tmp_path, env, f"bash {script}")
    try:
        tmux.wait(lambda l: any("? help" in x for x in l), "the player")
        tmux.keys("q")
        lines = tmux.wait(lambda l: any(x.startswith("done") for x in l), "the shell after quitting")
        assert "exit=0" in lines
        assert not any("? help" in x for x in lines), "the player's screen is gone (alternate screen left)"
        assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    finally:
        tmux.kill()


def test_a_small_terminal_pans(tmp_path, recording):
    path, env, journal = recording
    tmux = Tmux(tmp_path, env, f"{HREC} play --paused --at 30 {path}", columns=50, rows=12)
    try:
        lines = tmux.wait(lambda l: any("view " in x for x in l), "a panned view")
        expected = screen_at(path, journal_end(journal), env)
        view = re.search(r"view (\d+)-(\d+),(\d+)-(\d+)", "\n".join(lines))
        assert view, lines
        top, bottom, left, right = (int(v) for v in view.groups())
        assert (bottom - top + 1, right - left + 1) == (11, 50)
        for row in range(top - 1, bottom):
            want = expected[row][left - 1:right].rstrip()
            assert lines[row - top + 1].rstrip() == want, f"row {row}"
        tmux.keys("l", "l")
        lines = tmux.wait(lambda l: any(f"view {top}-{bottom},17-66" in x for x in l), "panned right")
        assert lines[0].rstrip() == expected[top - 1][16:66].rstrip()
    finally:
        tmux.kill()


def test_a_truncated_journal_plays_with_a_notice(tmp_path, recording):
    path, env, journal = recording
    cut = tmp_path / "cut.hrec"
    data = path.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])  # a crash or a copy in progress: cut inside a frame
    assert hrec("verify", str(cut), env=env).returncode == 2
    tmux = Tmux(tmp_path, env, f"{HREC} play --paused {cut}")
    try:
        tmux.keys("End")
        lines = tmux.wait(lambda l: any("TRUNCATED" in x for x in l) and position(l) not in (None, 0), "the truncated notice")
        assert not any("FAILED VERIFICATION" in x for x in lines)
        instant = position(lines)
        assert 0 < instant < journal_end(journal), "it plays up to its last complete frame"
        assert framed_content(lines) == screen_at(cut, instant, env)
        assert framed_content(lines) == pyte_lines(journal, instant), "what it shows was recorded"
    finally:
        tmux.kill()


def test_a_tampered_journal_is_refused_or_played_with_a_banner(tmp_path, recording):
    path, env, _ = recording
    tampered = tmp_path / "tampered.hrec"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20  # one byte changed after the fact
    tampered.write_bytes(bytes(data))
    assert hrec("verify", str(tampered), env=env).returncode == 1
    refused = hrec("play", "--screen", str(tampered), env=env)
    assert refused.returncode == 1 and b"fails verification" in refused.stderr and b"--force" in refused.stderr
    assert refused.stdout == b"", "nothing is shown from a journal that fails verification without --force"
    tmux = Tmux(tmp_path, env, f"{HREC} play --paused --force {tampered}")
    try:
        lines = tmux.wait(lambda l: any("FAILED VERIFICATION" in x for x in l), "the banner")
        assert "FAILED VERIFICATION" in lines[0]
        tmux.keys("End")
        tmux.wait(lambda l: position(l) not in (None, 0), "the end of what still decodes")
    finally:
        tmux.kill()


def test_events_panel_and_event_jumps_through_a_real_gate_session(tmp_path, hrec_env, emulator):
    journal_path = tmp_path / "gate.hrec"
    result = hrec("run", "-q", "--journal", str(journal_path), "--policy", str(policy_file(tmp_path, emulator)), "--",
                  sys.executable, str(AGENTS / "policy_agent.py"), env=hrec_env, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    journal = hrec_journal.read(journal_path)
    events = [(t, e) for t, e in zip([t for k, t, _ in journal.records if k == "event"], hrec_journal.json_records(journal, "event"))
              if e["type"] != "gate.token"]
    tmux = Tmux(tmp_path, hrec_env, f"{HREC} play --paused {journal_path}", columns=120, rows=34)
    try:
        check_shown(tmux, journal_path, journal, hrec_env, "open")
        tmux.keys("]")
        instant, _ = check_shown(tmux, journal_path, journal, hrec_env, "next event")
        assert instant == events[0][0]
        tmux.keys("]", "]")
        instant, _ = check_shown(tmux, journal_path, journal, hrec_env, "third event")
        assert instant == events[2][0]
        tmux.keys("[")
        instant, _ = check_shown(tmux, journal_path, journal, hrec_env, "previous event")
        assert instant == events[1][0]

        tmux.keys("e")
        lines = tmux.wait(lambda l: any("queries and decisions" in x for x in l) and sum("DENY" in x for x in l) >= 4,
                          "the events panel with its rows")
        denied = [x for x in lines if "DENY" in x]
        assert len(denied) >= 4 and any("DROP TABLE shop.customers" in x for x in denied)
        # select the first denied entry and open it
        rows = [x for x in lines if re.search(r"\d:\d\d\.\d{3}  (ALLOW|DENY|REVIEW)", x)]
        index = next(i for i, x in enumerate(rows) if "DENY" in x)
        for _ in range(index):
            tmux.keys("Down")
        tmux.keys("Enter")
        lines = tmux.wait(lambda l: any("rule     no-drop" in x for x in l), "the query details")
        text = "\n".join(lines)
        assert "decision DENY" in text and "DROP TABLE shop.customers" in text
        tmux.keys("Escape")
        instant, _ = check_shown(tmux, journal_path, journal, hrec_env, "jump to a query")
        first_deny = next(t for t, e in events if e["type"] == "gate.request" and "DROP" in (e.get("sql") or ""))
        assert instant == first_deny
    finally:
        tmux.kill()


def test_follow_writes_a_session_while_it_is_recorded(tmp_path, hrec_env):
    path = tmp_path / "live.hrec"
    script = "for i in $(seq 1 12); do echo tick $i; sleep 0.25; done; echo finished"
    recorder = subprocess.Popen([HREC, "run", "-q", "--no-gate", "--journal", str(path), "--", "bash", "-c", script],
                                env=hrec_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        follower = subprocess.Popen([HREC, "play", "--follow", str(path)], env=hrec_env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
        first = b""
        while b"tick 2" not in first:
            first += follower.stdout.read1(4096)
        assert recorder.poll() is None, "output arrived while the session was still being recorded"
        rest, err = follower.communicate(timeout=20)
        assert follower.returncode == 0, err
        assert recorder.wait(timeout=10) == 0
        assert first + rest == hrec_journal.output_bytes(hrec_journal.read(path))
        assert b"finished" in rest
    finally:
        recorder.kill()


def xterm_rgb(index):
    """The xterm palette, computed here independently of hrec."""
    if index < 16:
        return [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
                (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
                (255, 255, 255)][index]
    if index < 232:
        levels = [0, 95, 135, 175, 215, 255]
        cube = index - 16
        return levels[cube // 36], levels[cube // 6 % 6], levels[cube % 6]
    grey = 8 + (index - 232) * 10
    return grey, grey, grey


@pytest.mark.parametrize("term", ["tmux-256color", "screen"])
def test_colours_are_mapped_to_what_the_terminal_has(tmp_path, recording, term):
    path, env, journal = recording
    tmux = Tmux(tmp_path, env, f"env TERM={term} {HREC} play --paused --at 0.1 {path}")
    try:
        tmux.wait(lambda l: any("first screen" in x for x in l), "the first screen")
        line = next(x for x in tmux.run("capture-pane", "-e", "-p", "-t", "play").stdout.split("\n") if "first screen" in x)
        assert re.search(r"\x1b\[1m\x1b\[31mred", line), repr(line)
        orange = re.search(r"\x1b\[(?:38;5;(\d+)|(3\d))m256", line)
        green = re.search(r"\x1b\[(?:38;5;(\d+)|(3\d))mtrue", line)
        assert orange and green, repr(line)
        if term == "tmux-256color":
            assert orange.group(1) == "208", "a 256-colour index is kept"
            assert all(abs(a - b) <= 40 for a, b in zip(xterm_rgb(int(green.group(1))), (10, 200, 30))), "true colour: nearest of 256"
        else:
            assert orange.group(2) in ("31", "33") and green.group(2) == "32", "8 colours: nearest basic colour"
    finally:
        tmux.kill()


def test_playing_with_an_idle_limit_squeezes_the_pauses(tmp_path, recording):
    path, env, journal = recording
    duration = journal_end(journal)
    assert duration > 10_000_000, "the recording has two pauses of about 5 s"
    tmux = Tmux(tmp_path, env, f"{HREC} play --idle-limit 0.5s {path}")
    try:
        started = time.monotonic()
        lines = tmux.wait(lambda l: position(l) is not None, "the end of playback", timeout=9)
        elapsed = time.monotonic() - started
        assert position(lines) == duration and elapsed < 6, f"played {duration / 1e6:.1f} s of session in {elapsed:.1f} s"
        assert any("first screen" in x for x in lines) or any("the end" in x for x in lines)
        tmux.keys("Home", "+", "+", "+", "+")
        lines = tmux.wait(lambda l: any(" 16x " in x for x in l), "16x")
        tmux.keys("space")
        tmux.wait(lambda l: any("▶" in x for x in l), "playing")
    finally:
        tmux.kill()
