"""Every way a function can fail, through boto3: AWS's exact payloads, and the function usable afterwards."""

from __future__ import annotations

import json
import sys

import pytest


def invoke(lambda_client, name, event=None):
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}))
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def assert_still_usable(lambda_client, name):
    """After any failure the next invoke gets a working environment (the handler is swapped to hello)."""
    lambda_client.update_function_code(FunctionName=name, ZipFile=_hello_zip())
    lambda_client.update_function_configuration(FunctionName=name, Handler="hello.handler", Runtime="python3.12")
    assert invoke(lambda_client, name) == (None, {"message": "Hello, world!"})


def _hello_zip():
    from helpers import package_handler

    return package_handler("hello")


def test_unhandled_exception(lambda_client, deploy):
    name = deploy("faults.raise_error")
    error_header, error = invoke(lambda_client, name)
    assert error_header == "Unhandled"
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert error["errorMessage"] == "something went wrong" and error["errorType"] == "ValueError"
    assert len(error["requestId"]) == 36
    (frame,) = error["stackTrace"]  # the user's frame only, no runtime frames, no ^^^ markers
    assert frame.startswith('  File "') and "faults.py\", line " in frame and ", in raise_error\n" in frame
    assert "^" not in frame


def test_handled_exception_keeps_the_environment_and_its_globals(lambda_client, deploy):
    name = deploy("counter.handler")
    first = invoke(lambda_client, name)[1]
    assert invoke(lambda_client, name, {"fail": True})[0] == "Unhandled"
    third = invoke(lambda_client, name)[1]
    assert third["invocations"] == 3 and third["pid"] == first["pid"]


@pytest.mark.parametrize(("handler", "error_type", "message"), [
    ("import_error.handler", "Runtime.ImportModuleError",
     "Unable to import module 'import_error': No module named 'module_that_is_not_packaged'"),
    ("hello.nothing_here", "Runtime.HandlerNotFound", "Handler 'nothing_here' missing on module 'hello'"),
    ("hello", "Runtime.MalformedHandlerName", "Bad handler 'hello': not enough values to unpack (expected 2, got 1)"),
    ("missing_file.handler", "Runtime.ImportModuleError", "Unable to import module 'missing_file': No module named 'missing_file'"),
])
def test_init_errors(lambda_client, deploy, handler, error_type, message):
    source = {"hello": "hello", "import_error": "import_error", "missing_file": "hello"}[handler.split(".")[0]]
    name = deploy(handler, source=source)
    for _ in range(2):  # every invoke retries the init, and fails the same way
        error_header, error = invoke(lambda_client, name)
        assert error_header == "Unhandled"
        assert error == {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}
    assert_still_usable(lambda_client, name)


def test_syntax_error(lambda_client, deploy):
    from pathlib import Path

    source = (Path(__file__).parents[2] / "handlers" / "syntax_error.py.txt").read_text()
    name = deploy("syntax_error.handler", files={"syntax_error.py": source})
    error_header, error = invoke(lambda_client, name)
    assert error_header == "Unhandled" and error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["errorMessage"].startswith("Syntax error in module 'syntax_error': ")
    assert error["requestId"] == ""
    (entry,) = error["stackTrace"]
    assert entry.startswith('  File "') and "syntax_error.py\" Line 7\n    def handler(event, context)" in entry


def test_exception_while_importing(lambda_client, deploy):
    name = deploy("init_failure.handler")
    error = invoke(lambda_client, name)[1]
    assert error["errorType"] == "RuntimeError" and error["errorMessage"] == "configuration missing: cannot start"
    assert error["requestId"] == ""
    assert error["stackTrace"][-1].endswith('raise RuntimeError("configuration missing: cannot start")\n')


def test_marshal_error(lambda_client, deploy):
    name = deploy("faults.return_a_set")
    error_header, error = invoke(lambda_client, name)
    assert error_header == "Unhandled"
    assert error["errorType"] == "Runtime.MarshalError" and error["stackTrace"] == []
    assert error["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"


def test_decimal_keeps_its_digits(lambda_client, deploy):
    name = deploy("faults.return_decimal")
    response = lambda_client.invoke(FunctionName=name)
    assert response["Payload"].read() == b'{"price": 1.10}'


@pytest.mark.parametrize("handler", ["faults.sleep_past_timeout", "faults.swallow_timeout"])
def test_timeout_kills_from_outside(lambda_client, deploy, handler):
    name = deploy(handler, Timeout=1)
    error_header, error = invoke(lambda_client, name, {"seconds": 5})
    assert error_header == "Unhandled"
    assert list(error) == ["errorType", "errorMessage"]
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith(" Error: Task timed out after 1.00 seconds")
    assert error["errorMessage"].startswith("RequestId: ")
    assert_still_usable(lambda_client, name)


@pytest.mark.parametrize(("handler", "event", "reason"), [
    ("faults.exit_process", {"code": 3}, "Runtime exited with error: exit status 3"),
    ("faults.exit_process", {"code": 0}, "Runtime exited without providing a reason"),
    ("faults.hard_exit", {"code": 7}, "Runtime exited with error: exit status 7"),
    pytest.param("faults.native_crash", {}, "Runtime exited with error: signal: segmentation fault",
                 marks=pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")),
])
def test_runtime_exit(lambda_client, deploy, handler, event, reason):
    name = deploy(handler)
    error_header, error = invoke(lambda_client, name, event)
    assert error_header == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].startswith("RequestId: ") and error["errorMessage"].endswith(f" Error: {reason}")
    assert_still_usable(lambda_client, name)


def test_out_of_memory(lambda_client, deploy):
    name = deploy("faults.use_too_much_memory", MemorySize=128, Timeout=20)
    response = lambda_client.invoke(FunctionName=name, LogType="Tail")
    error = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.OutOfMemory"
    import base64

    report = base64.b64decode(response["LogResult"]).decode().rstrip().splitlines()[-1]
    assert "\tStatus: error\tError Type: Runtime.OutOfMemory" in report
    used = int(report.split("Max Memory Used: ")[1].split(" MB")[0])
    assert used >= 128
    assert_still_usable(lambda_client, name)


def test_bytes_response_is_returned_raw(lambda_client, deploy):
    name = deploy("raw.handler", files={"raw.py": "def handler(event, context):\n    return b'\\x00raw bytes'\n"})
    assert lambda_client.invoke(FunctionName=name)["Payload"].read() == b"\x00raw bytes"


def test_stop_before_timeout_gracefully(lambda_client, deploy):
    name = deploy("faults.stop_before_timeout", Timeout=1)
    error_header, result = invoke(lambda_client, name)
    assert error_header is None and result["stopped_early"] is True


def test_a_failed_init_reports_the_runtimes_own_memory(deploy):
    """A process started by fork carries its parent's size in ru_maxrss; the REPORT must show the runtime's own
    peak (a Python runtime that failed an import is some 15 MB, while this test process is far larger)."""
    import psutil

    import helpers

    name = deploy("broken.handler", files={"broken.py": "import not_a_module_anywhere\n"})
    result = helpers.invoke(name)
    parent_mb = psutil.Process().memory_info().rss / 2**20
    assert result.error_type == "Runtime.ImportModuleError"
    print(f"failed init: Max Memory Used {result.report.max_memory_used_mb} MB (this process: {parent_mb:.0f} MB)")
    assert 1 <= result.report.max_memory_used_mb < min(60, parent_mb / 2)


CHILD_PROCESS = """
import subprocess, sys
def handler(event, context):
    code = "b = bytearray(%d * 1024 * 1024); import time; time.sleep(0.5); print(len(b))" % event["mb"]
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
"""


def test_a_child_processs_memory_counts_against_the_function(lambda_client, deploy):
    """On AWS the memory size is the whole sandbox's: a program the handler runs uses it too."""
    import helpers

    name = deploy("kid.handler", files={"kid.py": CHILD_PROCESS}, MemorySize=128, Timeout=10)
    small = helpers.invoke(name, {"mb": 40})
    assert small.ok and small.report.max_memory_used_mb >= 40  # the child's 40 MB are in Max Memory Used
    big = helpers.invoke(name, {"mb": 300})
    print(f"child of 40 MB: Max Memory Used {small.report.max_memory_used_mb} MB; child of 300 MB: {big.error_type}")
    assert big.error_type == "Runtime.OutOfMemory" and big.report.max_memory_used_mb == 128


FORKER = """
import os, time
def handler(event, context):
    ballast = bytearray(60 * 1024 * 1024)  # touched: resident in the parent, shared with the child after fork
    pid = os.fork()
    if pid == 0:
        time.sleep(0.3)
        os._exit(0)
    time.sleep(0.2)
    os.waitpid(pid, 0)
    return len(ballast)
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_does_not_count_its_parents_pages_twice(deploy):
    """A sandbox counts a shared page once: a 60 MB handler that forks stays within 128 MB."""
    import helpers

    name = deploy("forker.handler", files={"forker.py": FORKER}, MemorySize=128, Timeout=10)
    result = helpers.invoke(name)
    assert result.ok, result.payload
    assert result.report.max_memory_used_mb < 128
