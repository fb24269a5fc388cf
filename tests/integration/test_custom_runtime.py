"""Custom runtimes (``provided.al2023``, ``provided.al2``): the function's own ``bootstrap`` is the runtime.

As in AWS's tutorial ("Building a custom runtime"), the bootstrap here is a POSIX shell script that talks to the
Runtime API with ``curl``, and everything goes through plain boto3 against ``python -m helpers.local_cloud``
started as a person would start it (tests/integration/test_command_line.py's ForegroundCloud).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import uuid

import pytest
from test_command_line import TRUST, ForegroundCloud

from helpers.deploy.packaging import zip_files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="a shebang bootstrap and POSIX signals")
needs_curl = pytest.mark.skipif(shutil.which("curl") is None,
                                reason="the tutorial's bootstrap uses curl, and there is no curl on PATH")

# The runtime: source the handler's file, then loop on /next, call the handler function, post what it printed.
BOOTSTRAP = """\
#!/bin/sh
set -eu
. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
FUNCTION="$(echo "$_HANDLER" | cut -d. -f2)"
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT_DATA="$(curl -sS -LD "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  rm -f "$HEADERS"
  if RESPONSE="$("$FUNCTION" "$EVENT_DATA")"; then
    curl -sS -X POST "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE" > /dev/null
  else
    curl -sS -X POST "$API/invocation/$REQUEST_ID/error" -H "Lambda-Runtime-Function-Error-Type: Function.ShellError" \\
      -d '{"errorMessage": "the handler failed", "errorType": "ShellError"}' > /dev/null
  fi
done
"""

FUNCTION_SH = """\
handler () {
  echo "handling $1" 1>&2
  case "$1" in *fail*) return 1 ;; esac
  printf '{"echo": %s, "pid": %s}' "$1" "$$"
}
"""

# A bootstrap that cannot set itself up tells the platform so, as a runtime must, and exits.
FAILING_BOOTSTRAP = """\
#!/bin/sh
curl -sS -X POST "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/init/error" \\
  -H "Lambda-Runtime-Function-Error-Type: Runtime.NoSuchHandler" \\
  -d "{\\"errorMessage\\": \\"no handler called $_HANDLER\\", \\"errorType\\": \\"Runtime.NoSuchHandler\\"}" > /dev/null
exit 1
"""


@pytest.fixture(scope="module")
def cli():
    """One local AWS from the command line for this module's tests."""
    cloud = ForegroundCloud()
    cloud.lambda_client, cloud.logs_client = cloud.client("lambda"), cloud.client("logs")
    role = cloud.client("iam").create_role(RoleName="custom-runtimes", AssumeRolePolicyDocument=TRUST)
    cloud.role = role["Role"]["Arn"]
    yield cloud
    cloud.stop()


def create(cli, files: dict[str, str], runtime: str = "provided.al2023", executable=("bootstrap",)) -> str:
    name = "custom-" + uuid.uuid4().hex[:8]
    cli.lambda_client.create_function(
        FunctionName=name, Runtime=runtime, Role=cli.role, Handler="function.handler",
        Code={"ZipFile": zip_files(files, executable=tuple(path for path in executable if path in files))})
    return name


def call(cli, name, event=None):
    response = cli.lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}), LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    return response.get("FunctionError"), json.loads(response["Payload"].read()), log


@needs_curl
def test_a_shell_and_curl_bootstrap_answers_through_plain_boto3(cli):
    name = create(cli, {"bootstrap": BOOTSTRAP, "function.sh": FUNCTION_SH})
    error, first, cold_log = call(cli, name, {"order": 1})
    assert error is None and first["echo"] == {"order": 1}
    assert "INIT_START" in cold_log and "Init Duration: " in cold_log
    assert 'handling {"order": 1}' in cold_log  # the bootstrap's stderr is the function's log
    error, second, warm_log = call(cli, name, {"order": 2})
    assert error is None and second == {"echo": {"order": 2}, "pid": first["pid"]}  # the same warm bootstrap
    assert "INIT_START" not in warm_log and "Init Duration" not in warm_log

    # The bootstrap posts a function error: the caller gets its document as it was posted
    error, payload, log = call(cli, name, {"fail": True})
    assert error == "Unhandled" and payload == {"errorMessage": "the handler failed", "errorType": "ShellError"}
    assert "Status: error" not in log  # a function error, not a platform one: the REPORT line is a normal one
    lines = [event["message"] for event in
             cli.logs_client.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
    assert sum(line.startswith("REPORT RequestId: ") for line in lines) == 3


@pytest.mark.parametrize("runtime", ["provided.al2023", "provided.al2"])
def test_a_missing_bootstrap_is_aws_s_invalid_entrypoint(cli, runtime):
    name = create(cli, {"function.sh": FUNCTION_SH}, runtime=runtime)
    error, payload, _ = call(cli, name)
    assert error == "Unhandled" and payload["errorType"] == "Runtime.InvalidEntrypoint"
    assert payload["errorMessage"].startswith("RequestId: ")
    assert payload["errorMessage"].endswith(
        " Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")


@needs_curl
def test_a_bootstrap_reports_its_own_init_error(cli):
    name = create(cli, {"bootstrap": FAILING_BOOTSTRAP, "function.sh": FUNCTION_SH})
    error, payload, log = call(cli, name)
    assert error == "Unhandled"
    assert payload == {"errorMessage": "no handler called function.handler", "errorType": "Runtime.NoSuchHandler"}
    assert "Phase: init\tStatus: error\tError Type: Runtime.NoSuchHandler" in log
