"""An independent reader of the hrec journal format, version 1, written from
docs/journal-format.md alone. Used by the end-to-end tests to check that the spec and the
Swift implementation agree, and to read journals in other tests."""
import hashlib
import json
import struct
import subprocess
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PREAMBLE_MAGIC, SEAL_MAGIC, INDEX_MAGIC = 0x184D2A5A, 0x184D2A5B, 0x184D2A5C
KINDS = {1: "header", 2: "output", 3: "input", 4: "resize", 5: "marker", 6: "redaction", 7: "event", 8: "end"}


class JournalFormatError(Exception):
    pass


@dataclass
class Journal:
    version: int
    session_id: str
    started_at_micros: int
    public_key: bytes
    records: list = field(default_factory=list)   # (kind, time, payload)
    frames: int = 0
    complete: bool = False
    index_entries: list = field(default_factory=list)


def _varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _decompress(frame: bytes) -> bytes:
    return subprocess.run(["zstd", "-d", "-q", "-c"], input=frame, capture_output=True, check=True).stdout


def read(path) -> Journal:
    """Parses and fully verifies a complete journal; raises JournalFormatError otherwise."""
    data = open(path, "rb").read()
    magic, size = struct.unpack_from("<II", data, 0)
    if magic != PREAMBLE_MAGIC or size != 68 or data[8:16] != b"HRECJNL1":
        raise JournalFormatError("bad preamble")
    version, reserved = struct.unpack_from("<HH", data, 16)
    session_id = data[20:36].hex()
    (started,) = struct.unpack_from("<q", data, 36)
    key = data[44:76]
    journal = Journal(version, session_id, started, key)
    verifier = Ed25519PublicKey.from_public_bytes(key)
    chain = hashlib.sha256(data[:76]).digest()
    pos, next_record, offsets = 76, 0, []
    while pos < len(data):
        magic, size = struct.unpack_from("<II", data, pos)
        if magic == INDEX_MAGIC:
            content = data[pos + 8: pos + 8 + size]
            if content[:7] != b"HINDEX1":
                raise JournalFormatError("bad index tag")
            (count,) = struct.unpack_from("<I", content, 8)
            entries = [struct.unpack_from("<QQQ", content, 12 + 24 * i) for i in range(count)]
            head_at = 12 + 24 * count
            if content[head_at: head_at + 32] != chain:
                raise JournalFormatError("index chain head differs")
            signed = data[pos: pos + 8 + head_at + 32]
            verifier.verify(content[head_at + 32: head_at + 96], b"hrec-journal-v1 index" + signed)
            total, tag = struct.unpack_from("<I4s", content, head_at + 96)
            if tag != b"HIDX" or total != 8 + size or pos + 8 + size != len(data):
                raise JournalFormatError("bad index footer")
            journal.index_entries = entries
            if [e[0] for e in entries] != offsets:
                raise JournalFormatError("index offsets differ from the frames")
            journal.complete = True
            break
        if magic != SEAL_MAGIC or size != 148:
            raise JournalFormatError(f"expected a seal at {pos}")
        fields = data[pos + 8: pos + 60]
        tag, flags, _, index, first, count, t0, t1, raw_len, comp_len = struct.unpack("<6sBBQQIQQII", fields)
        stored_chain = data[pos + 60: pos + 92]
        signature = data[pos + 92: pos + 156]
        frame = data[pos + 156: pos + 156 + comp_len]
        if tag != b"HSEAL1" or index != journal.frames or first != next_record or len(frame) != comp_len:
            raise JournalFormatError(f"seal {journal.frames} is inconsistent")
        chain = hashlib.sha256(chain + fields + frame).digest()
        if chain != stored_chain:
            raise JournalFormatError(f"frame {index}: chain hash differs")
        verifier.verify(signature, b"hrec-journal-v1 seal" + fields + chain)
        content = _decompress(frame)
        if len(content) != raw_len:
            raise JournalFormatError(f"frame {index}: length differs")
        rpos, n = 0, 0
        while rpos < len(content):
            kind = content[rpos]
            time, rpos = _varint(content, rpos + 1)
            length, rpos = _varint(content, rpos)
            journal.records.append((KINDS[kind], time, content[rpos: rpos + length]))
            rpos += length
            n += 1
        if n != count:
            raise JournalFormatError(f"frame {index}: {n} records, seal says {count}")
        offsets.append(pos)
        next_record += count
        journal.frames += 1
        pos += 156 + comp_len
    if not journal.complete:
        raise JournalFormatError("no seek index: not closed cleanly")
    return journal


def output_bytes(journal: Journal) -> bytes:
    return b"".join(p for k, _, p in journal.records if k == "output")


def json_records(journal: Journal, kind: str):
    return [json.loads(p) for k, _, p in journal.records if k == kind]
