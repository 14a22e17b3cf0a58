"""Asks for one large result page and one small result through the gate with the official
client, and prints what each gave: rows, or the error's type and message."""
from google.api_core import exceptions
from google.cloud import bigquery

client = bigquery.Client()
for name, sql in [("LARGE", "SELECT id, name AS label, email FROM shop.big WHERE id <= 5000 ORDER BY id"),
                  ("SMALL", "SELECT id FROM shop.big WHERE id <= 3 ORDER BY id")]:
    try:
        rows = list(client.query(sql).result(page_size=5000))
        print(name, "ROWS", len(rows), flush=True)
    except exceptions.GoogleAPICallError as error:
        print(name, "ERROR", type(error).__name__, error.message, flush=True)
