"""The Invoke API: how a request to ``POST /2015-03-31/functions/{name}/invocations`` is answered.

One code path for boto3's ``lambda.invoke`` (through the local AWS's HTTP endpoint) and for the notebooks'
``helpers.invoke`` (in-process): resolve the function, version or alias; check the payload as AWS does; run it
``RequestResponse`` (200), ``Event`` (202, in the background) or ``DryRun`` (204, nothing runs); answer with AWS's
headers (``X-Amz-Function-Error``, ``X-Amz-Log-Result``, ``X-Amz-Executed-Version``).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from moto.awslambda.exceptions import InvalidParameterValueException, LambdaClientError
from moto.awslambda.utils import get_backend

from helpers.runtime.environment import InvocationOutcome, InvocationRequest

from .engine import LambdaEngine, new_request_id

SYNC_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024  # 6,291,456
ASYNC_PAYLOAD_MAX_BYTES = 1024 * 1024  # 1 MB since October 2025
RESPONSE_MAX_BYTES = 6_291_556  # the figure AWS's own Function.ResponseSizeTooLarge message names
LOG_TAIL_BYTES = 4096
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


class RequestTooLargeException(LambdaClientError):
    code = 413

    def __init__(self, message: str) -> None:
        super().__init__("RequestEntityTooLargeException", message)


class InvalidRequestContentException(LambdaClientError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidRequestContentException", message)


@dataclass
class InvokeResult:
    """What one Invoke call produced: the HTTP answer and, when the handler ran synchronously, its outcome."""

    status_code: int
    payload: bytes
    headers: dict[str, str]
    request_id: str
    executed_version: str | None
    outcome: InvocationOutcome | None  # None for Event and DryRun


def invoke(engine: LambdaEngine, function_name: str, payload: bytes | None = None, *, qualifier: str | None = None,
           invocation_type: str = "RequestResponse", log_type: str | None = None, client_context: str | None = None,
           account_id: str, region: str) -> InvokeResult:
    """Answer one Invoke request exactly as AWS Lambda would (raises AWS-style errors for bad requests)."""
    if invocation_type not in INVOCATION_TYPES:
        raise InvalidParameterValueException(f"Unsupported invocation type: {invocation_type}")
    name, qualifier = _split_qualifier(function_name, qualifier)
    backend = get_backend(account_id, region)
    fn = backend.get_function(name, qualifier)  # ResourceNotFoundException: Function not found: arn:...
    body = payload or b""
    limit = ASYNC_PAYLOAD_MAX_BYTES if invocation_type == "Event" else SYNC_PAYLOAD_MAX_BYTES
    if len(body) > limit:
        if invocation_type == "Event":
            raise RequestTooLargeException(f"{len(body)} byte payload is too large for the Event invocation type "
                                           f"(limit {limit} bytes)")
        raise RequestTooLargeException(f"Request must be smaller than {limit} bytes for the InvokeFunction operation")
    if body.strip():
        try:
            json.loads(body)
        except ValueError as exc:
            raise InvalidRequestContentException(
                f"Could not parse request body into json: Could not parse payload into json: {exc}") from None
    else:
        body = b"{}"
    context_json = _decode_client_context(client_context)
    request_id = new_request_id()
    executed_version = str(fn.version)
    if invocation_type == "DryRun":
        return InvokeResult(204, b"", {}, request_id, None, None)
    request = InvocationRequest(request_id, body, _invoked_arn(fn, name, qualifier), context_json,
                                f"Root=1-{request_id[:8]}-{request_id.replace('-', '')[8:32]};Sampled=0")
    if invocation_type == "Event":
        engine.invoke_in_background(fn, request)
        return InvokeResult(202, b"", {}, request_id, None, None)
    outcome = engine.invoke(fn, request)
    headers = {"X-Amz-Executed-Version": executed_version}
    response = outcome.payload
    if outcome.error_type is None and len(response) > RESPONSE_MAX_BYTES:
        response = json.dumps({"errorMessage": "Response payload size exceeded maximum allowed payload size "
                                               f"({RESPONSE_MAX_BYTES} bytes).",
                               "errorType": "Function.ResponseSizeTooLarge"}).encode()
        headers["X-Amz-Function-Error"] = "Unhandled"
    if outcome.error_type is not None:
        headers["X-Amz-Function-Error"] = "Unhandled"
    if log_type == "Tail":
        headers["X-Amz-Log-Result"] = log_tail(outcome.log_events)
    return InvokeResult(200, response, headers, request_id, executed_version, outcome)


def log_tail(events: list[str]) -> str:
    """Base64 of the last 4 KB of the invocation's log, as ``LogType=Tail`` returns it."""
    text = "".join(event if event.endswith("\n") else event + "\n" for event in events).encode("utf-8")
    return base64.b64encode(text[-LOG_TAIL_BYTES:]).decode("ascii")


def _split_qualifier(function_name: str, qualifier: str | None) -> tuple[str, str | None]:
    """Separate ``fn:alias`` / ``arn:...:function:fn:1`` from an explicit Qualifier; they must agree."""
    if function_name.startswith("arn:"):
        parts = function_name.split(":")
        base, derived = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else None)
    elif ":" in function_name:
        base, derived = function_name.split(":", 1)
    else:
        base, derived = function_name, None
    if derived is not None and qualifier is not None and derived != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier.")
    return base, derived if derived is not None else qualifier


def _invoked_arn(fn: Any, name: str, qualifier: str | None) -> str:
    """The ARN exactly as the caller invoked it (qualified if they named a version or alias)."""
    base = f"arn:aws:lambda:{fn.region}:{fn.account_id}:function:{fn.function_name}"
    return f"{base}:{qualifier}" if qualifier else base


def _decode_client_context(value: str | None) -> str | None:
    if not value:
        return None
    try:
        document = json.loads(base64.b64decode(value, validate=True).decode("utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not an object")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidRequestContentException("Client context must be a valid Base64-encoded JSON object.") from None
    return json.dumps(document)  # ASCII-only: it travels to the runtime as an HTTP header
