"""Errors the platform itself reports (helpers/runtime/platform_errors.py): timeout, runtime exit, out of memory.

Shapes: ../shared/reference/runtime-fidelity-and-emulators.md §2.3.
"""

from __future__ import annotations

import json

import pytest

from helpers.runtime import platform_errors

REQUEST_ID = "f83d9f5b-91c2-46ef-8f27-956c2efb047a"


def parsed(payload: bytes) -> dict:
    assert isinstance(payload, bytes)
    return json.loads(payload)


def test_timeout_payload():
    error = parsed(platform_errors.timeout_error(REQUEST_ID, 1.0))
    assert list(error) == ["errorType", "errorMessage"]
    assert error == {"errorType": "Sandbox.Timedout",
                     "errorMessage": f"RequestId: {REQUEST_ID} Error: Task timed out after 1.00 seconds"}


@pytest.mark.parametrize("timeout_s, shown", [(3, "3.00"), (0.5, "0.50"), (900, "900.00")])
def test_timeout_seconds_have_two_decimals(timeout_s, shown):
    message = parsed(platform_errors.timeout_error(REQUEST_ID, timeout_s))["errorMessage"]
    assert message == f"RequestId: {REQUEST_ID} Error: Task timed out after {shown} seconds"


def test_timeout_payload_bytes_are_compact_json_like_aws():
    assert platform_errors.timeout_error(REQUEST_ID, 3.0) == (
        b'{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ' + REQUEST_ID.encode()
        + b' Error: Task timed out after 3.00 seconds"}')


def test_exit_with_a_status():
    error = parsed(platform_errors.exit_error(REQUEST_ID, 3))
    assert list(error) == ["errorType", "errorMessage"]
    assert error == {"errorType": "Runtime.ExitError",
                     "errorMessage": f"RequestId: {REQUEST_ID} Error: Runtime exited with error: exit status 3"}


@pytest.mark.parametrize("returncode", [0, None])
def test_exit_without_a_failure_status_gives_no_reason(returncode):
    assert parsed(platform_errors.exit_error(REQUEST_ID, returncode)) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {REQUEST_ID} Error: Runtime exited without providing a reason"}


@pytest.mark.parametrize("returncode, words", [(-9, "killed"), (-11, "segmentation fault"), (-6, "aborted"),
                                               (-15, "terminated"), (-7, "bus error")])
def test_exit_by_signal_uses_the_platform_wording(returncode, words):
    message = parsed(platform_errors.exit_error(REQUEST_ID, returncode))["errorMessage"]
    assert message == f"RequestId: {REQUEST_ID} Error: Runtime exited with error: signal: {words}"


def test_exit_by_an_unknown_signal_number():
    assert platform_errors.exit_reason(-99) == "Runtime exited with error: signal: signal 99"


@pytest.mark.parametrize("returncode, words", [(-2, "interrupt"), (-13, "broken pipe")])
def test_exit_by_other_signals_uses_go_wording(returncode, words):
    assert platform_errors.exit_reason(returncode) == f"Runtime exited with error: signal: {words}"


def test_out_of_memory_payload():
    error = parsed(platform_errors.out_of_memory_error(REQUEST_ID))
    assert list(error) == ["errorType", "errorMessage"]
    assert error == {"errorType": "Runtime.OutOfMemory",
                     "errorMessage": f"RequestId: {REQUEST_ID} Error: Runtime exited with error: signal: killed"}
