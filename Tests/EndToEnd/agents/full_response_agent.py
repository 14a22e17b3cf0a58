"""Reads a 5,000-row result through the gate with the official client and prints, for every
response its HTTP transport received, the exact body's length and SHA-256 (the bytes as they
came off the wire: the test checks that no content encoding was applied)."""
import hashlib

import requests
from google.cloud import bigquery

original_send = requests.Session.send


def send(self, request, **kwargs):
    response = original_send(self, request, **kwargs)
    body = response.content
    print("BODY", request.method, request.path_url.split("?")[0], response.headers.get("Content-Encoding", "identity"),
          len(body), hashlib.sha256(body).hexdigest(), flush=True)
    return response


requests.Session.send = send

client = bigquery.Client()
rows = list(client.query("SELECT id, name AS label, email FROM shop.big WHERE id <= 5000 ORDER BY id").result())
print("ROWS", len(rows), rows[0]["email"], rows[-1]["email"], flush=True)
