"""Starts the bqemulator BigQuery emulator offline (as ../shared/reference/bigquery.md says) and
seeds it from fixtures/bigquery/seed.sql."""
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROJECT = "test-proj"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        home = ROOT / ".venv" / "emulator-home"
        bqemulator = pathlib.Path(sys.executable).parent / "bqemulator"
        self.log = open(ROOT / ".venv" / "emulator.log", "ab")
        self.process = subprocess.Popen(
            [str(bqemulator), "start", "--rest-host", "127.0.0.1", "--rest-port", str(self.port), "--grpc-host", "127.0.0.1",
             "--grpc-port", "0", "--project", PROJECT, "--ephemeral", "--log-level", "warning"],
            env=dict(os.environ, HOME=str(home)), stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("bqemulator exited; see .venv/emulator.log")
                time.sleep(0.3)
        else:
            raise RuntimeError("bqemulator did not answer /healthz in 60 s")

    def query(self, sql):
        body = json.dumps({"query": sql, "useLegacySql": False}).encode()
        request = urllib.request.Request(f"{self.url}/bigquery/v2/projects/{PROJECT}/queries", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def seed(self):
        text = "\n".join(l for l in (ROOT / "fixtures" / "bigquery" / "seed.sql").read_text().splitlines() if not l.startswith("--"))
        for statement in text.split(";"):
            if statement.strip():
                self.query(statement.strip())

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
