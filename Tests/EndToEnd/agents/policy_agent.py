"""An agent that tries a SELECT, then a DROP hidden behind a SELECT, then a plain DROP, and an
UPDATE on the protected table, printing what the official client reports for each."""
from google.api_core import exceptions
from google.cloud import bigquery

client = bigquery.Client()
print("select", list(client.query("SELECT COUNT(*) AS n FROM shop.customers").result())[0]["n"], flush=True)
for sql in ["SELECT 1; DROP TABLE shop.customers", "DROP TABLE shop.customers", "TRUNCATE TABLE shop.orders"]:
    try:
        client.query(sql).result()
        print("ALLOWED", sql, flush=True)
    except exceptions.Forbidden as error:
        print("Forbidden:", error.message, flush=True)
try:
    client.delete_table("shop.customers")
    print("ALLOWED delete_table", flush=True)
except exceptions.Forbidden as error:
    print("Forbidden:", error.message, flush=True)
print("still there", client.get_table("shop.customers").table_id, flush=True)
