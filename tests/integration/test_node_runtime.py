"""Node.js functions: the machine's node runs helpers/runtime/node_client.mjs against the same Runtime API.

Every test but the last needs ``node`` on PATH and is skipped without it; the last one pretends it is missing and
checks the error an invoke then gives.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time

import pytest

from helpers.runtime.log_lines import parse_report

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (`node` on PATH)")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t(?P<id>[^\t]+)\t(?P<level>[A-Z]+)\t(?P<message>.*)$",
                      re.DOTALL)

COUNTER_MJS = """\
let invocations = 0;
console.log('initialising', { pid: process.pid });
export const handler = async (event, context) => {
  invocations += 1;
  console.log('event', event);
  return {
    invocations, event, pid: process.pid,
    awsRequestId: context.awsRequestId, functionName: context.functionName,
    functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB, logGroupName: context.logGroupName,
    logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(),
    executionEnv: process.env.AWS_EXECUTION_ENV, taskRoot: process.env.LAMBDA_TASK_ROOT, cwd: process.cwd(),
  };
};
"""


def call(lambda_client, name, event=None):
    """(FunctionError or None, the decoded payload, the log lines) of one synchronous invoke."""
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}), LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode().rstrip("\n").split("\n")
    return response.get("FunctionError"), json.loads(response["Payload"].read()), log


@needs_node
@pytest.mark.parametrize("runtime", ["nodejs20.x", "nodejs22.x", "nodejs24.x"])
def test_an_es_module_handler_runs_cold_then_warm(lambda_client, deploy, runtime):
    name = deploy("index.handler", files={"index.mjs": COUNTER_MJS}, Runtime=runtime, MemorySize=256)
    error, first, cold_log = call(lambda_client, name, {"order": 1})
    assert error is None
    assert first["invocations"] == 1 and first["event"] == {"order": 1}
    assert first["functionName"] == name and first["functionVersion"] == "$LATEST"
    assert first["invokedFunctionArn"].endswith(f":function:{name}") and first["memoryLimitInMB"] == "256"
    assert first["logGroupName"] == f"/aws/lambda/{name}" and "[$LATEST]" in first["logStreamName"]
    assert 2000 < first["remaining"] <= 3000  # the default 3 s timeout
    assert first["executionEnv"] == f"AWS_Lambda_{runtime}" and first["cwd"] == first["taskRoot"]
    assert len(first["awsRequestId"]) == 36
    error, second, warm_log = call(lambda_client, name, {"order": 2})
    assert error is None and second["invocations"] == 2 and second["pid"] == first["pid"]  # module state survives

    # Logs: console.* as the Node runtime writes it (time, request id, level, message); "undefined" during init.
    init_line = next(LOG_LINE.match(line) for line in cold_log if "initialising" in line)
    assert init_line["id"] == "undefined" and init_line["level"] == "INFO"
    event_line = next(LOG_LINE.match(line) for line in warm_log if "\tevent" in line)
    assert event_line["id"] == second["awsRequestId"] and event_line["message"] == "event { order: 2 }"
    cold, warm = parse_report(cold_log[-1]), parse_report(warm_log[-1])
    assert cold.init_duration_ms is not None and warm.init_duration_ms is None
    assert 20 <= cold.max_memory_used_mb < 256


@needs_node
def test_a_commonjs_handler_with_a_callback(lambda_client, deploy):
    source = ("exports.handler = function (event, context, callback) {\n"
              "  setTimeout(() => console.log('the timer ran first'), 20);\n"
              "  callback(null, { doubled: event.n * 2 });\n"
              "};\n")
    name = deploy("index.handler", files={"index.js": source}, Runtime="nodejs22.x")
    error, payload, log = call(lambda_client, name, {"n": 21})
    assert error is None and payload == {"doubled": 42}
    # callbackWaitsForEmptyEventLoop is true by default: the answer waits for the timer
    assert any(line.endswith("\tthe timer ran first") for line in log)


@needs_node
@pytest.mark.parametrize(("runtime", "expected"), [("nodejs22.x", None), ("nodejs24.x", {"sync": True})])
def test_what_a_synchronous_return_value_becomes(lambda_client, deploy, runtime, expected):
    """Before Node.js 24 a non-async handler must use the callback: what it returns is ignored (the answer is
    null). From nodejs24.x the runtime awaits whatever the handler returns."""
    name = deploy("index.handler", files={"index.js": "exports.handler = (event) => ({ sync: true });\n"},
                  Runtime=runtime)
    error, payload, _ = call(lambda_client, name)
    assert error is None and payload == expected


@needs_node
def test_nodejs24_refuses_a_callback_handler(lambda_client, deploy):
    name = deploy("index.handler", files={"index.js": "exports.handler = (e, c, callback) => callback(null, 1);\n"},
                  Runtime="nodejs24.x")
    error, payload, log = call(lambda_client, name)
    assert error == "Unhandled" and payload["errorType"] == "Runtime.CallbackHandlerDeprecated"
    assert "removed support for callback-based function handlers starting with Node.js 24" in payload["errorMessage"]
    assert any("Phase: init\tStatus: error\tError Type: Runtime.CallbackHandlerDeprecated" in line for line in log)


@needs_node
def test_a_thrown_error_in_the_node_shape(lambda_client, deploy):
    source = "export const handler = async () => {\n  throw new TypeError('no such order');\n};\n"
    name = deploy("index.handler", files={"index.mjs": source}, Runtime="nodejs22.x")
    error, payload, log = call(lambda_client, name)
    assert error == "Unhandled"
    assert list(payload) == ["errorType", "errorMessage", "trace"]
    assert payload["errorType"] == "TypeError" and payload["errorMessage"] == "no such order"
    assert payload["trace"][0] == "TypeError: no such order" and "index.mjs:2:" in payload["trace"][1]
    logged = next(LOG_LINE.match(line) for line in log if "\tERROR\t" in line)
    assert logged["message"].startswith("Invoke Error \t{")
    assert json.loads(logged["message"].split("\t", 1)[1])["errorType"] == "TypeError"
    # A thrown value that is not an Error: its typeof is the errorType, and there is no trace
    name = deploy("index.handler", files={"index.mjs": "export const handler = async () => { throw 'oops'; };\n"},
                  Runtime="nodejs22.x")
    assert call(lambda_client, name)[:2] == ("Unhandled", {"errorType": "string", "errorMessage": "oops", "trace": []})


@needs_node
def test_a_missing_module_is_an_import_module_error(lambda_client, deploy):
    name = deploy("index.handler", files={"app.mjs": "export const handler = async () => 1;\n"}, Runtime="nodejs22.x")
    error, payload, log = call(lambda_client, name)
    assert error == "Unhandled" and payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"].startswith("Error: Cannot find module 'index'\nRequire stack:\n- ")
    assert payload["trace"][0] == "Runtime.ImportModuleError: Error: Cannot find module 'index'"
    assert any(line.split("\t")[1:3] == ["undefined", "ERROR"] and "\tUncaught Exception \t{" in line for line in log)
    assert any("Phase: init\tStatus: error\tError Type: Runtime.ImportModuleError" in line for line in log)


@needs_node
def test_a_missing_handler_is_handler_not_found(lambda_client, deploy):
    name = deploy("index.handler", files={"index.mjs": "export const main = async () => 1;\n"}, Runtime="nodejs22.x")
    error, payload, _ = call(lambda_client, name)
    assert error == "Unhandled" and payload["errorType"] == "Runtime.HandlerNotFound"
    assert payload["errorMessage"] == "index.handler is undefined or not exported"


@needs_node
def test_a_handler_that_loops_past_its_timeout_is_stopped_from_outside(lambda_client, deploy):
    source = "let calls = 0;\nexport const handler = async (event) => {\n  calls += 1;\n" \
             "  while (event.spin) {}\n  return calls;\n};\n"
    name = deploy("index.handler", files={"index.mjs": source}, Runtime="nodejs22.x", Timeout=1, MemorySize=1769)
    started = time.monotonic()
    error, payload, log = call(lambda_client, name, {"spin": True})
    assert time.monotonic() - started < 5
    assert error == "Unhandled" and payload["errorType"] == "Sandbox.Timedout"
    assert payload["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert parse_report(log[-1]).status == "timeout"
    assert call(lambda_client, name)[:2] == (None, 1)  # a new node process: the module ran again


@needs_node
def test_running_out_of_memory_is_stopped_from_outside(lambda_client, deploy):
    # Buffers live outside V8's heap: the process itself grows past 128 MB, and the platform kills it.
    source = "export const handler = async () => {\n  const kept = [];\n" \
             "  for (let i = 0; i < 40; i++) kept.push(Buffer.alloc(8 * 1024 * 1024, 1));\n  return kept.length;\n};\n"
    name = deploy("index.handler", files={"index.mjs": source}, Runtime="nodejs22.x", MemorySize=128, Timeout=10)
    error, payload, log = call(lambda_client, name)
    assert error == "Unhandled" and payload["errorType"] == "Runtime.OutOfMemory"
    assert parse_report(log[-1]).max_memory_used_mb == 128


@needs_node
def test_the_runtime_version_names_the_real_node():
    from helpers.runtime import node as node_runtime

    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    major, minor, patch = version.lstrip("v").split(".")
    assert node_runtime.runtime_version_string() == f"nodejs:{major}.v{minor}.{patch}"


@needs_node
def test_init_start_names_node(lambda_client, deploy):
    name = deploy("index.handler", files={"index.mjs": COUNTER_MJS}, Runtime="nodejs22.x")
    _, _, log = call(lambda_client, name)
    assert log[0].startswith("INIT_START Runtime Version: nodejs:")


def test_without_node_the_invoke_says_to_install_it(lambda_client, deploy, monkeypatch):
    """No `node` on PATH (simulated): a clear Runtime.* error at once, never a hang or a traceback."""
    from helpers.runtime import node as node_runtime

    monkeypatch.setattr(node_runtime, "locate_node", lambda: None)
    name = deploy("index.handler", files={"index.mjs": COUNTER_MJS}, Runtime="nodejs22.x")
    started = time.monotonic()
    response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert time.monotonic() - started < 5
    error = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.InvalidEntrypoint"
    message = error["errorMessage"]
    assert message.startswith("RequestId: ") and "nodejs22.x" in message
    assert "no `node` on this machine's PATH" in message and "Install Node.js 22" in message
    assert "nodejs.org" in message



GUARDED_MJS = """
import https from 'node:https';
export const handler = async (event) => {
  const results = {};
  try { await fetch('https://sts.amazonaws.com/'); results.fetch = 'sent'; }
  catch (error) { results.fetch = String(error.cause || error); }
  results.https = await new Promise((resolve) => {
    try {
      const request = https.get('https://lambda.us-east-1.amazonaws.com/', () => resolve('sent'));
      request.on('error', (error) => resolve(String(error)));
    } catch (error) { resolve(String(error)); }
  });
  return results;
};
"""


@needs_node
def test_the_safety_guard_refuses_real_aws_hosts(lambda_client, deploy):
    """Nothing reaches real AWS from a Node.js handler either: fetch and https to *.amazonaws.com are refused."""
    name = deploy("index.handler", files={"index.mjs": GUARDED_MJS}, Runtime="nodejs22.x", Timeout=10)
    error, answer, _ = call(lambda_client, name)
    assert error is None
    assert "lambda-workbook safety guard" in answer["fetch"] and "sts.amazonaws.com" in answer["fetch"]
    assert "lambda-workbook safety guard" in answer["https"] and "lambda.us-east-1.amazonaws.com" in answer["https"]
