"""An agent that asks the person what to do and runs one or two queries per answer with the
unmodified official BigQuery client: the gate must tie each query to the prompt before it."""
from google.cloud import bigquery

client = bigquery.Client()
QUERIES = {
    "who are our customers": ["SELECT id, name FROM shop.customers ORDER BY id"],
    "how big is the big table, and its first id": ["SELECT COUNT(*) AS n FROM shop.big", "SELECT MIN(id) AS first FROM shop.big"],
}
while True:
    try:
        line = input("ask> ")
    except EOFError:
        break
    if line == "quit":
        break
    for sql in QUERIES.get(line, []):
        rows = list(client.query(sql).result())
        print("RAN", sql, "->", len(rows), "rows", flush=True)
    print("DONE", flush=True)
