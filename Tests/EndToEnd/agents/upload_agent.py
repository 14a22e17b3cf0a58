"""Loads files through the gate with the unmodified official client: a large file (resumable
upload, streamed through the gate), a load into a table the policy protects (refused at the
start), and then forged data requests to upload sessions the gate never started."""
import hashlib
import io
import json
import os
import sys

from google.api_core import exceptions
from google.cloud import bigquery

client = bigquery.Client()
size_mib = int(sys.argv[1])
line = b"%09d,name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
rows = size_mib * (1 << 20) // len(line % 0)
data = b"".join(line % i for i in range(rows))
config = bigquery.LoadJobConfig(source_format="CSV", schema=[bigquery.SchemaField("id", "INT64"), bigquery.SchemaField("name", "STRING")])

job = client.load_table_from_file(io.BytesIO(data), "test-proj.scratch.loaded", job_config=config, size=len(data))
job.result()
print("LOADED", len(data), job.output_rows, client.get_table("test-proj.scratch.loaded").num_rows, flush=True)

# Under 5 MB the client sends one multipart request (metadata and data). Its own multipart
# labels the data `*/*`, which the emulator refuses, so this one is built by hand the same way
# with `application/octet-stream`, over the client's authorized session.
small = data[:10_000]
metadata = json.dumps({"configuration": {"load": {
    "destinationTable": {"projectId": "test-proj", "datasetId": "scratch", "tableId": "small"}, "sourceFormat": "CSV",
    "schema": {"fields": [{"name": "id", "type": "INT64"}, {"name": "name", "type": "STRING"}]}}}}).encode()
boundary = b"hrec-upload-boundary"
multipart = (b"--" + boundary + b"\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" + metadata + b"\r\n--" + boundary
             + b"\r\nContent-Type: application/octet-stream\r\n\r\n" + small + b"\r\n--" + boundary + b"--")
response = client._http.post(f"{client._connection.API_BASE_URL}/upload/bigquery/v2/projects/test-proj/jobs",
                             params={"uploadType": "multipart"}, data=multipart,
                             headers={"Content-Type": f"multipart/related; boundary={boundary.decode()}"})
response.raise_for_status()
job = client.get_job(response.json()["jobReference"]["jobId"])
job.result()
print("SMALL", len(small), len(multipart), hashlib.sha256(multipart).hexdigest(), job.output_rows, flush=True)

try:
    client.load_table_from_file(io.BytesIO(data[:1000]), "test-proj.other.secrets", job_config=config)
    print("PROTECTED LOADED", flush=True)
except exceptions.Forbidden as error:
    print("PROTECTED Forbidden", error.message, flush=True)

# Forged data requests: an upload id the gate never issued, and the upstream's own session URL
# form (which the agent never saw): both must be refused, never forwarded.
session = client._http
base = os.environ.get("BIGQUERY_EMULATOR_HOST") or client._connection.API_BASE_URL
for upload_id in ["0" * 32, "not-an-id"]:
    response = session.put(f"{client._connection.API_BASE_URL}/upload/bigquery/v2/projects/test-proj/jobs",
                           params={"uploadType": "resumable", "upload_id": upload_id}, data=b"1,forged\n",
                           headers={"Content-Range": "bytes 0-8/9"})
    print("FORGED", upload_id, response.status_code, response.json()["error"]["message"], flush=True)
