"""The journal format document agrees with the implementation: an independent reader written
from docs/journal-format.md parses and verifies what hrec writes, and rejects the fixtures
named after what is wrong with them."""
import os
import pathlib
import subprocess

import pytest

import hrec_journal

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "journals"
HREC = os.environ.get("HREC", str(ROOT / ".build" / "debug" / "hrec"))
KEY = str(FIXTURES / "fixture-signer.key.pub")


def test_good_fixture_reads_per_spec():
    journal = hrec_journal.read(FIXTURES / "journal-ok.hrec")
    assert journal.version == 1
    assert journal.session_id == "00112233445566778899aabbccddeeff"
    kinds = [k for k, _, _ in journal.records]
    assert kinds[0] == "header" and kinds[-1] == "end"
    assert set(kinds) == set(hrec_journal.KINDS.values())
    header = hrec_journal.json_records(journal, "header")[0]
    assert header["command"] == ["bash", "-c", "printf 'hello\\n'"]
    assert b"hello\r\n" in hrec_journal.output_bytes(journal)
    times = [t for _, t, _ in journal.records]
    assert times == sorted(times)


def test_plain_zstd_decodes_the_content():
    out = subprocess.run(["zstd", "-d", "-q", "-c", str(FIXTURES / "journal-ok.hrec")], capture_output=True, check=True).stdout
    assert b"hello\r\n" in out and b'"formatVersion":1' in out


@pytest.mark.parametrize("name", [
    "journal-truncated-mid-frame.hrec", "journal-no-end-record.hrec", "journal-no-seek-index.hrec",
    "journal-modified-frame.hrec", "journal-missing-frame.hrec", "journal-reordered-frames.hrec",
    "journal-duplicated-frame.hrec", "journal-bad-signature.hrec",
])
def test_bad_fixtures_fail_the_independent_reader(name):
    with pytest.raises(Exception):
        hrec_journal.read(FIXTURES / name)


@pytest.mark.parametrize("name,code,word", [
    ("journal-ok.hrec", 0, "OK"),
    ("journal-truncated-mid-frame.hrec", 2, "TRUNCATED"),
    ("journal-no-end-record.hrec", 2, "TRUNCATED"),
    ("journal-modified-frame.hrec", 1, "MODIFIED"),
    ("journal-missing-frame.hrec", 1, "MISSING"),
    ("journal-reordered-frames.hrec", 1, "REORDERED"),
    ("journal-duplicated-frame.hrec", 1, "DUPLICATED"),
    ("journal-bad-signature.hrec", 1, "BAD SIGNATURE"),
    ("journal-unknown-signer.hrec", 1, "UNKNOWN SIGNER"),
])
def test_hrec_verify_exit_codes_and_messages(name, code, word):
    result = subprocess.run([HREC, "verify", "--trust", KEY, str(FIXTURES / name)], capture_output=True, text=True)
    assert result.returncode == code, result.stdout + result.stderr
    assert word in result.stdout
    if code:
        assert "intact before it" in result.stdout
