"""An agent reading personal data through the gate: every value it prints must be masked."""
import json

from google.cloud import bigquery

client = bigquery.Client()
rows = [dict(r) for r in client.query(
    "SELECT id, name, email, ssn, phone, card_number, created_at FROM shop.customers ORDER BY id").result()]
print("QUERY", json.dumps(rows, default=str), flush=True)
# Aliased: the column rule does not see the name, the detector still finds the emails.
aliased = [r["contact"] for r in client.query("SELECT email AS contact FROM shop.customers").result()]
print("ALIASED", json.dumps(aliased), flush=True)
big = [r["email"] for r in client.query("SELECT id, email FROM shop.big ORDER BY id").result(page_size=1000)]
print("BIG", len(big), len(set(big)), big[0], big[-1], flush=True)
listed = [dict(r) for r in client.list_rows("test-proj.shop.customers")]
print("LISTED", json.dumps(listed, default=str), flush=True)
selected = [dict(r) for r in client.list_rows("test-proj.shop.customers", selected_fields=[bigquery.SchemaField("ssn", "STRING")])]
print("SELECTED", json.dumps(selected), flush=True)
