"""What the runtime layer is handed and what it hands back: a function version to run, one request, one outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import log_lines

ON_DEMAND = "on-demand"
PROVISIONED = "provisioned-concurrency"
SNAP_START = "snap-start"
INITIALIZATION_TYPES = (ON_DEMAND, PROVISIONED, SNAP_START)


@dataclass(frozen=True)
class FunctionSettings:
    """One version of one function as it is configured: what the control plane stores and an environment runs."""

    function_name: str
    function_arn: str  # unqualified
    version: str  # "$LATEST" or "1", "2", ...
    region: str
    account_id: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    variables: Mapping[str, str]

    def settings(self) -> dict[str, Any]:
        """These settings alone, to build another record of the same function version from."""
        return {field.name: getattr(self, field.name) for field in fields(FunctionSettings)}


@dataclass(frozen=True)
class FunctionSpec(FunctionSettings):
    """What an execution environment runs: a function version's settings, its code on disk and its layers (/opt),
    frozen when the environment starts."""

    code_dir: Path
    opt_dir: Path | None = None
    fingerprint: str = ""
    snap_start: bool = False  # a published version with SnapStart on: its environments are restored from a snapshot

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"


@dataclass
class InvocationRequest:
    request_id: str
    payload: bytes
    invoked_function_arn: str
    client_context: str | None = None  # the decoded JSON text of X-Amz-Client-Context
    trace_id: str = ""


@dataclass
class InvocationOutcome:
    """Everything one invocation produced: the payload, the error if any, its log events and its figures."""

    request_id: str
    payload: bytes
    error_type: str | None  # None on success
    log_events: list[str]
    report: log_lines.Report
    measured_ms: float  # raw wall time of the invoke phase, on this machine
    cpu_ms: float  # CPU time the handler's process used during it
    cold_start: bool
    environment_id: str
    log_stream_name: str
    # The Invoke API answers with this error in place of the function's answer (SnapStart: a failed restore)
    service_error: ServiceError | None = None


@dataclass(frozen=True)
class ServiceError:
    """An error of Lambda's Invoke API: its exception name, HTTP status and message."""

    name: str
    status: int
    message: str


@dataclass
class InitOutcome:
    """What an init phase produced: ready (with its measured duration) or failed, and the log lines it wrote."""

    ready: bool
    init_ms: float
    log_events: list[str]
    error_type: str | None = None
    status: str | None = None  # "error" | "timeout" when it failed
    payload: Callable[[str], bytes] = lambda request_id: b""  # the error document for a request, when it failed
    peak_bytes: int = 0
