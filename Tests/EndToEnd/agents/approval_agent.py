"""An agent whose statements may be held for approval: runs each argument in turn and prints
what the official client reports (affected rows, or the error)."""
import sys

from google.api_core import exceptions
from google.cloud import bigquery

client = bigquery.Client()
for sql in sys.argv[1:]:
    try:
        job = client.query(sql)
        job.result()
        print("RESULT", job.num_dml_affected_rows, flush=True)
    except exceptions.Forbidden as error:
        print("FORBIDDEN", error.message, flush=True)
