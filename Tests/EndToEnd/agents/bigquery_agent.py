"""A stand-in for an AI agent using the unmodified official BigQuery client. It names no
endpoint and no credential: hrec run points it at the gate through the environment."""
from google.cloud import bigquery

client = bigquery.Client()
rows = list(client.query("SELECT id, name FROM shop.customers ORDER BY id").result())
print("select", len(rows), rows[0]["name"], flush=True)
client.query("CREATE TABLE shop.orders (order_id INT64, customer_id INT64, note STRING)").result()
job = client.query("INSERT INTO shop.orders (order_id, customer_id, note) VALUES (1, 1, 'a'), (2, 2, 'b')")
job.result()
print("dml", job.num_dml_affected_rows, flush=True)
ids = [row["id"] for row in client.query("SELECT id FROM shop.big ORDER BY id").result(page_size=1000)]
print("paged", len(ids), ids[0], ids[-1], flush=True)
listed = list(client.list_rows("test-proj.shop.customers"))
print("list_rows", len(listed), flush=True)
print("datasets", ",".join(d.dataset_id for d in client.list_datasets()), flush=True)
print("tables", ",".join(sorted(t.table_id for t in client.list_tables("shop"))), flush=True)
print("get_table", client.get_table("shop.customers").table_id, flush=True)
print("get_dataset", client.get_dataset("shop").dataset_id, flush=True)
count = list(client.query_and_wait("SELECT COUNT(*) AS n FROM shop.big"))[0]["n"]
print("query_and_wait", count, flush=True)
