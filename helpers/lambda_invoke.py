"""``invoke``: call a function the way boto3's ``lambda.invoke`` does, and get back something readable.

    >>> result = invoke("hello", {"name": "Ada"})
    >>> result.payload, result.report.duration_ms, result.cold_start
    ({'message': 'Hello, Ada!'}, 0.41, False)
    >>> print(result.logs)

It runs through the same code path as boto3's Invoke against the local AWS (``lambda_service.invoke_api``),
in-process, so it costs well under a millisecond on top of the handler.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from helpers import local_cloud
from helpers.lambda_service.errors import JsonRESTError
from helpers.runtime.log_lines import Report


class LambdaAPIError(Exception):
    """An error the Invoke API answered with (the same code and message boto3 would raise)."""

    def __init__(self, code: str, message: str, status_code: int, reason: str | None = None) -> None:
        super().__init__(f"{code}: {message}" + (f" ({reason})" if reason else ""))
        self.code, self.message, self.status_code, self.reason = code, message, status_code, reason


@dataclass
class Invocation:
    """One invocation's answer: payload, status, log lines and the REPORT figures as numbers."""

    status_code: int
    payload: Any
    raw_payload: bytes
    function_error: str | None
    error_type: str | None
    executed_version: str | None
    request_id: str
    log_lines: list[str] = field(default_factory=list)
    report: Report | None = None
    cold_start: bool = False
    measured_ms: float | None = None  # raw wall time of the invoke phase on this machine
    cpu_ms: float | None = None  # CPU time the environment's process used in it
    environment_id: str | None = None

    @property
    def logs(self) -> str:
        """The invocation's log, as CloudWatch Logs shows it."""
        return "\n".join(self.log_lines)

    @property
    def ok(self) -> bool:
        return self.function_error is None and self.status_code < 300

    def __str__(self) -> str:
        head = f"{self.status_code} {'cold' if self.cold_start else 'warm'}"
        if self.function_error:
            head += f" {self.function_error} ({self.error_type})"
        figures = ""
        if self.report is not None:
            figures = f", {self.report.duration_ms:.2f} ms, billed {self.report.billed_duration_ms} ms"
            if self.report.init_duration_ms is not None:
                figures += f", init {self.report.init_duration_ms:.2f} ms"
        return f"{head}{figures}: {self.payload!r}"


def encode_payload(payload: Any) -> bytes:
    """An event as request bytes. Dicts, lists, numbers, True/False become JSON; a str or bytes is sent as it is,
    so it must already be JSON text (``'"Ada"'``, not ``"Ada"``), exactly as boto3's ``Payload=``."""
    if payload is None:
        return b""
    if isinstance(payload, bool | int | float):
        return json.dumps(payload).encode("utf-8")
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload).encode("utf-8")


def invoke(function_name: str, payload: Any = None, *, qualifier: str | None = None,
           invocation_type: str = "RequestResponse", client_context: str | None = None) -> Invocation:
    """Invoke a function in the local AWS (started if needed) and return an ``Invocation``."""
    cloud = local_cloud.start()
    try:
        result = cloud.parts.invoke_api.invoke(function_name, encode_payload(payload), qualifier=qualifier,
                                         invocation_type=invocation_type, log_type="Tail",
                                         client_context=client_context, account_id=cloud.account_id,
                                         region=cloud.region)
    except JsonRESTError as exc:
        raise LambdaAPIError(exc.error_type, exc.message, exc.code, getattr(exc, "reason", None)) from None
    outcome = result.outcome
    try:
        decoded: Any = json.loads(result.payload) if result.payload else None
    except ValueError:
        decoded = result.payload.decode("utf-8", "replace")
    return Invocation(
        status_code=result.status_code, payload=decoded, raw_payload=result.payload,
        function_error=result.headers.get("X-Amz-Function-Error"),
        error_type=outcome.error_type if outcome else None, executed_version=result.executed_version,
        request_id=result.request_id, log_lines=list(outcome.log_events) if outcome else [],
        report=outcome.report if outcome else None, cold_start=outcome.cold_start if outcome else False,
        measured_ms=outcome.measured_ms if outcome else None, cpu_ms=outcome.cpu_ms if outcome else None,
        environment_id=outcome.environment_id if outcome else None)
