"""Resumable uploads through the gate (issue 14, item 3): `load_table_from_file` of a file over
5 MB (which the official client sends as a resumable upload) is decided at its start like a load
job, its data streamed through the gate to the upstream session the gate started (the gate's
memory does not grow with the file), a load into a protected table is refused at the start, and
data requests to an upload the gate did not start are refused and journaled."""
import hashlib
import os
import re
import subprocess
import sys
import threading
import time

import hrec_journal
from conftest import HREC, ROOT
from test_soundness import POLICY, policy_file

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"


def peak_rss_kib(pid):
    status = open(f"/proc/{pid}/status").read()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def test_a_large_file_is_streamed_through_and_forged_uploads_are_refused(tmp_path, emulator):
    emulator.query("CREATE SCHEMA IF NOT EXISTS scratch")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"), TERM="xterm-256color")
    journal = tmp_path / "uploads.hrec"
    size_mib = 64
    process = subprocess.Popen([HREC, "run", "-q", "--journal", str(journal), "--policy", str(policy_file(tmp_path, emulator)), "--",
                                sys.executable, str(AGENTS / "upload_agent.py"), str(size_mib)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    peak = [0]

    def watch():  # hrec's own peak resident size while the file goes through its gate
        while process.poll() is None:
            try:
                peak[0] = max(peak[0], peak_rss_kib(process.pid))
            except (FileNotFoundError, ProcessLookupError, AttributeError):
                pass
            time.sleep(0.05)
    watcher = threading.Thread(target=watch)
    watcher.start()
    out, err = process.communicate(timeout=300)
    watcher.join()
    out = out.decode()
    assert process.returncode == 0, out + err.decode()

    loaded = next(l for l in out.splitlines() if l.startswith("LOADED ")).split()
    size, output_rows, table_rows = int(loaded[1]), int(loaded[2]), int(loaded[3])
    assert size >= size_mib * (1 << 20) - 100 and output_rows == table_rows and table_rows >= size // 100
    protected = next(l for l in out.splitlines() if l.startswith("PROTECTED "))
    assert protected.startswith("PROTECTED Forbidden") and "touches test-proj.other.secrets, outside" in protected, protected
    assert "PROTECTED LOADED" not in out
    forged = [l for l in out.splitlines() if l.startswith("FORGED ")]
    assert len(forged) == 2 and all(" 403 " in l and "was not started through this gate" in l for l in forged), forged
    # The file went through in a bounded pipe: hrec's peak is far below the file's size.
    assert 0 < peak[0] < 100 * 1024, f"hrec peak RSS {peak[0]} KiB for a {size_mib} MiB upload"
    print(f"hrec peak RSS {peak[0]} KiB for a {size_mib} MiB upload")

    events = hrec_journal.json_records(hrec_journal.read(journal), "event")
    starts = [e for e in events if e["type"] == "gate.request" and e.get("endpoint") == "jobs.upload"]
    decisions = [e for e in events if e["type"] == "policy.decision" and e["endpoint"] == "jobs.upload"]
    assert [d["action"] for d in decisions] == ["allow", "allow", "deny"] and len(starts) == 3
    assert decisions[0]["statements"][0]["kind"] == "LOAD_DATA" and decisions[0]["statements"][0]["writes"] == ["test-proj.scratch.loaded"]
    data = [e for e in events if e["type"] == "gate.request" and e.get("endpoint") == "jobs.upload.data"]
    assert len(data) >= 3 and all(e.get("contentRange") for e in data)
    by_id = {e["requestID"]: e for e in events if e["type"] == "gate.response"}
    accepted = [by_id[e["requestID"]] for e in data if by_id[e["requestID"]]["decision"] == "allow"]
    refused = [by_id[e["requestID"]] for e in data if by_id[e["requestID"]]["decision"] == "deny"]
    assert accepted and accepted[-1]["status"] == 200 and accepted[-1]["job"]
    assert len(refused) == 2 and all(r["status"] == 403 for r in refused)
    # What was loaded is on record: each streamed data request's size and SHA-256 match the
    # agent's file over its Content-Range; the multipart load's whole body is digested before forwarding.
    line = b"%09d,name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
    sent = b"".join(line % i for i in range(size_mib * (1 << 20) // len(line % 0)))
    covered = 0
    for request in data:
        answer = by_id[request["requestID"]]
        if answer["decision"] != "allow":
            assert "uploadSHA256" not in answer
            continue
        first, last = map(int, re.match(r"bytes (\d+)-(\d+)/", request["contentRange"]).groups())
        assert answer["uploadBytes"] == last - first + 1
        assert answer["uploadSHA256"] == hashlib.sha256(sent[first:last + 1]).hexdigest(), request["contentRange"]
        covered += answer["uploadBytes"]
    assert covered == len(sent)
    _, small_bytes, multipart_bytes, multipart_sha256, small_rows = next(l for l in out.splitlines() if l.startswith("SMALL ")).split()
    assert int(small_bytes) == 10_000 and int(small_rows) >= 10_000 // len(line % 0)
    multipart = starts[1]
    assert multipart["uploadBytes"] == int(multipart_bytes) and multipart["uploadSHA256"] == multipart_sha256
    assert "uploadBytes" not in starts[0]  # a resumable start carries only the job's metadata
    # The upstream's own session URL never reaches the agent or the journal's request events.
    assert all(emulator.url not in (e.get("path") or "") for e in data)
