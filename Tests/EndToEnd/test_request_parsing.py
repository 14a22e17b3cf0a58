"""Issue 18: request bodies are read by one strict parser. A body that two JSON readers could
read differently (a member named twice: the gate would check one copy, the upstream might run
the other) is refused before anything is forwarded, and the refusal is journaled."""
import json
import urllib.error
import urllib.request

import pytest
from conftest import hrec
from test_gate import AUD, ISS, exchange, standalone_gate  # noqa: F401 (fixture)

SMUGGLED = [
    ("/queries", b'{"query":"SELECT 1","useLegacySql":false,"query":"DROP TABLE shop.customers"}'),
    ("/queries", b'{"query":"SELECT 1","useLegacySql":false,"defaultDataset":{"datasetId":"shop","datasetId":"other"}}'),
    ("/jobs", b'{"configuration":{"query":{"query":"SELECT 1","useLegacySql":false,"query":"DELETE FROM shop.customers WHERE true"}}}'),
    ("/queries", b'{"query":"SELECT 1","useLegacySql":false} {"query":"DROP TABLE shop.customers"}'),
]


@pytest.mark.parametrize("path,body", SMUGGLED)
def test_a_body_with_a_member_twice_is_refused_and_not_forwarded(standalone_gate, issuer, path, body):  # noqa: F811
    url, journals = standalone_gate
    token = exchange(url, issuer(sub="alice", email="alice@example.com", iss=ISS, aud=AUD))[1]["access_token"]
    request = urllib.request.Request(url + "/bigquery/v2/projects/test-proj" + path, data=body,
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    error = json.load(raised.value)["error"]
    assert raised.value.code == 400 and "request body is not a JSON object" in error["message"], error
    # The customers table is still there, and the journal shows the refusal was never forwarded.
    listed = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/datasets/shop/tables",
                                    headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(listed, timeout=10) as response:
        assert '"customers"' in response.read().decode()
    # The gate still writes its journals: `hrec cat` reads every frame written so far.
    lines = [json.loads(line) for path in journals.rglob("*.hrec") for line in hrec("cat", str(path)).stdout.decode().splitlines()]
    events = [r["event"] for r in lines if r.get("kind") == "event"]
    refused = [e for e in events if e.get("type") == "gate.response" and e.get("status") == 400]
    assert refused and all("upstreamStatus" not in e and e["decision"] == "error" for e in refused)
    assert any("appears twice" in e["reason"] or "after the JSON value" in e["reason"] for e in refused)


def test_a_request_whose_record_cannot_be_encoded_is_refused_not_forwarded_unrecorded(standalone_gate, issuer):  # noqa: F811
    """A number JSON allows but no record can hold (1e999 is infinite as a double) inside the
    query parameters: the gate could not encode its gate.request, so it must not forward it."""
    url, journals = standalone_gate
    token = exchange(url, issuer(sub="alice", email="alice@example.com", iss=ISS, aud=AUD))[1]["access_token"]
    body = (b'{"query":"SELECT @x AS unrecorded","useLegacySql":false,"parameterMode":"NAMED","queryParameters":'
            b'[{"name":"x","parameterType":{"type":"INT64"},"parameterValue":{"value":"7"},"hint":1e999}]}')
    request = urllib.request.Request(url + "/bigquery/v2/projects/test-proj/queries", data=body,
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    error = json.load(raised.value)["error"]
    assert raised.value.code == 400 and "cannot record this request" in error["message"], error
    lines = [json.loads(line) for path in journals.rglob("*.hrec") for line in hrec("cat", str(path)).stdout.decode().splitlines()]
    events = [r["event"] for r in lines if r.get("kind") == "event"]
    unrecordable = [e for e in events if e.get("type") == "gate.unrecordable"]
    assert unrecordable and unrecordable[0]["eventType"] == "gate.request" and unrecordable[0]["requestID"]
    answers = [e for e in events if e.get("type") == "gate.response" and e["requestID"] == unrecordable[0]["requestID"]]
    assert len(answers) == 1 and answers[0]["status"] == 400 and "upstreamStatus" not in answers[0]
    assert not any(e.get("type") == "policy.decision" and e.get("requestID") == unrecordable[0]["requestID"] for e in events)
