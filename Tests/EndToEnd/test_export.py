"""End-to-end tests of hrec's auditor tools over the export fixture journals (real recordings).

Drives the built binary ($HREC): ls filters, search, export to asciicast checked with the real
asciinema from PyPI, the CSV access log read back with Python's csv module, and an evidence bundle
over a directory with one tampered journal, checked with sha256sum -c.
"""
import base64
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "journals"
NAMES = ["alice-sales", "bob-denied", "carol-exit3"]
HREC = os.environ.get("HREC", str(ROOT / ".build" / "debug" / "hrec"))
ASCIINEMA = str(Path(sys.executable).with_name("asciinema"))


@pytest.fixture
def env(tmp_path):
    """An isolated XDG environment whose trust includes the fixtures' signer."""
    config = tmp_path / "config" / "hrec"
    (config / "trusted-signers").mkdir(parents=True)
    shutil.copy(FIXTURES / "export-signer.pub", config / "trusted-signers" / "export-signer.pub")
    return dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
                XDG_DATA_HOME=str(tmp_path / "data"))


@pytest.fixture
def journals(tmp_path):
    directory = tmp_path / "sessions"
    directory.mkdir()
    for name in NAMES:
        shutil.copy(FIXTURES / f"export-{name}.hrec", directory / f"export-{name}.hrec")
    return directory


def hrec(env, *args, check=True):
    result = subprocess.run([HREC, *map(str, args)], env=env, capture_output=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr.decode()
    return result


def journal_output(path, env):
    """Every output byte of a journal, via `hrec export --format jsonl`."""
    out = b""
    for line in hrec(env, "export", "--format", "jsonl", path).stdout.splitlines():
        record = json.loads(line)
        if record["kind"] == "output":
            out += base64.b64decode(record["data"])
    return out


@pytest.mark.parametrize("args,expected", [
    ([], NAMES),
    (["--user", "alice@example.com"], ["alice-sales"]),
    (["--since", "2025-11-23", "--until", "2025-11-24"], ["bob-denied"]),
    (["--command", "^bash .*seq"], ["carol-exit3"]),
    (["--table", "sales.*"], ["alice-sales"]),
    (["--decision", "deny"], ["bob-denied"]),
    (["--masked"], ["alice-sales"]),
    (["--exit", "3"], ["carol-exit3"]),
])
def test_ls_filters(env, journals, args, expected):
    lines = hrec(env, "ls", "--json", *args, journals).stdout.decode().splitlines()
    names = [Path(json.loads(line)["path"]).stem.removeprefix("export-") for line in lines]
    assert names == expected
    table = hrec(env, "ls", *args, journals).stdout.decode()
    assert table.startswith("STARTED (UTC)")
    assert len(table.splitlines()) == len(expected) + 1


def test_ls_rebuilds_a_deleted_index(env, journals, tmp_path):
    index = tmp_path / "idx.sqlite"
    first = hrec(env, "ls", "--json", "--index", index, journals).stdout
    index.unlink()
    assert hrec(env, "ls", "--json", "--index", index, journals).stdout == first
    assert index.exists()


def test_ls_rejects_bad_arguments(env, journals):
    bad = hrec(env, "ls", "--decision", "maybe", journals, check=False)
    assert bad.returncode != 0 and b"--decision" in bad.stderr
    bad = hrec(env, "ls", "--since", "yesterday-ish", journals, check=False)
    assert bad.returncode == 1 and b"--since: 'yesterday-ish' is not a date" in bad.stderr
    bad = hrec(env, "ls", "--command", "(", journals, check=False)
    assert bad.returncode == 1 and b"not a valid regular expression" in bad.stderr


def test_search_finds_sql_and_screen_text(env, journals):
    hits = [json.loads(l) for l in hrec(env, "search", "--json", "DELETE FROM hr.salaries", journals).stdout.splitlines()]
    assert [(Path(h["path"]).name, h["source"]) for h in hits] == [("export-bob-denied.hrec", "sql")]
    capture = json.load(open(FIXTURES / "export-bob-denied.capture.json"))
    delete_time = next(t for t, e in capture["events"] if "DELETE" in e.get("sql", ""))
    assert abs(hits[0]["time"] - delete_time / 1e6) < 1e-6
    assert hits[0]["replay"] == f"hrec play {journals}/export-bob-denied.hrec --at {delete_time / 1e6:.3f}s"

    hits = [json.loads(l) for l in hrec(env, "search", "--json", "--in", "screen", "Zoë Müller", journals).stdout.splitlines()]
    assert len(hits) == 1 and "12.5" in hits[0]["text"]
    capture = json.load(open(FIXTURES / "export-alice-sales.capture.json"))
    first_time = next(t for t, b in capture["output"] if "Zoë".encode() in base64.b64decode(b))
    assert abs(hits[0]["time"] - first_time / 1e6) < 1e-6
    assert hrec(env, "search", "nothing like this", journals, check=False).returncode == 1


@pytest.mark.parametrize("name", NAMES)
def test_asciicast_plays_in_asciinema_with_the_journals_bytes(env, tmp_path, name):
    journal = FIXTURES / f"export-{name}.hrec"
    cast = tmp_path / f"{name}.cast"
    hrec(env, "export", "--format", "asciicast", "-o", cast, journal)
    played = subprocess.run([ASCIINEMA, "cat", str(cast)], capture_output=True, timeout=60)
    assert played.returncode == 0, played.stderr.decode()
    assert played.stdout == journal_output(journal, env)
    assert len(played.stdout) > 0
    events = [json.loads(l) for l in cast.read_text().splitlines()[1:]]
    markers = [e[2] for e in events if e[1] == "m"]
    capture = json.load(open(FIXTURES / f"export-{name}.capture.json"))
    assert len(markers) == len(capture["events"])


def test_csv_access_log_parses_back(env):
    text = hrec(env, "export", "--format", "csv", FIXTURES / "export-alice-sales.hrec").stdout.decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["decision"] for r in rows] == ["", "allow"]
    request, decision = rows
    assert request["principal_email"] == "alice@example.com"
    assert request["client_ip"] == "10.0.0.7"
    assert request["statement_kind"] == "SELECT"
    assert request["resources"] == "sales.orders"
    assert decision["rule"] == "mask-pii"
    assert decision["bytes"] == "4096" and decision["rows"] == "3"
    assert decision["masked_columns"] == "customer_email"
    assert decision["time"].startswith("2025-11-22T08:00:")


def test_evidence_lists_a_tampered_journal_as_failed(env, journals, tmp_path):
    tampered = journals / "export-bob-denied.hrec"
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    out = tmp_path / "bundle"
    result = hrec(env, "evidence", "--since", "2025-11-01", "--until", "2025-12-01", "--out", out, journals, check=False)
    assert result.returncode == 3, result.stderr.decode()
    assert b"FAILED" in result.stderr

    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=out, capture_output=True)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()
    checked = {line.split(": ")[0] for line in check.stdout.decode().splitlines()}
    assert {"access-log.csv", "approvals.csv", "denials.csv", "masking.csv", "sessions.csv",
            "verification.txt", "index.html"} <= checked

    verification = (out / "verification.txt").read_text()
    assert f"FAILED" in verification and str(tampered) in verification
    sessions = list(csv.DictReader(open(out / "sessions.csv", newline="")))
    assert len(sessions) == 3
    integrity = {Path(r["file"]).name: r["integrity"] for r in sessions}
    assert integrity["export-bob-denied.hrec"].startswith("FAILED")
    assert integrity["export-alice-sales.hrec"] == "OK"
    assert integrity["export-carol-exit3.hrec"] == "OK"
    html = (out / "index.html").read_text()
    assert "<script" not in html.lower() and "FAILED" in html

    # Changing any file breaks the manifest check.
    (out / "denials.csv").write_text("nothing to see\n")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=out, capture_output=True).returncode != 0


def test_quiet_when_not_a_terminal(env, journals):
    result = hrec(env, "ls", journals)
    assert result.stderr == b""
