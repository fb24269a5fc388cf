"""The safety guard (helpers/guard.py): nothing this workbook sends through botocore may leave the machine.

The boto3 checks run in fresh interpreters, so the guard is never installed in the test process itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers.guard import RealAWSBlockedError, check_url, is_loopback_host

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.5.5", "::1", "[::1]", "localhost", "LOCALHOST",
                                  "api.localhost"])
def test_loopback_hosts(host):
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "lambda.us-east-1.amazonaws.com", "::2",
                                  "localhost.example.com", "", None])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback_host(host)


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000/2015-03-31/functions", "http://localhost:4566/",
                                 "http://[::1]:8080/x"])
def test_check_url_lets_loopback_through(url):
    check_url(url)


@pytest.mark.parametrize("url", ["https://lambda.us-east-1.amazonaws.com/2015-03-31/functions",
                                 "https://sts.amazonaws.com/", "http://10.0.0.1:5000/"])
def test_check_url_blocks_everything_else(url):
    with pytest.raises(RealAWSBlockedError) as excinfo:
        check_url(url)
    assert str(excinfo.value).startswith("lambda-workbook safety guard: refused to send a request to ")
    assert isinstance(excinfo.value, ConnectionRefusedError)


# --------------------------------------------------------------------------- boto3 in a fresh interpreter

_PROBE = """
import json, sys, time

connections = []
def audit(event, args):  # every DNS lookup or connect the interpreter makes
    if event in ("socket.getaddrinfo", "socket.connect", "socket.gethostbyname"):
        connections.append(event)
sys.addaudithook(audit)

from helpers import guard
{setup}
start = time.monotonic()
try:
    sts.get_caller_identity()
    outcome = {{"error": None}}
except Exception as exc:
    outcome = {{"error": type(exc).__name__, "message": str(exc)}}
outcome.update(seconds=time.monotonic() - start, connections=connections,
               guarded=guard.is_installed())
print(json.dumps(outcome))
"""

_INSTALL_BEFORE = """
assert "botocore" not in sys.modules and "boto3" not in sys.modules
guard.install()
import boto3
sts = boto3.client("sts")
"""

_INSTALL_AFTER = """
import boto3, botocore.httpsession
sts = boto3.client("sts")
assert "botocore.httpsession" in sys.modules
guard.install()
"""


def run_probe(setup: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "BOTO"))}
    env.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")
    code = textwrap.dedent(_PROBE).format(setup=textwrap.dedent(setup))
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                               text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("setup", [_INSTALL_BEFORE, _INSTALL_AFTER], ids=["install-before-boto3",
                                                                           "install-after-botocore"])
def test_real_aws_call_with_real_looking_credentials_is_blocked(setup):
    outcome = run_probe(setup)
    assert outcome["guarded"]
    assert outcome["error"] == "RealAWSBlockedError"
    assert outcome["message"].startswith("lambda-workbook safety guard: refused to send a request to 'sts.")
    assert outcome["connections"] == []  # refused before any lookup or connect: nothing left the machine
    assert outcome["seconds"] < 5

