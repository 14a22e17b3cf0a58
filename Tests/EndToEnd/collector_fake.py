"""A small in-process fake of the collector protocol (docs/collector.md), for shipper tests that
need to see requests or inject failures. The real `hrec collect` is what test_delivery.py uses."""
import base64
import hashlib
import json
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SEAL_MAGIC = 0x184D2A5B


def split_units(body):
    """(index, chain hash, unit bytes) of each seal ‖ data frame in `body`."""
    units, pos = [], 0
    while pos < len(body):
        magic, size = struct.unpack_from("<II", body, pos)
        assert magic == SEAL_MAGIC and size == 148, "not a frame unit"
        index = struct.unpack_from("<Q", body, pos + 16)[0]
        compressed = struct.unpack_from("<I", body, pos + 8 + 48)[0]
        chain = body[pos + 8 + 52: pos + 8 + 84]
        end = pos + 156 + compressed
        units.append((index, chain, body[pos:end]))
        pos = end
    return units


class FakeCollector:
    """Holds parts in memory; `down` makes every request fail with 503; `requests` logs them."""

    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.fingerprint = "SHA256:" + hashlib.sha256(raw).hexdigest()
        self.sessions = {}
        self.requests = []
        self.down = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self, "GET")

            def do_PUT(self):
                fake.handle(self, "PUT")

            def do_POST(self):
                fake.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()

    def receipt(self, session, held):
        frames, head = len(held["frames"]), held["frames"][-1][0]
        micros = int(time.time() * 1e6)
        message = (b"hrec-collector-v1 receipt" + bytes.fromhex(session) + struct.pack("<Q", frames) + head
                   + struct.pack("<q", micros))
        return {"sessionID": session, "frames": frames, "chainHead": head.hex(), "receivedAtMicros": micros,
                "collector": self.fingerprint, "signature": base64.b64encode(self.key.sign(message)).decode()}

    def handle(self, request, method):
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        parts = request.path.split("/")  # '', hrec, v1, journals, session[, part]
        self.requests.append((method, "/".join(parts[5:]), len(body), request.headers.get("Authorization")))
        if self.down:
            return self.answer(request, 503, {"error": {"code": 503, "reason": "backendError", "message": "down"}})
        session = parts[4]
        held = self.sessions.get(session)
        if method == "GET":
            if held is None:
                return self.answer(request, 404, {"error": {"code": 404, "reason": "notFound", "message": "nothing held"}})
            return self.answer(request, 200, {"sessionID": session, "frames": len(held["frames"]),
                                              "chainHead": held["frames"][-1][0].hex() if held["frames"] else None,
                                              "final": False, "index": held["index"] is not None})
        if parts[5] == "preamble":
            self.sessions.setdefault(session, {"preamble": body, "frames": [], "index": None})
            return self.answer(request, 200, {"sessionID": session})
        if parts[5] == "frames":
            for index, chain, unit in split_units(body):
                if index < len(held["frames"]):
                    if held["frames"][index][1] != unit:
                        return self.answer(request, 409, {"error": {"code": 409, "reason": "diverged", "message": f"frame {index}"}})
                elif index == len(held["frames"]):
                    held["frames"].append((chain, unit))
                else:
                    return self.answer(request, 409, {"error": {"code": 409, "reason": "gap", "message": f"frame {index}"}})
            return self.answer(request, 200, self.receipt(session, held))
        held["index"] = body
        return self.answer(request, 200, self.receipt(session, held))

    def answer(self, request, status, document):
        data = json.dumps(document).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def stored(self, session):
        held = self.sessions[session]
        return held["preamble"] + b"".join(unit for _, unit in held["frames"]) + (held["index"] or b"")
