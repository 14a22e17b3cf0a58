"""Shared fixtures for the end-to-end tests: the built hrec binary and an isolated HOME."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HREC = os.environ.get("HREC", str(ROOT / ".build" / "debug" / "hrec"))


@pytest.fixture
def hrec_env(tmp_path):
    """An environment whose config and data directories are private to the test."""
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["TERM"] = "xterm-256color"
    return env


def hrec(*args, env=None, **kwargs):
    return subprocess.run([HREC, *args], env=env, capture_output=True, **kwargs)
