"""The shipper against an in-process fake of the collector protocol (collector_fake.py): the
requests it makes, and its retries while the collector fails. test_delivery.py is the proof
against the real `hrec collect`."""
import subprocess
import sys
import time

from collector_fake import FakeCollector
from conftest import HREC
from test_delivery import receipts, session_id


def test_retries_through_failures_and_asks_before_resending(tmp_path, hrec_env):
    fake = FakeCollector()
    try:
        journal = tmp_path / "fake.hrec"
        agent = "import time\nfor i in range(40):\n    print('x' * 3000, flush=True)\n    time.sleep(0.05)\n"
        run = subprocess.Popen([HREC, "run", "-q", "--no-gate", "--unconfined", "--dev-identity", "--collector", fake.url,
                                "--journal", str(journal), "--", sys.executable, "-c", agent],
                               env=hrec_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.8)
        fake.down = True
        time.sleep(1.0)
        fake.down = False
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode()
        session = session_id(journal)
        assert fake.stored(session) == journal.read_bytes()
        methods = [(m, part) for m, part, _, _ in fake.requests]
        assert methods[0] == ("GET", "") and methods[1] == ("PUT", "preamble")
        assert methods[-1] == ("PUT", "index")
        # After the outage the shipper asked again before sending more.
        gets = [i for i, (m, part) in enumerate(methods) if m == "GET"]
        assert len(gets) >= 2
        assert all(auth == "Bearer dev-mode-no-identity-token" for *_, auth in fake.requests)
        assert receipts(journal)
    finally:
        fake.stop()
