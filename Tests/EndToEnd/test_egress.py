"""End-to-end tests of the egress proxy (`hrec dev egress-proxy`) driven by real clients.

curl reaches a local TLS server (self-signed, made here with `cryptography`) through
HTTPS_PROXY (CONNECT) and ALL_PROXY=socks5h:// (SOCKS5), and a plain HTTP server through
HTTP_PROXY; a denied host, the metadata server, the BigQuery emulator's port and a local server
the policy does not name are refused with one clear line. Afterwards the journal holds one
`net.connect` event per attempt (read back with `hrec cat`), and the exports show them.
"""
import csv
import datetime
import http.server
import io
import ipaddress
import json
import os
import pathlib
import shutil
import socket
import ssl
import stat
import subprocess
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import HREC

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "journals"
BODY = b"hello through hrec\n" * 50


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def serve(tls=None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def launch(tmp_path, hrec_env, emulator):
    """Starts the proxy on a given address with a policy allowing two local test servers (TLS and plain)
    and the emulator's port, which is also fixed-denied as the gate's upstream would be."""
    cert, key = self_signed(tmp_path)
    servers = [serve((cert, key)), serve(), serve()]
    tls_port, plain_port, other_port = (server.server_address[1] for server in servers)
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"""default: allow
network:
  default: allow
  allow: ["127.0.0.1:{tls_port}", "127.0.0.1:{plain_port}", "127.0.0.1:{emulator.port}"]
  deny: ["*.denied.test:*"]
""")
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    journal = sessions / "egress.hrec"
    processes = []

    def start(listen):
        process = subprocess.Popen([HREC, "dev", "egress-proxy", "--policy", str(policy), "--listen", listen,
                                    "--journal", str(journal), "--deny-also", f"127.0.0.1:{emulator.port}"],
                                   env=hrec_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        address = process.stdout.readline().strip()
        assert address, process.stderr.read()

        def stop():
            if process.poll() is None:
                process.terminate()
                assert process.wait(timeout=30) == 0, process.stderr.read()

        return dict(address=address, cert=cert, tls_port=tls_port, plain_port=plain_port, other_port=other_port,
                    emulator_port=emulator.port, journal=journal, sessions=sessions, stop=stop, env=hrec_env)

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()
    for server in servers:
        server.shutdown()


@pytest.fixture
def proxy(launch):
    proxy = launch("127.0.0.1:0")
    assert proxy["address"].startswith("127.0.0.1:")
    yield proxy
    proxy["stop"]()


def curl(*args, **proxies):
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(proxies)  # curl reads http_proxy only in lower case
    return subprocess.run(["curl", "-sS", "--max-time", "20", *args], env=env, capture_output=True, timeout=60)


def connect_raw(address, target):
    """Sends a CONNECT and returns the proxy's whole answer (the proxy closes after a refusal)."""
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=20) as s:
        s.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    return answer.decode()


def net_events(proxy):
    out = subprocess.run([HREC, "cat", str(proxy["journal"])], env=proxy["env"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    return [r["event"] for r in records if r.get("kind") == "event" and r["event"].get("type") == "net.connect"]


def test_clients_reach_allowed_servers_and_every_attempt_is_journaled(proxy):
    address, cert = proxy["address"], str(proxy["cert"])
    tls_url = f"https://127.0.0.1:{proxy['tls_port']}/"

    via_connect = curl("--cacert", cert, tls_url, HTTPS_PROXY=f"http://{address}")
    assert via_connect.returncode == 0, via_connect.stderr.decode()
    assert via_connect.stdout == BODY

    via_socks = curl("--cacert", cert, tls_url, ALL_PROXY=f"socks5h://{address}")
    assert via_socks.returncode == 0, via_socks.stderr.decode()
    assert via_socks.stdout == BODY

    via_http = curl(f"http://127.0.0.1:{proxy['plain_port']}/plain", http_proxy=f"http://{address}")
    assert via_http.returncode == 0, via_http.stderr.decode()
    assert via_http.stdout == BODY

    denied = curl("http://www.denied.test/x", http_proxy=f"http://{address}")
    assert denied.stdout.decode() == ("hrec: connection to www.denied.test:80 denied by policy "
                                      "(rule deny *.denied.test:*: www.denied.test:80 matches deny entry *.denied.test:*)\n")
    denied_tls = curl("https://www.denied.test/", HTTPS_PROXY=f"http://{address}")
    assert denied_tls.returncode == 56 and b"403" in denied_tls.stderr

    metadata = connect_raw(address, "169.254.169.254:80")
    assert metadata.startswith("HTTP/1.1 403 Forbidden\r\n")
    assert metadata.endswith("hrec: connection to 169.254.169.254:80 denied by policy "
                             "(rule hrec:metadata: the cloud metadata server is never reachable)\n")
    metadata_socks = curl("http://169.254.169.254/computeMetadata/v1/", ALL_PROXY=f"socks5h://{address}")
    assert metadata_socks.returncode == 97, metadata_socks.stderr.decode()

    # The emulator answers directly, but not through the proxy, even though the file allows it.
    emulator = connect_raw(address, f"127.0.0.1:{proxy['emulator_port']}")
    assert "403 Forbidden" in emulator and "(rule hrec:fixed:" in emulator
    # A local server the policy does not name, under default: allow.
    other = connect_raw(address, f"localhost:{proxy['other_port']}")
    assert "403 Forbidden" in other and "(rule hrec:local-address:" in other

    proxy["stop"]()
    events = net_events(proxy)
    summary = [(e["host"], e["protocol"], e["decision"], e["rule"], e["outcome"]) for e in events]
    assert summary == [
        ("127.0.0.1", "connect", "allow", f"allow 127.0.0.1:{proxy['tls_port']}", "closed"),
        ("127.0.0.1", "socks5", "allow", f"allow 127.0.0.1:{proxy['tls_port']}", "closed"),
        ("127.0.0.1", "http", "allow", f"allow 127.0.0.1:{proxy['plain_port']}", "closed"),
        ("www.denied.test", "http", "deny", "deny *.denied.test:*", "denied"),
        ("www.denied.test", "connect", "deny", "deny *.denied.test:*", "denied"),
        ("169.254.169.254", "connect", "deny", "hrec:metadata", "denied"),
        ("169.254.169.254", "socks5", "deny", "hrec:metadata", "denied"),
        ("127.0.0.1", "connect", "deny", "hrec:fixed", "denied"),
        ("localhost", "connect", "deny", "hrec:local-address", "denied"),
    ]
    for event in events[:3]:
        assert event["address"] == "127.0.0.1" and event["durationMicros"] > 0
        assert event["bytesDown"] > len(BODY) and event["bytesUp"] > 50
    # TLS adds a handshake to the body; plain HTTP down is the body and a short response head.
    assert events[0]["bytesDown"] < len(BODY) + 4096
    assert events[2]["bytesDown"] < len(BODY) + 300 and events[2]["bytesUp"] < 300
    for event in events[3:]:
        assert event["bytesUp"] == 0 and event["bytesDown"] == 0
    assert events[8]["address"] in ("127.0.0.1", "::1")


def test_exports_search_and_ls_show_connections(proxy):
    address = proxy["address"]
    assert curl(f"http://127.0.0.1:{proxy['plain_port']}/", http_proxy=f"http://{address}").returncode == 0
    curl("http://blocked.denied.test/", http_proxy=f"http://{address}")
    proxy["stop"]()
    env = dict(proxy["env"], XDG_CACHE_HOME=str(proxy["sessions"].parent / "cache"))

    text = subprocess.run([HREC, "export", "--format", "csv", str(proxy["journal"])], env=env, capture_output=True,
                          text=True, timeout=60).stdout
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["endpoint"], r["resources"], r["decision"], r["rule"]) for r in rows] == [
        ("net.connect", f"127.0.0.1:{proxy['plain_port']}", "allow", f"allow 127.0.0.1:{proxy['plain_port']}"),
        ("net.connect", "blocked.denied.test:80", "deny", "deny *.denied.test:*"),
    ]
    assert int(rows[0]["bytes"]) > len(BODY) and rows[1]["bytes"] == "0"

    hits = subprocess.run([HREC, "search", "--json", "blocked.denied.test", str(proxy["sessions"])], env=env,
                          capture_output=True, text=True, timeout=60)
    assert hits.returncode == 0, hits.stderr
    assert [json.loads(l)["source"] for l in hits.stdout.splitlines()] == ["event"]

    # A recording without connections next to it: only the proxy's journal has a denied one.
    shutil.copy(FIXTURES / "export-alice-sales.hrec", proxy["sessions"] / "export-alice-sales.hrec")

    def listed(*flags):
        out = subprocess.run([HREC, "ls", "--json", *flags, str(proxy["sessions"])], env=env, capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return {pathlib.Path(s["path"]).name: s for s in map(json.loads, out.stdout.splitlines())}

    assert sorted(listed()) == ["egress.hrec", "export-alice-sales.hrec"]
    sessions = listed("--net-denied")
    assert list(sessions) == ["egress.hrec"]
    # Connections are not tables, and their decisions are not the gate's.
    assert sessions["egress.hrec"]["tables"] == [] and sessions["egress.hrec"]["decisions"] == []


@pytest.mark.parametrize("spelling", ["2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "[::ffff:169.254.169.254]",
                                      "METADATA.GOOGLE.INTERNAL.", "169.254.169.254."])
def test_every_spelling_of_the_metadata_server_is_refused(proxy, spelling):
    answer = connect_raw(proxy["address"], f"{spelling}:80")
    assert answer.startswith("HTTP/1.1 403 Forbidden\r\n") and "(rule hrec:metadata:" in answer, answer


@pytest.mark.parametrize("spelling", ["2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]", "0.0.0.0", "[::]"])
def test_every_spelling_of_a_local_address_is_refused(proxy, spelling):
    answer = connect_raw(proxy["address"], f"{spelling}:{proxy['other_port']}")
    assert answer.startswith("HTTP/1.1 403 Forbidden\r\n") and "(rule hrec:local-address:" in answer, answer


def test_oversized_and_malformed_requests_get_clear_errors(proxy):
    host, port = proxy["address"].rsplit(":", 1)
    for request, status in [(b"CONNECT a.example:443 HTTP/1.1\r\nX: " + b"a" * 20000, b"431"),
                            (b"GET /local HTTP/1.1\r\n\r\n", b"400"), (b"\x16\x03\x01\x00", b"400")]:
        with socket.create_connection((host, int(port)), timeout=20) as s:
            s.sendall(request)
            answer = b""
            while chunk := s.recv(4096):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 " + status) and b"\r\n\r\nhrec: " in answer, answer
    proxy["stop"]()
    assert net_events(proxy) == []


def test_unix_socket_listener_tunnels_tls(launch, tmp_path):
    path = tmp_path / "run" / "egress.sock"
    path.parent.mkdir(mode=0o700)
    proxy = launch(f"unix:{path}")
    assert proxy["address"] == f"unix:{path}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with socket.socket(socket.AF_UNIX) as raw:
        raw.settimeout(20)
        raw.connect(str(path))
        raw.sendall(f"CONNECT 127.0.0.1:{proxy['tls_port']} HTTP/1.1\r\n\r\n".encode())
        assert raw.recv(4096) == b"HTTP/1.1 200 Connection established\r\n\r\n"
        context = ssl.create_default_context(cafile=str(proxy["cert"]))
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while chunk := tls.recv(65536):
                answer += chunk
    assert answer.endswith(b"\r\n\r\n" + BODY)
    proxy["stop"]()
    assert not path.exists()
    [event] = net_events(proxy)
    assert (event["decision"], event["protocol"], event["outcome"]) == ("allow", "connect", "closed")
    assert event["bytesDown"] > len(BODY)
