"""`hrec run` shipping its journal to a real `hrec collect` (filesystem store): the collector
killed and brought back mid-session, `hrec run` killed with SIGKILL and `hrec deliver` sending
the rest, and sync mode holding the agent's output when the collector is down."""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

import pytest

import hrec_journal
from conftest import HREC, hrec


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """`hrec collect --dev-identity` on a fixed port over a directory store; killed and restarted at will."""

    def __init__(self, tmp_path, env):
        self.root = tmp_path / "store"
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = tmp_path / "collector.yaml"
        self.config.write_text(f"storage:\n  directory: {self.root}\nsigning_key: {tmp_path / 'collector-key'}\n")
        self.log = open(tmp_path / "collector.log", "ab")
        self.process = None

    def start(self):
        self.process = subprocess.Popen([HREC, "collect", "--config", str(self.config), "--listen", f"127.0.0.1:{self.port}",
                                         "--dev-identity"], env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert self.process.poll() is None, "hrec collect exited at start"
                time.sleep(0.05)
        raise AssertionError("hrec collect did not start listening")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()
        self.log.close()

    def session_dir(self, session):
        return self.root / "journals" / session

    def frames(self, session):
        directory = self.session_dir(session) / "frames"
        return sorted(directory.iterdir()) if directory.exists() else []

    def stored_bytes(self, session):
        """preamble ‖ every frame unit in order ‖ index (when held): the journal as collected."""
        directory = self.session_dir(session)
        frames = self.frames(session)
        assert [int(f.name) for f in frames] == list(range(len(frames))), "frame names are not 0..n-1"
        assert all(len(f.name) == 16 for f in frames)
        data = (directory / "preamble").read_bytes() + b"".join(f.read_bytes() for f in frames)
        index = directory / "index"
        return data + (index.read_bytes() if index.exists() else b""), index.exists()


@pytest.fixture
def collector(tmp_path, hrec_env):
    """A real collector, not started yet; killed at the end of the test."""
    collector = Collector(tmp_path, hrec_env)
    yield collector
    collector.stop()


def session_id(journal_path):
    with open(journal_path, "rb") as f:
        preamble = f.read(76)
    return preamble[20:36].hex()


def count_units(data):
    """Complete seal ‖ data frame units after the preamble (docs/journal-format.md)."""
    pos, units = 76, 0
    while pos + 156 <= len(data) and struct.unpack_from("<I", data, pos)[0] == 0x184D2A5B:
        end = pos + 156 + struct.unpack_from("<I", data, pos + 8 + 48)[0]
        if end > len(data):
            break
        pos, units = end, units + 1
    return units


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def run_agent(journal, collector_url, env, agent, *extra, stdout=subprocess.PIPE, **kwargs):
    return subprocess.Popen([HREC, "run", "-q", "--no-gate", "--dev-identity", "--collector", collector_url,
                             "--journal", str(journal), *extra, "--", sys.executable, "-c", agent],
                            env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, **kwargs)


def kill_hrec(run):
    """SIGKILL to hrec alone, then to what it leaves (the sandbox dies with it; this is belt and braces)."""
    run.send_signal(signal.SIGKILL)
    run.wait()
    try:
        os.killpg(run.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def receipts(journal):
    return [r for r in hrec_journal.json_records(hrec_journal.read(journal), "event") if r["type"] == "collector.receipt"]


# Lines of random hex: they compress little, so the journal grows as the agent prints.
PRINTER = ("import os, time\nfor i in range({n}):\n    print(f'line {{i}} ' + os.urandom(600).hex(), flush=True)\n"
           "    time.sleep({pause})\nprint('agent done', flush=True)\n")


def test_async_session_outlives_the_collector_and_the_store_ends_byte_identical(tmp_path, hrec_env, collector):
    collector.start()
    journal = tmp_path / "async.hrec"
    run = run_agent(journal, collector.url, hrec_env, PRINTER.format(n=120, pause=0.05))
    wait_for(lambda: journal.exists() and len(collector.frames(session_id(journal))) >= 2, 20, "the first frames at the collector")
    session = session_id(journal)
    collector.kill()
    held_at_kill = len(collector.frames(session))
    time.sleep(2.0)
    assert run.poll() is None, "the session must go on while the collector is down"
    collector.start()
    out, err = run.communicate(timeout=90)
    assert run.returncode == 0, err.decode()
    assert b"agent done" in out
    local = journal.read_bytes()
    stored, has_index = collector.stored_bytes(session)
    assert has_index
    assert stored == local, "the store must hold the journal byte for byte"
    assert len(collector.frames(session)) > held_at_kill + 4
    rebuilt = tmp_path / "rebuilt.hrec"
    rebuilt.write_bytes(stored)
    verified = hrec("verify", "--trust", str(tmp_path / "config" / "hrec" / "signing-key.pub"), str(rebuilt), env=hrec_env)
    assert verified.returncode == 0, verified.stdout.decode() + verified.stderr.decode()
    # Receipts came back into the journal, past the outage, each for the local chain.
    journaled = receipts(journal)
    assert journaled and max(r["frames"] for r in journaled) > held_at_kill
    assert all(r["sessionID"] == session and r["collector"].startswith("SHA256:") for r in journaled)
    # The outage is on the session's timeline: when delivery started failing and when it resumed.
    markers = [p.decode() for k, _, p in hrec_journal.read(journal).records if k == "marker"]
    failing = [m for m in markers if m.startswith(f"delivery to {collector.url} failing: cannot reach the collector")]
    assert len(failing) == 1 and f"delivery to {collector.url} resumed" in markers
    frames = hrec_journal.read(journal).frames
    info = hrec("info", str(journal), env=hrec_env)
    assert f"delivery   delivered {frames}/{frames} frames" in info.stdout.decode()
    listing = hrec("ls", "--json", str(journal), env=hrec_env)
    row = json.loads(listing.stdout.decode().splitlines()[0])
    assert row["delivery"]["delivered"] is True and row["delivery"]["frames"] == frames


def test_sigkill_leaves_frames_that_hrec_deliver_sends(tmp_path, hrec_env, collector):
    # The collector is not started: the session runs with it down.
    journal = tmp_path / "killed.hrec"
    run = run_agent(journal, collector.url, hrec_env, PRINTER.format(n=100000, pause=0.02),
                    stdout=subprocess.DEVNULL, start_new_session=True)
    wait_for(lambda: journal.exists() and journal.stat().st_size > 60000, 20, "frames in the journal")
    time.sleep(0.5)
    kill_hrec(run)
    local = journal.read_bytes()
    session = session_id(journal)
    state = json.loads((tmp_path / "data" / "hrec" / "delivery" / f"{session}.json").read_text())
    assert state["deliveredFrames"] == 0 and state["localFrames"] >= 1  # the file lags by up to 1 s

    listing = hrec("ls", str(journal), env=hrec_env)
    assert "DELIVERY" in listing.stdout.decode() and " pending" in listing.stdout.decode()

    collector.start()
    delivered = hrec("deliver", "--dev-identity", env=hrec_env)
    assert delivered.returncode == 0, delivered.stderr.decode()
    units = count_units(local)
    assert f"{journal}: delivered {units}/{units} frames (the journal was cut short" in delivered.stdout.decode()
    stored, has_index = collector.stored_bytes(session)
    assert not has_index
    assert stored == local, "every frame the killed session wrote is in the store, byte for byte"
    again = hrec("deliver", "--dev-identity", "--collector", collector.url, str(journal), env=hrec_env)
    assert again.returncode == 0, again.stderr.decode()
    assert collector.stored_bytes(session)[0] == local


def test_a_frame_rewritten_before_upload_is_refused_and_reported(tmp_path, hrec_env, collector):
    # The collector is down during the session: nothing is uploaded.
    journal = tmp_path / "rewritten.hrec"
    run = run_agent(journal, collector.url, hrec_env, PRINTER.format(n=20, pause=0.05))
    _, err = run.communicate(timeout=60)
    assert run.returncode == 0, err.decode()
    assert b"not yet delivered" in err
    session = session_id(journal)
    local = journal.read_bytes()
    # One byte of frame 2's data rewritten in the spool (its seal left as it was).
    entries = hrec_journal.read(journal).index_entries
    assert len(entries) > 3
    tampered = bytearray(local)
    tampered[entries[2][0] + 156 + 10] ^= 0xFF
    journal.write_bytes(bytes(tampered))
    collector.start()
    result = hrec("deliver", "--dev-identity", env=hrec_env)
    assert result.returncode == 1
    assert "refused the journal as diverged" in result.stderr.decode()
    assert "frame 2" in result.stderr.decode()
    held = [int(f.name) for f in collector.frames(session)]
    assert 2 not in held and held == list(range(len(held)))  # units before it may be held, never it
    assert not (collector.session_dir(session) / "index").exists()


TICKER = "import time\nfor i in range(100000):\n    print(f'tick {i} {time.time():.3f}', flush=True)\n    time.sleep(0.05)\n"


def test_sync_mode_holds_output_and_ends_the_session_when_the_collector_is_down(tmp_path, hrec_env, collector):
    collector.start()
    journal = tmp_path / "sync.hrec"
    window, timeout = 1, 4
    run = run_agent(journal, collector.url, hrec_env, TICKER, "--delivery", "sync", "--sync-window", str(window),
                    "--sync-timeout", str(timeout))
    wait_for(lambda: journal.exists() and len(collector.frames(session_id(journal))) >= 3, 20, "frames at the collector")
    killed_at = time.time()
    collector.kill()
    out, err = run.communicate(timeout=60)
    ended_after = time.time() - killed_at
    assert ended_after < window + timeout + 15
    assert b"[hrec] output held:" in out
    assert f"the collector did not acknowledge the journal for {timeout} s".encode() in out
    parsed = hrec_journal.read(journal)
    start = parsed.started_at_micros
    outputs = [t for k, t, _ in parsed.records if k == "output"]
    ending = [t for k, t, p in parsed.records if k == "marker" and b"the collector did not acknowledge" in p]
    assert ending, "the marker says why the session ended"
    assert any(start + t < killed_at * 1e6 for t in outputs), "output flowed before the collector died"
    # Nothing was relayed from shortly after the window until hrec ended the session.
    late = [t for t in outputs if (killed_at + window + 1.5) * 1e6 < start + t < start + ending[0]]
    assert not late, f"output relayed {len(late)} times while held"
    assert ending[0] - (killed_at * 1e6 - start) >= (timeout - 0.5) * 1e6
    end = hrec_journal.json_records(parsed, "end")[0]
    assert "the collector did not acknowledge the journal" in end["reason"]
    assert b"not yet delivered" in err


PROBE = """import urllib.request, urllib.error
try:
    urllib.request.urlopen('{url}/hrec/v1/journals/' + '0' * 32, timeout=5)
    print('REACHED the collector')
except urllib.error.HTTPError as error:
    print('refused', error.code)
except Exception as error:
    print('failed', type(error).__name__)
"""


def test_the_confined_command_cannot_reach_the_collector_even_when_its_policy_allows_it(tmp_path, hrec_env, collector):
    collector.start()
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"default: allow\nnetwork:\n  default: allow\n  allow: [\"127.0.0.1:{collector.port}\"]\n")
    journal = tmp_path / "probe.hrec"
    run = run_agent(journal, collector.url, hrec_env, PROBE.format(url=collector.url), "--policy", str(policy))
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err.decode()
    assert b"REACHED" not in out and b"refused 403" in out
    events = [r for r in hrec_journal.json_records(hrec_journal.read(journal), "event") if r["type"] == "net.connect"]
    assert [(e["port"], e["decision"], e["rule"]) for e in events] == [(collector.port, "deny", "hrec:fixed")]


def test_the_next_hrec_run_sends_what_a_killed_session_left(tmp_path, hrec_env, collector):
    journal = tmp_path / "left.hrec"
    run = run_agent(journal, collector.url, hrec_env, PRINTER.format(n=100000, pause=0.02),
                    stdout=subprocess.DEVNULL, start_new_session=True)
    wait_for(lambda: journal.exists() and journal.stat().st_size > 30000, 20, "frames in the journal")
    kill_hrec(run)
    local, session = journal.read_bytes(), session_id(journal)
    collector.start()
    later = run_agent(tmp_path / "later.hrec", collector.url, hrec_env, "import time; time.sleep(2)")
    _, err = later.communicate(timeout=60)
    assert later.returncode == 0, err.decode()
    assert collector.stored_bytes(session) == (local, False)
    listing = hrec("ls", "--json", str(journal), env=hrec_env)
    row = json.loads(listing.stdout.decode().splitlines()[0])
    assert row["delivery"]["deliveredFrames"] == row["delivery"]["frames"] > 0


PAUSED = "import time\nprint('hi', flush=True)\ntime.sleep(1.5)\n"


def test_receipts_must_be_signed_by_the_pinned_collector_key(tmp_path, hrec_env, collector):
    printed = hrec("collect", "--config", str(collector.config), "--print-public-key", env=hrec_env)
    assert printed.returncode == 0, printed.stderr.decode()
    right = tmp_path / "collector.pub"
    right.write_bytes(printed.stdout)
    other_config = tmp_path / "other.yaml"
    other_config.write_text(f"storage:\n  directory: {tmp_path / 'other-store'}\nsigning_key: {tmp_path / 'other-key'}\n")
    wrong = tmp_path / "other.pub"
    wrong.write_bytes(hrec("collect", "--config", str(other_config), "--print-public-key", env=hrec_env).stdout)
    collector.start()

    pinned = run_agent(tmp_path / "pinned.hrec", collector.url, hrec_env, PAUSED, "--collector-key", str(right))
    _, err = pinned.communicate(timeout=60)
    assert pinned.returncode == 0 and b"delivery" not in err, err.decode()
    assert receipts(tmp_path / "pinned.hrec")

    impostor = run_agent(tmp_path / "impostor.hrec", collector.url, hrec_env, PAUSED, "--collector-key", str(wrong))
    _, err = impostor.communicate(timeout=60)
    assert impostor.returncode == 0
    assert b"stopped" in err and b"not signed by the pinned collector key" in err, err.decode()
    assert not receipts(tmp_path / "impostor.hrec")


def test_the_configuration_names_the_collector_and_can_require_sync_delivery(tmp_path, hrec_env, collector):
    collector.start()
    config = tmp_path / "team.yaml"
    config.write_text(f"delivery:\n  collector: {collector.url}\n  mode: sync\n  sync_window: 2\n  sync_timeout: 20\n")
    lowered = subprocess.run([HREC, "run", "-q", "--no-gate", "--dev-identity", "--gate-config", str(config), "--delivery", "async",
                              "--journal", str(tmp_path / "lowered.hrec"), "--", "true"], env=hrec_env, capture_output=True, timeout=60)
    assert lowered.returncode == 64 and b"the configuration requires sync delivery" in lowered.stderr, lowered.stderr
    assert not (tmp_path / "lowered.hrec").exists()

    journal = tmp_path / "configured.hrec"
    run = subprocess.run([HREC, "run", "-q", "--no-gate", "--dev-identity", "--gate-config", str(config), "--journal", str(journal),
                          "--", sys.executable, "-c", PRINTER.format(n=20, pause=0.02)],
                         env=hrec_env, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert b"agent done" in run.stdout
    assert receipts(journal), "the collector named only in the configuration received the journal"
    wait_for(lambda: collector.stored_bytes(session_id(journal)) == (journal.read_bytes(), True), 20, "the whole journal at the collector")

    bad = tmp_path / "bad.yaml"
    bad.write_text(f"delivery:\n  collector: {collector.url}\n  mode: eventually\n")
    refused = subprocess.run([HREC, "run", "-q", "--no-gate", "--dev-identity", "--gate-config", str(bad), "--journal", str(tmp_path / "x.hrec"),
                              "--", "true"], env=hrec_env, capture_output=True, timeout=60)
    assert refused.returncode == 64 and b"delivery.mode 'eventually'" in refused.stderr, refused.stderr
