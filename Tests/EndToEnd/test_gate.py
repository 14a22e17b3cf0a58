"""The gate end to end: an unmodified Python BigQuery client, run under `hrec run`, reaches the
bqemulator emulator only through the gate; every call is recorded; bad identities are refused."""
import base64
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import hrec_journal
from conftest import HREC, ROOT, hrec

AGENTS = ROOT / "Tests" / "EndToEnd" / "agents"
ISS, AUD = "https://issuer.hrec.test", "hrec-gate"


def config(tmp_path, issuer, emulator, extra=""):
    path = tmp_path / "gate.yaml"
    path.write_text(f"identity:\n  issuer: {ISS}\n  audience: [{AUD}]\n  jwks: {issuer.keys / 'jwks.json'}\n"
                    f"upstream:\n  url: {emulator.url}\n  project: test-proj\n{extra}")
    return path


def events(journal, type_=None):
    parsed = hrec_journal.read(journal)
    found = hrec_journal.json_records(parsed, "event")
    return [e for e in found if type_ is None or e["type"] == type_]


def test_unmodified_client_works_through_the_embedded_gate_and_everything_is_recorded(tmp_path, hrec_env, issuer, emulator):
    token = tmp_path / "id-token"
    token.write_text(issuer(sub="alice", email="alice@example.com", groups="eng,analysts", iss=ISS, aud=AUD) + "\n")
    journal = tmp_path / "agent.hrec"
    env = dict(hrec_env, GOOGLE_APPLICATION_CREDENTIALS="/nonexistent/person-key.json")
    result = hrec("run", "-q", "--journal", str(journal), "--gate-config", str(config(tmp_path, issuer, emulator)),
                  "--identity-token", str(token), "--", sys.executable, str(AGENTS / "bigquery_agent.py"), env=env, timeout=120)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "select 4 Ada Lovelace" in out
    assert "dml 2" in out
    assert "paged 10000 1 10000" in out
    assert "list_rows 4" in out
    assert "datasets shop" in out
    listed = set(next(l for l in out.splitlines() if l.startswith("tables ")).split()[1].split(","))
    assert {"big", "customers", "orders"} <= listed
    assert "get_table customers" in out and "get_dataset shop" in out
    assert "query_and_wait 10000" in out

    assert hrec("verify", str(journal), env=hrec_env).returncode == 0
    parsed = hrec_journal.read(journal)
    header = hrec_journal.json_records(parsed, "header")[0]
    assert header["identity"]["email"] == "alice@example.com" and header["identity"]["verified"] is True
    tokens = events(journal, "gate.token")
    assert tokens and tokens[0]["outcome"] == "issued" and tokens[0]["principal"]["groups"] == ["eng", "analysts"]
    requests = events(journal, "gate.request")
    responses = {e["requestID"]: e for e in events(journal, "gate.response")}
    endpoints = {r["endpoint"] for r in requests}
    assert {"jobs.insert", "jobs.getQueryResults", "tabledata.list", "datasets.list", "tables.list", "tables.get",
            "datasets.get", "jobs.query"} <= endpoints
    sqls = [r.get("sql") for r in requests if r.get("sql")]
    assert "SELECT id, name FROM shop.customers ORDER BY id" in sqls
    assert any(s.startswith("INSERT INTO shop.orders") for s in sqls)
    for request in requests:
        assert request["principal"]["email"] == "alice@example.com"
        assert request["clientIP"] == "127.0.0.1"
        response = responses[request["requestID"]]
        assert response["status"] == 200 and response["decision"] == "allow"
    pages = [responses[r["requestID"]] for r in requests if r["endpoint"] == "jobs.getQueryResults" and "pageToken" in r["path"] + json.dumps(r)]
    assert sum(responses[r["requestID"]].get("rows") or 0 for r in requests if r["endpoint"] == "jobs.getQueryResults") >= 10000
    list_rows = [responses[r["requestID"]] for r in requests if r["endpoint"] == "tabledata.list"]
    assert list_rows and "Ada Lovelace" in list_rows[0]["responseBody"]
    # The agent's own Google credential never reached the child.
    assert b"/nonexistent/person-key.json" not in hrec_journal.output_bytes(parsed)


@pytest.fixture
def standalone_gate(tmp_path, hrec_env, issuer, emulator):
    port_probe = __import__("emulator").free_port()
    journals = tmp_path / "gate-journals"
    process = subprocess.Popen([HREC, "gate", "--config", str(config(tmp_path, issuer, emulator)), "--listen",
                                f"127.0.0.1:{port_probe}", "--journals", str(journals)],
                               env=hrec_env, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    assert "listening on" in line, line
    yield f"http://127.0.0.1:{port_probe}", journals
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def exchange(url, subject_token):
    form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                                   "subject_token": subject_token,
                                   "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "/v1/token", data=form), timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header, claims, key=b""):
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return signing_input + "." + b64(signature)


def good_claims(**overrides):
    claims = {"iss": ISS, "aud": AUD, "sub": "mallory", "exp": int(time.time()) + 600, "iat": int(time.time())}
    claims.update(overrides)
    return claims


def test_bad_identity_tokens_are_refused(standalone_gate, issuer, tmp_path):
    url, journals = standalone_gate
    status, body = exchange(url, issuer(sub="alice", iss=ISS, aud=AUD))
    assert status == 200 and body["token_type"] == "Bearer" and body["access_token"].startswith("hrec1.")
    assert exchange(url, issuer(sub="alice", iss=ISS, aud=AUD, alg="ES256"))[0] == 200

    jwks = json.loads((issuer.keys / "jwks.json").read_text())
    rsa_kid = next(k["kid"] for k in jwks["keys"] if k["kty"] == "RSA")
    other_keys = tmp_path / "other"
    subprocess.run([HREC, "dev", "keys", "--out", str(other_keys)], check=True, capture_output=True)
    unknown_key = subprocess.run([HREC, "dev", "token", "--keys", str(other_keys), "--iss", ISS, "--aud", AUD],
                                 check=True, capture_output=True, text=True).stdout.strip()
    bad = {
        "alg none": forged({"alg": "none", "typ": "JWT", "kid": rsa_kid}, good_claims()),
        "HMAC signed with the public key": forged({"alg": "HS256", "typ": "JWT", "kid": rsa_kid}, good_claims(),
                                                  key=(issuer.keys / "jwks.json").read_bytes()),
        "unknown key": unknown_key,
        "wrong issuer": issuer(iss="https://evil.example", aud=AUD),
        "wrong audience": issuer(iss=ISS, aud="someone-else"),
        "expired": issuer(iss=ISS, aud=AUD, ttl=-3600),
        "tampered payload": (lambda t: t.split(".")[0] + "." + b64(json.dumps(good_claims(sub="root")).encode()) + "." + t.split(".")[2])(
            issuer(iss=ISS, aud=AUD)),
        "garbage": "not-a-jwt",
    }
    for name, token in bad.items():
        status, body = exchange(url, token)
        assert status == 400, name
        assert body["error"] == "invalid_grant", name
        assert "refused" in body["error_description"], name


def test_bigquery_calls_need_a_gate_token_and_a_supported_endpoint(standalone_gate, issuer):
    url, journals = standalone_gate
    request = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/queries", data=b'{"query":"SELECT 1"}',
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    error = json.load(raised.value)["error"]
    assert raised.value.code == 403 and error["errors"][0]["reason"] == "accessDenied" and error["status"] == "PERMISSION_DENIED"
    assert "gate token" in error["message"]

    forged_token = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/datasets",
                                          headers={"Authorization": "Bearer hrec1.forged"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(forged_token, timeout=10)
    assert raised.value.code == 403

    token = exchange(url, issuer(sub="alice", email="alice@example.com", iss=ISS, aud=AUD))[1]["access_token"]
    outside = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/models", headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(outside, timeout=10)
    error = json.load(raised.value)["error"]
    assert raised.value.code == 403 and "GET /bigquery/v2/projects/test-proj/models" in error["message"]

    listed = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/datasets", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(listed, timeout=10) as response:
        assert "shop" in response.read().decode()


def test_python_client_with_a_bad_identity_token_gets_a_clear_error(tmp_path, hrec_env, issuer, emulator):
    token = tmp_path / "id-token"
    token.write_text(issuer(iss=ISS, aud=AUD, ttl=-3600) + "\n")
    journal = tmp_path / "expired.hrec"
    result = hrec("run", "-q", "--journal", str(journal), "--gate-config", str(config(tmp_path, issuer, emulator)),
                  "--", sys.executable, "-c", "from google.cloud import bigquery; print(list(bigquery.Client().list_datasets()))",
                  env=hrec_env, timeout=60)
    assert result.returncode != 0
    assert b"refused by the hrec gate" in result.stdout
    refusals = [e for e in events(journal, "gate.token") if e["outcome"] == "refused"]
    assert refusals and "not a JWS" in refusals[0]["reason"]  # no --identity-token: nothing to prove who it is
    # An expired identity token is refused before the session starts, with the reason.
    started = hrec("run", "-q", "--journal", str(tmp_path / "x.hrec"), "--gate-config", str(config(tmp_path, issuer, emulator)),
                   "--identity-token", str(token), "--", "true", env=hrec_env, timeout=60)
    assert started.returncode == 1
    assert b"is not valid: identity: token expired" in started.stderr
