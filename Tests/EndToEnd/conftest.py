"""Shared fixtures for the end-to-end tests: the built hrec binary and an isolated HOME."""
import os
import pathlib
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HREC = os.environ.get("HREC", str(ROOT / ".build" / "debug" / "hrec"))

# Every hrec the tests start (also with an environment of their own making) keeps its caches
# (the session index, collector copies) out of the person's home.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="hrec-test-cache-")


@pytest.fixture
def hrec_env(tmp_path):
    """An environment whose config and data directories are private to the test."""
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["TERM"] = "xterm-256color"
    return env


def hrec(*args, env=None, **kwargs):
    return subprocess.run([HREC, *args], env=env, capture_output=True, **kwargs)


@pytest.fixture(scope="session")
def emulator():
    """A seeded bqemulator for the whole test session."""
    from emulator import Emulator
    emu = Emulator()
    try:
        emu.seed()
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def issuer(tmp_path_factory):
    """Test OIDC keys (hrec dev keys) and a function minting tokens with chosen claims."""
    keys = tmp_path_factory.mktemp("issuer")
    subprocess.run([HREC, "dev", "keys", "--out", str(keys)], check=True, capture_output=True)

    def mint(**claims):
        args = [HREC, "dev", "token", "--keys", str(keys)]
        for name, value in claims.items():
            args.append(f"--{name}={value}")
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()

    mint.keys = keys
    return mint


@pytest.fixture
def s3server(tmp_path):
    """moto's S3 server with SigV4 authentication on and an object-locked bucket (s3server.py)."""
    from s3server import S3Server
    server = S3Server(tmp_path / "moto.log")
    try:
        yield server
    finally:
        server.stop()


# The start of a raw agent (a script run under `hrec run`): the gate's URL and a token exchanged
# for the dev identity, as `base` and `token`.
AGENT_TOKEN = r'''import http.client, json, os, sys, time, urllib.error, urllib.parse, urllib.request
base = os.environ["BIGQUERY_EMULATOR_HOST"]
form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": "x",
                               "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}).encode()
token = json.load(urllib.request.urlopen(urllib.request.Request(base + "/v1/token", data=form), timeout=30))["access_token"]
'''
