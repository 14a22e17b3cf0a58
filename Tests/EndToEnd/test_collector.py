"""`hrec collect` with real processes: journals recorded by `hrec run`, uploaded part by part with
urllib, stored in moto's S3 server with Signature V4 authentication on (s3server.py)."""
import base64
import csv
import json
import select
import struct
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from conftest import HREC, hrec

ISS, AUD = "https://issuer.hrec.test", "hrec-collector"
SEAL_MAGIC, INDEX_MAGIC = 0x184D2A5B, 0x184D2A5C


def split_parts(data):
    """The collector's parts of a journal (docs/collector.md): preamble, frame units, index."""
    preamble, units, pos = data[:76], [], 76
    while pos < len(data):
        magic, size = struct.unpack_from("<II", data, pos)
        if magic == INDEX_MAGIC:
            return preamble, units, data[pos:]
        assert magic == SEAL_MAGIC and size == 148
        (compressed,) = struct.unpack_from("<I", data, pos + 56)
        units.append(data[pos: pos + 156 + compressed])
        pos += 156 + compressed
    return preamble, units, None


def record(tmp_path, env, name="session.hrec", lines=6):
    """A journal of several frames: output spaced wider than the writer's flush interval."""
    journal = tmp_path / name
    script = f"for i in $(seq 1 {lines}); do echo line $i; sleep 0.3; done"
    result = hrec("run", "-q", "--journal", str(journal), "--", "sh", "-c", script, env=env, input=b"", timeout=60)
    assert result.returncode == 0, result.stderr
    return journal


class Collector:
    """A running `hrec collect` (stopped with SIGTERM)."""

    def __init__(self, config, env, port=0, extra=()):
        self.process = subprocess.Popen([HREC, "collect", "--config", str(config), "--listen", f"127.0.0.1:{port}", *extra],
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self._stderr_line(timeout=30)
        assert "listening on " in line, line
        self.url = line.split("listening on ")[1].split(",")[0]

    def _stderr_line(self, timeout):
        ready, _, _ = select.select([self.process.stderr], [], [], timeout)
        return self.process.stderr.readline().decode() if ready else ""

    def request(self, method, path, token, body=None):
        """(status, JSON or bytes) of one request."""
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, data, kind = response.status, response.read(), response.headers.get("Content-Type")
        except urllib.error.HTTPError as error:
            status, data, kind = error.code, error.read(), error.headers.get("Content-Type")
        return status, (json.loads(data) if kind == "application/json" else data)

    def upload(self, session, token, preamble, units, index=None):
        """Sends the preamble and each unit alone; returns the receipts."""
        assert self.request("PUT", f"/hrec/v1/journals/{session}/preamble", token, preamble)[0] == 200
        receipts = []
        for unit in units:
            status, receipt = self.request("POST", f"/hrec/v1/journals/{session}/frames", token, unit)
            assert status == 200, receipt
            receipts.append(receipt)
        if index is not None:
            status, receipt = self.request("PUT", f"/hrec/v1/journals/{session}/index", token, index)
            assert status == 200, receipt
            receipts.append(receipt)
        return receipts

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def write_config(tmp_path, issuer, s3, name="collector.yaml", secret=None, key="collector-key"):
    (tmp_path / "s3-access").write_text(s3.access_key + "\n")
    (tmp_path / f"{name}.secret").write_text((secret or s3.secret_key) + "\n")
    config = tmp_path / name
    config.write_text(f"""storage:
  s3:
    endpoint: {s3.endpoint}
    bucket: {s3.bucket}
    prefix: team-a
    region: us-east-1
    access_key_file: {tmp_path / 's3-access'}
    secret_key_file: {tmp_path / f'{name}.secret'}
    object_lock_days: 1
signing_key: {tmp_path / key}
identity:
  issuer: {ISS}
  audience: [{AUD}]
  jwks: {issuer.keys / 'jwks.json'}
""")
    return config


@pytest.fixture
def collector(tmp_path, hrec_env, issuer, s3server):
    process = Collector(write_config(tmp_path, issuer, s3server), hrec_env)
    yield process
    process.stop()


def session_of(preamble):
    return preamble[20:36].hex()


def receipt_message(receipt):
    return (b"hrec-collector-v1 receipt" + bytes.fromhex(receipt["sessionID"]) + struct.pack("<Q", receipt["frames"])
            + bytes.fromhex(receipt["chainHead"]) + struct.pack("<q", receipt["receivedAtMicros"]))


def test_a_journal_uploaded_part_by_part_is_byte_identical_in_the_bucket(tmp_path, hrec_env, issuer, s3server, collector):
    data = record_as(tmp_path, hrec_env, issuer, "alice", "for i in $(seq 1 6); do echo line $i; sleep 0.3; done").read_bytes()
    preamble, units, index = split_parts(data)
    assert len(units) >= 3 and index is not None
    session, token = session_of(preamble), issuer(sub="alice", iss=ISS, aud=AUD)

    receipts = collector.upload(session, token, preamble, units, index)

    # Receipts: the count, the chain head in each unit's seal, signed by the printed collector key.
    key_text = hrec("collect", "--config", str(tmp_path / "collector.yaml"), "--print-public-key", env=hrec_env).stdout.decode()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text.splitlines()[1]))
    for number, (unit, receipt) in enumerate(zip(units, receipts)):
        assert receipt["sessionID"] == session and receipt["frames"] == number + 1
        assert receipt["chainHead"] == unit[60:92].hex()
        assert receipt["collector"] == key_text.splitlines()[2]
        public.verify(base64.b64decode(receipt["signature"]), receipt_message(receipt))
    assert receipts[-1]["frames"] == len(units)

    # The bucket holds every part under the layout's keys; concatenated they are the journal.
    objects = s3server.objects(f"team-a/journals/{session}/")
    frame_keys = sorted(key for key in objects if "/frames/" in key)
    assert frame_keys == [f"team-a/journals/{session}/frames/{i:016d}" for i in range(len(units))]
    stored = objects[f"team-a/journals/{session}/preamble"] + b"".join(objects[k] for k in frame_keys) \
        + objects[f"team-a/journals/{session}/index"]
    assert stored == data
    # Each part is locked in compliance mode: not even the bucket's user can delete that version.
    client = s3server.client()
    head = client.head_object(Bucket=s3server.bucket, Key=frame_keys[0])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    with pytest.raises(client.exceptions.ClientError, match="AccessDenied"):
        client.delete_object(Bucket=s3server.bucket, Key=frame_keys[0], VersionId=head["VersionId"])

    # A resend is no error; the status says what is held.
    status, again = collector.request("POST", f"/hrec/v1/journals/{session}/frames", token, units[1])
    assert status == 200 and again["frames"] == 2
    status, held = collector.request("GET", f"/hrec/v1/journals/{session}", token)
    assert (status, held) == (200, {"sessionID": session, "frames": len(units), "chainHead": units[-1][60:92].hex(),
                                    "final": True, "index": True})
    assert collector.request("GET", f"/hrec/v1/journals/{session}/parts/2", token) == (200, units[2])


def test_a_rewritten_frame_is_refused_naming_it(tmp_path, hrec_env, issuer, s3server, collector):
    preamble, units, _ = split_parts(record(tmp_path, hrec_env).read_bytes())
    session, token = session_of(preamble), issuer(sub="alice", iss=ISS, aud=AUD)
    collector.upload(session, token, preamble, units[:1])
    rewritten = bytearray(units[1])
    rewritten[-4] ^= 0x01
    status, body = collector.request("POST", f"/hrec/v1/journals/{session}/frames", token, bytes(rewritten))
    assert status == 409
    assert body["error"]["reason"] == "diverged" and body["error"]["frame"] == 1
    assert "frame 1" in body["error"]["message"]
    assert not any("/frames/0000000000000001" in key for key in s3server.objects())
    # The genuine frame 1 is still accepted afterwards; the rewritten one is refused again once it is held.
    assert collector.request("POST", f"/hrec/v1/journals/{session}/frames", token, units[1])[0] == 200
    status, body = collector.request("POST", f"/hrec/v1/journals/{session}/frames", token, bytes(rewritten))
    assert status == 409 and body["error"]["frame"] == 1


def test_requests_without_a_valid_token_are_refused(tmp_path, hrec_env, issuer, s3server, collector):
    preamble, _, _ = split_parts(record(tmp_path, hrec_env, lines=1).read_bytes())
    session = session_of(preamble)
    assert collector.request("PUT", f"/hrec/v1/journals/{session}/preamble", None, preamble)[0] == 401
    wrong_audience = issuer(sub="alice", iss=ISS, aud="someone-else")
    status, body = collector.request("PUT", f"/hrec/v1/journals/{session}/preamble", wrong_audience, preamble)
    assert status == 401 and body["error"]["reason"] == "unauthenticated"
    assert s3server.objects() == {}


def record_as(tmp_path, env, issuer, subject, script="echo hi"):
    """A journal whose header names a verified identity (the embedded gate checked the person's token)."""
    gate = tmp_path / "gate.yaml"
    gate.write_text(f"identity:\n  issuer: {ISS}\n  audience: [hrec-gate]\n  jwks: {issuer.keys / 'jwks.json'}\n")
    token = tmp_path / f"{subject}-gate-token"
    token.write_text(issuer(sub=subject, iss=ISS, aud="hrec-gate") + "\n")
    journal = tmp_path / f"{subject}.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--gate-config", str(gate), "--identity-token", str(token),
                  "--", "sh", "-c", script, env=env, input=b"", timeout=60)
    assert result.returncode == 0, result.stderr
    return journal


def test_only_the_person_the_journal_names_can_upload_or_read_it(tmp_path, hrec_env, issuer, s3server, collector):
    preamble, units, _ = split_parts(record_as(tmp_path, hrec_env, issuer, "alice").read_bytes())
    session = session_of(preamble)
    alice, mallory = issuer(sub="alice", iss=ISS, aud=AUD), issuer(sub="mallory", iss=ISS, aud=AUD)
    assert collector.request("PUT", f"/hrec/v1/journals/{session}/preamble", mallory, preamble)[0] == 200
    status, body = collector.request("POST", f"/hrec/v1/journals/{session}/frames", mallory, units[0])
    assert status == 403 and body["error"]["message"] == f"session {session} belongs to 'alice', the token is of 'mallory'"
    collector.upload(session, alice, preamble, units)
    assert collector.request("GET", f"/hrec/v1/journals/{session}/parts/0", mallory)[0] == 403
    assert collector.request("GET", f"/hrec/v1/journals/{session}", mallory)[0] == 403
    assert collector.request("GET", f"/hrec/v1/journals/{session}/parts/0", alice) == (200, units[0])


def test_a_wrong_s3_secret_makes_the_collector_fail_loudly(tmp_path, hrec_env, issuer, s3server):
    config = write_config(tmp_path, issuer, s3server, secret="not-the-secret")
    result = hrec("collect", "--config", str(config), "--listen", "127.0.0.1:0", env=hrec_env, timeout=60)
    assert result.returncode == 1
    message = result.stderr.decode()
    assert "answered HTTP 403 SignatureDoesNotMatch" in message and f"s3://{s3server.bucket}/team-a/" in message, message


def test_two_collectors_on_one_bucket_take_alternating_frames(tmp_path, hrec_env, issuer, s3server):
    data = record(tmp_path, hrec_env, lines=8).read_bytes()
    preamble, units, index = split_parts(data)
    session, token = session_of(preamble), issuer(sub="alice", iss=ISS, aud=AUD)
    first = Collector(write_config(tmp_path, issuer, s3server, name="a.yaml", key="key-a"), hrec_env)
    second = Collector(write_config(tmp_path, issuer, s3server, name="b.yaml", key="key-b"), hrec_env)
    try:
        both = [first, second]
        for collector in both:  # both receive the preamble (a resend for the second)
            assert collector.request("PUT", f"/hrec/v1/journals/{session}/preamble", token, preamble)[0] == 200
        for number, unit in enumerate(units):
            status, receipt = both[number % 2].request("POST", f"/hrec/v1/journals/{session}/frames", token, unit)
            assert status == 200 and receipt["frames"] == number + 1, receipt
            # The other one has seen it too, through the bucket alone: a resend there is answered alike.
            status, again = both[(number + 1) % 2].request("POST", f"/hrec/v1/journals/{session}/frames", token, unit)
            assert status == 200 and again["frames"] == number + 1 and again["collector"] != receipt["collector"]
        assert second.request("PUT", f"/hrec/v1/journals/{session}/index", token, index)[0] == 200
        assert first.request("GET", f"/hrec/v1/journals/{session}", token) == \
            second.request("GET", f"/hrec/v1/journals/{session}", token)
    finally:
        first.stop()
        second.stop()
    objects = s3server.objects(f"team-a/journals/{session}/")
    frame_keys = sorted(key for key in objects if "/frames/" in key)
    assert len(frame_keys) == len(units)
    assert objects[f"team-a/journals/{session}/preamble"] + b"".join(objects[k] for k in frame_keys) \
        + objects[f"team-a/journals/{session}/index"] == data
    # No duplication: every key has exactly one version (nothing was written twice).
    versions = s3server.client().list_object_versions(Bucket=s3server.bucket)["Versions"]
    assert sorted(v["Key"] for v in versions if v["Key"].startswith(f"team-a/journals/{session}/")) == sorted(objects)


def test_verify_against_the_collector_reports_a_diverging_local_journal(tmp_path, hrec_env, issuer, s3server, collector):
    journal = record_as(tmp_path, hrec_env, issuer, "alice", "for i in $(seq 1 6); do echo line $i; sleep 0.3; done")
    data = journal.read_bytes()
    preamble, units, index = split_parts(data)
    session = session_of(preamble)
    token_file = tmp_path / "token"
    token_file.write_text(issuer(sub="alice", iss=ISS, aud=AUD) + "\n")
    collector.upload(session, token_file.read_text().strip(), preamble, units, index)
    verify = ("verify", "--any-signer", "--collector", collector.url, "--identity-token", str(token_file))

    result = hrec(*verify, str(journal), env=hrec_env)
    assert result.returncode == 0, result.stdout
    assert f"matches the collector at {collector.url} ({len(units)} frames collected, {len(units)} local, index collected)" \
        in result.stdout.decode()

    # The local copy rewritten at frame 2 (as an agent with the key might): the collector's copy says where.
    changed = bytearray(data)
    offset = 76 + len(units[0]) + len(units[1]) + len(units[2]) - 3
    changed[offset] ^= 0x01
    copy = tmp_path / "changed.hrec"
    copy.write_bytes(bytes(changed))
    result = hrec(*verify, str(copy), env=hrec_env)
    assert result.returncode == 1
    assert "DIVERGES from the collector" in result.stdout.decode() and "at frame 2: frame 2 differs" in result.stdout.decode()

    # A local journal cut after frame 1: the frames the collector holds beyond it are named.
    cut = tmp_path / "cut.hrec"
    cut.write_bytes(preamble + units[0] + units[1])
    result = hrec(*verify, str(cut), env=hrec_env)
    assert result.returncode == 1
    assert f"at frame 2: frame 2 was collected but is missing from the local journal (the collector holds {len(units)} frames" \
        in result.stdout.decode()


def test_a_directory_store_with_the_dev_identity(tmp_path, hrec_env):
    store = tmp_path / "store"
    config = tmp_path / "dir.yaml"
    config.write_text(f"storage:\n  directory: {store}\nsigning_key: {tmp_path / 'key'}\n")
    result = hrec("collect", "--config", str(config), "--listen", "127.0.0.1:0", env=hrec_env, timeout=30)
    assert result.returncode != 0 and "no identity: section (or pass --dev-identity)" in result.stderr.decode()
    data = record(tmp_path, hrec_env, lines=3).read_bytes()
    preamble, units, index = split_parts(data)
    session = session_of(preamble)
    collector = Collector(config, hrec_env, extra=["--dev-identity"])
    try:
        assert collector.request("GET", f"/hrec/v1/journals/{session}", "any")[0] == 404
        receipts = collector.upload(session, "any", preamble, units, index)
        assert receipts[-1]["frames"] == len(units)
    finally:
        collector.stop()
    held = store / "journals" / session
    frames = sorted((held / "frames").iterdir())
    assert [f.name for f in frames] == [f"{i:016d}" for i in range(len(units))]
    assert (held / "preamble").read_bytes() + b"".join(f.read_bytes() for f in frames) + (held / "index").read_bytes() == data
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in frames) and held.stat().st_mode & 0o777 == 0o700


def test_ls_lists_the_collected_sessions_the_person_may_read(tmp_path, hrec_env, issuer):
    hrec_env = dict(hrec_env, XDG_CACHE_HOME=str(tmp_path / "cache"))
    config = tmp_path / "dir.yaml"
    config.write_text(f"storage:\n  directory: {tmp_path / 'store'}\nsigning_key: {tmp_path / 'key'}\n"
                      f"identity:\n  issuer: {ISS}\n  audience: [{AUD}]\n  jwks: {issuer.keys / 'jwks.json'}\n")
    collector = Collector(config, hrec_env)
    sessions, parts = {}, {}
    try:
        for person in ("alice", "bob"):
            parts[person] = split_parts(record_as(tmp_path, hrec_env, issuer, person, f"echo {person}-work; sleep 0.4; echo done").read_bytes())
            sessions[person] = session_of(parts[person][0])
        preamble, units, index = parts["bob"]
        collector.upload(sessions["bob"], issuer(sub="bob", iss=ISS, aud=AUD), preamble, units, index)
        preamble, units, index = parts["alice"]
        assert len(units) >= 2
        alice = issuer(sub="alice", iss=ISS, aud=AUD)
        collector.upload(sessions["alice"], alice, preamble, units[:-1])
        token = tmp_path / "alice-token"
        token.write_text(alice + "\n")
        ls = ("ls", "--json", "--collector", collector.url, "--identity-token", str(token))
        # Collected so far: alice's session without its final frame, listed as cut.
        result = hrec(*ls, env=hrec_env)
        rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
        assert [(row["sessionID"], row["truncated"]) for row in rows] == [(sessions["alice"], True)], result.stderr
        # The rest arrives; the next listing fetches only what is new.
        collector.upload(sessions["alice"], alice, preamble, units[-1:], index)
        result = hrec(*ls, env=hrec_env)
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
        assert [row["sessionID"] for row in rows] == [sessions["alice"]]
        assert rows[0]["command"] == "sh -c echo alice-work; sleep 0.4; echo done" and rows[0]["exitStatus"] == 0 and not rows[0]["truncated"]
        copy = next((tmp_path / "cache" / "hrec" / "collector").glob("*/" + sessions["alice"] + ".hrec"))
        assert copy.read_bytes() == preamble + b"".join(units) + index
        # The local catalog's filters apply to the collected sessions.
        assert hrec(*ls, "--command", "bob", env=hrec_env).stdout == b""
        filtered = hrec(*ls, "--command", "alice-work", env=hrec_env).stdout.decode().splitlines()
        assert [json.loads(line)["sessionID"] for line in filtered] == [sessions["alice"]]
        # search and evidence read the same collected sessions (alice's only: bob's stays his).
        remote = ("--collector", collector.url, "--identity-token", str(token))
        hits = hrec("search", "--json", "--in", "screen", "work", *remote, env=hrec_env)
        assert hits.returncode == 0, hits.stderr
        found = [json.loads(line) for line in hits.stdout.decode().splitlines()]
        assert found and {hit["sessionID"] for hit in found} == {sessions["alice"]}
        assert all("alice-work" in hit["text"] for hit in found)
        bundle = tmp_path / "bundle"
        made = hrec("evidence", "--out", str(bundle), "--trust", str(tmp_path / "config" / "hrec" / "signing-key.pub"), *remote,
                    env=hrec_env)
        assert made.returncode == 0, made.stdout + made.stderr
        rows = list(csv.DictReader(open(bundle / "sessions.csv")))
        assert [(row["session_id"], row["integrity"]) for row in rows] == [(sessions["alice"], "OK")]
    finally:
        collector.stop()


def test_a_standalone_gate_ships_its_clients_journals_as_an_uploader(tmp_path, hrec_env, issuer, emulator):
    import test_gate
    from emulator import free_port
    store = tmp_path / "store"
    config = tmp_path / "collector.yaml"
    config.write_text(f"storage:\n  directory: {store}\nsigning_key: {tmp_path / 'key'}\nuploaders: [gate-service]\nreaders: [auditor]\n"
                      f"identity:\n  issuer: {ISS}\n  audience: [{AUD}]\n  jwks: {issuer.keys / 'jwks.json'}\n")
    collector = Collector(config, hrec_env)
    gate_token = tmp_path / "gate-token"
    gate_token.write_text(issuer(sub="gate-service", iss=ISS, aud=AUD) + "\n")
    port, journals = free_port(), tmp_path / "gate-journals"
    gate = subprocess.Popen([HREC, "gate", "--config", str(test_gate.config(tmp_path, issuer, emulator)), "--listen", f"127.0.0.1:{port}",
                             "--journals", str(journals), "--idle-close", "1", "--collector", collector.url,
                             "--collector-token", str(gate_token)], env=hrec_env, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening on" in gate.stderr.readline()
        url = f"http://127.0.0.1:{port}"
        access = test_gate.exchange(url, issuer(sub="alice", email="alice@example.com", iss=test_gate.ISS, aud=test_gate.AUD))[1]["access_token"]
        listed = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/datasets", headers={"Authorization": f"Bearer {access}"})
        with urllib.request.urlopen(listed, timeout=10) as response:
            assert response.status == 200

        def alices_session():
            """alice's session journal, once the collector holds all of it; else None."""
            for path in journals.glob("*.hrec"):
                data = path.read_bytes()
                if b"alice@example.com" not in subprocess.run(["zstd", "-dqc", str(path)], capture_output=True).stdout:
                    continue
                held = store / "journals" / session_of(data[:76])
                frames = sorted((held / "frames").glob("*")) if (held / "frames").exists() else []
                if frames and (held / "index").exists():
                    collected = (held / "preamble").read_bytes() + b"".join(f.read_bytes() for f in frames) + (held / "index").read_bytes()
                    if collected == data:
                        return held.name
            return None
        deadline = time.time() + 30
        while (session := alices_session()) is None:
            assert time.time() < deadline, "alice's session journal (closed after 1 s idle) never reached the collector whole"
            time.sleep(0.2)
        # The gate may upload alice's journal but not read it; alice may read it.
        part = f"/hrec/v1/journals/{session}/parts/preamble"
        assert collector.request("GET", part, issuer(sub="alice", iss=ISS, aud=AUD))[0] == 200
        assert collector.request("GET", part, gate_token.read_text().strip())[0] == 403
        assert collector.request("GET", part, issuer(sub="mallory", iss=ISS, aud=AUD))[0] == 403
        # The gate's own journal names no person: only the collector's readers (auditors) read it.
        auditor = issuer(sub="auditor", iss=ISS, aud=AUD)
        status, listing = collector.request("GET", "/hrec/v1/sessions", auditor)
        assert status == 200 and session in listing["sessions"] and len(listing["sessions"]) == 2, listing
        own = next(s for s in listing["sessions"] if s != session)
        assert collector.request("GET", f"/hrec/v1/journals/{own}/parts/preamble", auditor)[0] == 200
        assert collector.request("GET", f"/hrec/v1/journals/{own}/parts/preamble", issuer(sub="alice", iss=ISS, aud=AUD))[0] == 403
        assert collector.request("GET", "/hrec/v1/sessions", issuer(sub="alice", iss=ISS, aud=AUD))[1]["sessions"] == [session]
    finally:
        gate.send_signal(15)
        gate.wait(timeout=30)
        collector.stop()
