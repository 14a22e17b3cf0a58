"""The gate's upstream credential from a service-account key: a JWT bearer grant signed RS256,
checked here by a token endpoint that verifies it with the key's public half (cryptography),
and the access token it returns used on the upstream call (never shown to the agent)."""
import base64
import http.server
import json
import signal
import subprocess
import threading
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import HREC
from emulator import free_port


def b64decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_service_account_key_grant_is_signed_and_its_token_reaches_only_the_upstream(tmp_path, hrec_env):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    seen = {"assertions": [], "upstream_auth": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
            header, claims, signature = form["assertion"][0].split(".")
            key.public_key().verify(b64decode(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
            seen["assertions"].append((json.loads(b64decode(header)), json.loads(b64decode(claims))))
            self.reply(200, {"access_token": "sa-access-token", "expires_in": 3600, "token_type": "Bearer"})

        def do_GET(self):
            seen["upstream_auth"].append(self.headers.get("Authorization"))
            self.reply(200, {"kind": "bigquery#datasetList", "datasets": [{"datasetReference": {"datasetId": "shop"}}]})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    sa = tmp_path / "sa.json"
    sa.write_text(json.dumps({"type": "service_account", "client_email": "gate@proj.iam.gserviceaccount.com",
                              "private_key_id": "k1", "private_key": pem, "token_uri": base + "/token"}))
    config = tmp_path / "gate.yaml"
    config.write_text(f"identity:\n  dev: true\nupstream:\n  url: {base}\n  service_account_key: {sa}\n")
    port = free_port()
    gate = subprocess.Popen([HREC, "gate", "--config", str(config), "--listen", f"127.0.0.1:{port}", "--journals",
                             str(tmp_path / "journals")], env=hrec_env, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening" in gate.stderr.readline()
        form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "x"}).encode()
        gate_token = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/token", data=form))["access_token"]
        for _ in range(2):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/bigquery/v2/projects/p/datasets",
                                             headers={"Authorization": f"Bearer {gate_token}"})
            body = urllib.request.urlopen(request).read().decode()
            assert "shop" in body and "sa-access-token" not in body
        assert seen["upstream_auth"] == ["Bearer sa-access-token"] * 2
        assert len(seen["assertions"]) == 1  # cached until expiry
        header, claims = seen["assertions"][0]
        assert header == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
        assert claims["iss"] == "gate@proj.iam.gserviceaccount.com" and claims["aud"] == base + "/token"
        assert claims["exp"] - claims["iat"] == 3600
    finally:
        gate.send_signal(signal.SIGTERM)
        gate.wait(timeout=10)
        server.shutdown()
