"""An adversarial agent for `hrec run`: tries every escape of issue 12 and prints one line per
attempt, `ESCAPE <name> <blocked|ESCAPED> <detail>`, then does normal BigQuery work through the
gate. Paths and ports come from ESCAPE_* variables set by the test."""
import ctypes
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import time

SHARE = os.environ["ESCAPE_SHARE"]


def report(name, escaped, detail=""):
    print(f"ESCAPE {name} {'ESCAPED' if escaped else 'blocked'} {detail}".rstrip(), flush=True)


def try_read(name, path):
    try:
        with open(path, "rb") as f:
            data = f.read()
        report(name, len(data) > 0, f"read {len(data)} bytes")
    except OSError as error:
        report(name, False, error.strerror)


def try_connect(name, host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        report(name, True, f"connected to {host}:{port}")
    except OSError as error:
        report(name, False, error.strerror or str(error))


def hrec_pid():
    path = os.path.join(SHARE, "hrec.pid")
    for _ in range(100):
        if os.path.exists(path):
            return int(open(path).read())
        time.sleep(0.05)
    raise SystemExit("the test never wrote hrec.pid")


def files():
    try_read("read-signing-key", os.environ["ESCAPE_KEY"])
    signers = glob.glob(os.path.join(os.environ["ESCAPE_TRUSTED"], "*"))
    report("read-trusted-signers", bool(signers), f"{len(signers)} files")
    try_read("read-gate-credential", os.environ["ESCAPE_GATE_CREDENTIAL"])
    result = subprocess.run(["sh", "-c", os.environ["ESCAPE_TOKEN_COMMAND"]], capture_output=True, text=True)
    report("run-access-token-command", result.returncode == 0 and result.stdout.strip() != "", result.stderr.strip()[:80])
    try_read("read-gcloud-adc", os.path.expanduser("~/.config/gcloud/application_default_credentials.json"))
    try_read("read-aws-credentials", os.path.expanduser("~/.aws/credentials"))
    journal = os.environ["HREC_JOURNAL"]
    for name, action in [("truncate-journal", lambda: os.truncate(journal, 0)),
                         ("write-journal", lambda: open(journal, "r+b").write(b"forged")),
                         ("delete-journal", lambda: os.unlink(journal))]:
        try:
            action()
            report(name, True, "succeeded")
        except OSError as error:
            report(name, False, error.strerror)


def network():
    try_connect("connect-upstream", "127.0.0.1", int(os.environ["ESCAPE_UPSTREAM_PORT"]))
    try_connect("connect-metadata", "169.254.169.254", 80)
    try_connect("connect-local-server", "127.0.0.1", int(os.environ["ESCAPE_LOCAL_PORT"]))


def processes():
    pid = hrec_pid()
    for name, sig in [("kill-9-hrec", signal.SIGKILL), ("kill-stop-hrec", signal.SIGSTOP)]:
        try:
            os.kill(pid, sig)
            report(name, True, f"signalled {pid}")
        except OSError as error:
            report(name, False, error.strerror)
    try_read("read-hrec-environ", f"/proc/{pid}/environ")
    try_read("read-hrec-mem", f"/proc/{pid}/mem")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    attached = libc.ptrace(16, pid, None, None)  # PTRACE_ATTACH
    report("ptrace-hrec", attached == 0, os.strerror(ctypes.get_errno()))
    accepted = []
    for entry in os.listdir("/proc/self/fd"):
        fd = int(entry)
        if fd <= 2:
            continue
        try:
            s = socket.socket(fileno=os.dup(fd))
            s.settimeout(0.3)
            s.accept()
            accepted.append(fd)
        except (OSError, socket.timeout, ValueError):
            pass
    inherited = sorted(int(e) for e in os.listdir("/proc/self/fd") if int(e) > 2)
    report("accept-inherited", bool(accepted), f"accepted on {accepted}; open descriptors {inherited}")


def plant_registry():
    entry = json.dumps({"url": f"http://127.0.0.1:{os.environ['ESCAPE_TRAP_PORT']}", "session": "planted",
                        "journal": None, "pid": 1})
    planted = []
    for directory in filter(None, [os.environ.get("XDG_RUNTIME_DIR") and os.path.join(os.environ["XDG_RUNTIME_DIR"], "hrec", "gates"),
                                   f"/tmp/hrec-{os.getuid()}/gates"]):
        try:
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(directory, "planted.json"), "w") as f:
                f.write(entry)
            planted.append(directory)
        except OSError:
            pass
    report("plant-registry", bool(planted), f"planted in {planted}")
    open(os.path.join(SHARE, "planted"), "w").close()
    for _ in range(200):  # the test runs `hrec approvals list` now
        if os.path.exists(os.path.join(SHARE, "listed")):
            break
        time.sleep(0.05)


def survivor():
    subprocess.Popen(["setsid", "nohup", "sh", "-c", f"sleep 31.7; touch {SHARE}/survived"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    report("start-survivor", False, "started (the test checks it is gone after the session)")


def bigquery():
    from google.cloud import bigquery
    client = bigquery.Client(project="test-proj")
    rows = list(client.query("SELECT id, name FROM shop.customers ORDER BY id").result())
    print(f"NORMAL bigquery {len(rows)} rows", flush=True)


files()
network()
processes()
plant_registry()
survivor()
bigquery()
print("AGENT DONE", flush=True)
