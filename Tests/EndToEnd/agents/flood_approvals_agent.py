"""An agent that floods the approvers: starts N distinct statements that need approval without
waiting for any (the official client's query() returns once the job is created), and prints
what each start gave."""
import sys

from google.api_core import exceptions
from google.cloud import bigquery

client = bigquery.Client()
for index in range(int(sys.argv[1])):
    try:
        client.query(f"DELETE FROM shop.accounts WHERE id = {1000 + index}", job_retry=None)
        print("HELD", index, flush=True)
    except exceptions.Forbidden as error:
        print("FORBIDDEN", index, error.message, flush=True)
