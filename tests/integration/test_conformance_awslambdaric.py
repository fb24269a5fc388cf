"""Conformance: AWS's own runtime client (awslambdaric) in place of ours gives the same payloads.

Each fault handler is deployed twice, once run by the workbook's runtime client and once by ``awslambdaric``
(``python -m awslambdaric <handler>``, Linux wheels only) against the same Runtime API. The answers must match,
apart from the request id.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import sys

import pytest

from helpers.runtime.launch import python_command

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or importlib.util.find_spec("awslambdaric") is None,
    reason="awslambdaric has Linux wheels only (a test-only dependency)")

CASES = [
    ("hello.handler", "hello", {"name": "RIC"}, {}),
    ("faults.raise_error", "faults", {}, {}),
    ("faults.return_a_set", "faults", {}, {}),
    ("faults.return_decimal", "faults", {}, {}),
    ("faults.exit_process", "faults", {"code": 3}, {}),
    ("faults.sleep_past_timeout", "faults", {"seconds": 5}, {"Timeout": 1}),
    ("import_error.handler", "import_error", {}, {}),
    ("init_failure.handler", "init_failure", {}, {}),
    ("hello.nothing_here", "hello", {}, {}),
    ("hello", "hello", {}, {}),
    ("logging_demo.handler", "logging_demo", {}, {}),
]


@pytest.fixture
def with_awslambdaric(cloud):
    """Run the functions named in the returned set with awslambdaric; every other function as usual."""
    chosen: set[str] = set()

    def command(spec):
        if spec.function_name in chosen:
            started_with_ric.append(spec.function_name)
            return [sys.executable, "-m", "awslambdaric", spec.handler]
        return python_command(spec)

    saved = cloud.launcher.python_command
    cloud.launcher.python_command = command
    yield chosen
    cloud.launcher.python_command = saved


started_with_ric: list[str] = []
TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PLATFORM_LINES = (b"INIT_START", b"INIT_REPORT", b"START", b"END", b"REPORT")
REQUEST_ID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def answer(lambda_client, name, event):
    """The function error header, the payload and the function's own log lines, request ids and times blanked."""
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event), LogType="Tail")
    log = base64.b64decode(response["LogResult"])
    function_lines = [TIMESTAMP.sub(b"<time>", REQUEST_ID.sub(b"<request id>", line))
                      for line in log.split(b"\n") if line and not line.startswith(PLATFORM_LINES)]
    return response.get("FunctionError"), REQUEST_ID.sub(b"<request id>", response["Payload"].read()), function_lines


@pytest.mark.parametrize(("handler", "source", "event", "config"), CASES, ids=[case[0] for case in CASES])
def test_same_answer_as_awslambdaric(lambda_client, deploy, with_awslambdaric, handler, source, event, config):
    ours = deploy(handler, source=source, **config)
    theirs = deploy(handler, source=source, **config)
    with_awslambdaric.add(theirs)
    assert answer(lambda_client, ours, event) == answer(lambda_client, theirs, event)
    assert theirs in started_with_ric
