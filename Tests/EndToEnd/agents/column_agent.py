"""An agent that runs each argument as a query with the official client, printing one line per
query (or `LIST_ROWS table`): `CASE n: ALLOWED <rows as JSON>`, `CASE n: Forbidden: <message>` or `CASE n: ERROR ...`."""
import json
import sys

from google.api_core import exceptions
from google.cloud import bigquery

client = bigquery.Client()
for number, sql in enumerate(sys.argv[1:]):
    try:
        # `LIST_ROWS table`: tabledata.list, the rows without SQL.
        result = client.list_rows(sql.split()[1]) if sql.startswith("LIST_ROWS ") else client.query(sql).result()
        rows = [dict(row.items()) for row in result]
        print(f"CASE {number}: ALLOWED {json.dumps(rows, default=str)}", flush=True)
    except exceptions.Forbidden as error:
        message = error.message.splitlines()[0]
        print(f"CASE {number}: Forbidden: {message[max(message.find('Access Denied'), 0):]}", flush=True)
    except Exception as error:  # noqa: BLE001 - any other failure is reported, not a refusal
        print(f"CASE {number}: ERROR {type(error).__name__}: {str(error).splitlines()[0][:200]}", flush=True)
