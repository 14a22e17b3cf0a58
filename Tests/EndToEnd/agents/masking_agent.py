"""An agent reading personal data through the gate: every value it prints must be masked."""
import json

from google.cloud import bigquery

client = bigquery.Client()
rows = [dict(r) for r in client.query(
    "SELECT id, name, email, ssn, phone, card_number, created_at FROM shop.customers ORDER BY id").result()]
print("QUERY", json.dumps(rows, default=str), flush=True)
# Renaming or filtering on a masked column would slip past name-based masking: refused.
for sql in ["SELECT email AS contact FROM shop.customers", "SELECT id FROM shop.customers WHERE ssn LIKE '123%'"]:
    try:
        print("EVADED", json.dumps([dict(r) for r in client.query(sql).result()]), flush=True)
    except Exception as error:
        print("REFUSED", type(error).__name__, flush=True)
# A column no rule names is caught by content detectors wherever it comes from.
free = [r["note"] for r in client.query("SELECT CONCAT('mail ', name, ' at x', CAST(id AS STRING), '@corp.example.com') AS note FROM shop.customers ORDER BY id").result()]
print("DETECTED", json.dumps(free), flush=True)
big = [r["email"] for r in client.query("SELECT id, email FROM shop.big ORDER BY id").result(page_size=1000)]
print("BIG", len(big), len(set(big)), big[0], big[-1], flush=True)
listed = [dict(r) for r in client.list_rows("test-proj.shop.customers")]
print("LISTED", json.dumps(listed, default=str), flush=True)
selected = [dict(r) for r in client.list_rows("test-proj.shop.customers", selected_fields=[bigquery.SchemaField("ssn", "STRING")])]
print("SELECTED", json.dumps(selected), flush=True)
