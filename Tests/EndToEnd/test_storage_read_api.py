"""The BigQuery Storage Read API (issue 14, item 6): with google-cloud-bigquery-storage installed,
`to_dataframe()` opens gRPC to bigquerystorage.googleapis.com. Inside `hrec run` that connection
can only go through the egress proxy, which never lets Google API hosts through: the client is
told at once (no 10-minute hang), the refusal is journaled, and the same query through REST
(`create_bqstorage_client=False`) works through the gate."""
import sys
import time

import hrec_journal
from conftest import hrec

AGENT = r'''
import time
from google.cloud import bigquery
client = bigquery.Client(project="test-proj")
sql = "SELECT id, name FROM shop.customers ORDER BY id"
started = time.time()
try:
    client.query(sql).to_dataframe(create_bqstorage_client=True)
    print("STORAGE read", flush=True)
except Exception as error:
    print(f"STORAGE refused after {time.time() - started:.1f}s: {type(error).__name__}: {error}", flush=True)
frame = client.query(sql).to_dataframe(create_bqstorage_client=False)
print(f"REST rows {len(frame)}", flush=True)
'''


def test_the_storage_read_api_is_refused_at_once_and_rest_still_works(tmp_path, hrec_env, emulator):
    journal = tmp_path / "storage.hrec"
    agent = tmp_path / "agent.py"
    agent.write_text(AGENT)
    started = time.time()
    result = hrec("run", "-q", "--dev-identity", "--upstream", emulator.url, "--project", "test-proj", "--journal", str(journal),
                  "--", sys.executable, str(agent), env=hrec_env, timeout=120)
    elapsed = time.time() - started
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    refused = next(line for line in out.splitlines() if line.startswith("STORAGE"))
    assert refused.startswith("STORAGE refused after"), refused
    assert float(refused.split()[3].rstrip("s:")) < 10, refused
    assert "HTTP proxy returned response code 403" in refused
    assert "REST rows 4" in out
    assert elapsed < 60
    events = [e for e in hrec_journal.json_records(hrec_journal.read(journal), "event") if e["type"] == "net.connect"]
    assert events and all(e["host"] == "bigquerystorage.googleapis.com" and e["decision"] == "deny" for e in events), events
