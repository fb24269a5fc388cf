"""Errors the platform reports when the runtime cannot: a timeout, a runtime that exits, memory exhausted.

Shapes and messages as AWS returns them (``../shared/reference/runtime-fidelity-and-emulators.md`` §2.3):

    {"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: <id> Error: Task timed out after 1.00 seconds"}
    {"errorType": "Runtime.ExitError", "errorMessage": "RequestId: <id> Error: Runtime exited with error: exit status 3"}
    {"errorType": "Runtime.OutOfMemory", "errorMessage": "RequestId: <id> Error: Runtime exited with error: signal: killed"}

Errors raised by the handler or its import are formatted by the runtime client itself (``client.py``).
"""

from __future__ import annotations

import json
import signal

TIMEOUT = "Sandbox.Timedout"
EXIT = "Runtime.ExitError"
OUT_OF_MEMORY = "Runtime.OutOfMemory"
INVALID_ENTRYPOINT = "Runtime.InvalidEntrypoint"


def platform_error(error_type: str, request_id: str, detail: str) -> bytes:
    """The error document the platform answers with, for one request."""
    document = {"errorType": error_type, "errorMessage": f"RequestId: {request_id} Error: {detail}"}
    return json.dumps(document, separators=(",", ":")).encode()  # written by the platform (Go): compact JSON


def timeout_error(request_id: str, timeout_s: float) -> bytes:
    return platform_error(TIMEOUT, request_id, f"Task timed out after {timeout_s:.2f} seconds")


def exit_reason(returncode: int | None) -> str:
    """How the platform words a runtime's exit (Go's process-state wording, as AWS prints it)."""
    if returncode is None or returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode < 0:
        return f"Runtime exited with error: signal: {_signal_name(-returncode)}"
    return f"Runtime exited with error: exit status {returncode}"


def exit_error(request_id: str, returncode: int | None) -> bytes:
    return platform_error(EXIT, request_id, exit_reason(returncode))


def invalid_entrypoint_error(request_id: str, program: str, error: OSError) -> bytes:
    """The runtime's program could not be started (missing, or not executable)."""
    reason = (error.strerror or str(error)).lower()
    return platform_error(INVALID_ENTRYPOINT, request_id, f"fork/exec {program}: {reason}")


def out_of_memory_error(request_id: str) -> bytes:
    return platform_error(OUT_OF_MEMORY, request_id, "Runtime exited with error: signal: killed")


#: Go's names for signals, which the platform prints ("signal: killed").
_SIGNAL_WORDS = {"SIGHUP": "hangup", "SIGINT": "interrupt", "SIGQUIT": "quit", "SIGILL": "illegal instruction",
                 "SIGTRAP": "trace/breakpoint trap", "SIGABRT": "aborted", "SIGBUS": "bus error",
                 "SIGFPE": "floating point exception", "SIGKILL": "killed", "SIGUSR1": "user defined signal 1",
                 "SIGSEGV": "segmentation fault", "SIGUSR2": "user defined signal 2", "SIGPIPE": "broken pipe",
                 "SIGALRM": "alarm clock", "SIGTERM": "terminated", "SIGCHLD": "child exited",
                 "SIGXCPU": "CPU time limit exceeded", "SIGXFSZ": "file size limit exceeded",
                 "SIGSYS": "bad system call"}


def _signal_name(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
    return _SIGNAL_WORDS.get(name, name.lower())
