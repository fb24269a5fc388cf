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
import uuid
from dataclasses import dataclass

from helpers import arns, aws_facts
from helpers.runtime.spec import InvocationOutcome, InvocationRequest

from .concurrency import Throttled
from .errors import (InvalidParameterValueException, InvalidRequestContentException, RequestTooLargeException,
                     TooManyRequestsException, invoke_error)
from .ports import AsyncSubmitter, FunctionDirectory, Invoker

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


@dataclass
class InvokeResult:
    """What one Invoke call produced: the HTTP answer and, when the handler ran synchronously, its outcome."""

    status_code: int
    payload: bytes
    headers: dict[str, str]
    request_id: str
    executed_version: str | None
    outcome: InvocationOutcome | None  # None for Event and DryRun


def new_request_id() -> str:
    return str(uuid.uuid4())


class InvokeAPI:
    """Answers Invoke requests with the functions of ``directory``, run by ``invoker`` or queued on ``queue``."""

    def __init__(self, directory: FunctionDirectory, invoker: Invoker, queue: AsyncSubmitter) -> None:
        self._directory = directory
        self._invoker = invoker
        self._queue = queue

    def invoke(self, function_name: str, payload: bytes | None = None, *, qualifier: str | None = None,
               invocation_type: str = "RequestResponse", log_type: str | None = None,
               client_context: str | None = None, account_id: str, region: str) -> InvokeResult:
        """Answer one Invoke request exactly as AWS Lambda would (raises AWS-style errors for bad requests)."""
        if invocation_type not in INVOCATION_TYPES:
            raise InvalidParameterValueException(f"Unsupported invocation type: {invocation_type}")
        try:
            name, qualifier = arns.split_qualifier(function_name, qualifier)
        except arns.QualifierMismatch as exc:
            raise InvalidParameterValueException(str(exc)) from None
        function = self._directory.function(name, qualifier, account_id=account_id, region=region)
        body = _checked_payload(payload or b"", invocation_type)
        context_json = _decode_client_context(client_context)
        request_id = new_request_id()
        if invocation_type == "DryRun":
            return InvokeResult(204, b"", {}, request_id, None, None)
        invoked_arn = arns.function_arn(function.region, function.account_id, function.function_name, qualifier)
        request = InvocationRequest(request_id, body, invoked_arn, context_json,
                                    f"Root=1-{request_id[:8]}-{request_id.replace('-', '')[8:32]};Sampled=0")
        if invocation_type == "Event":
            self._queue.submit(function, request)
            return InvokeResult(202, b"", {}, request_id, None, None)
        try:
            outcome = self._invoker.invoke(function, request)
        except Throttled as throttle:
            raise TooManyRequestsException(throttle.reason, throttle.retry_after_s) from None
        if outcome.service_error is not None:  # e.g. SnapStart: the snapshot is not ready, or the restore failed
            error = outcome.service_error
            raise invoke_error(error.name, error.status, error.message)
        headers = {"X-Amz-Executed-Version": function.version}
        response = outcome.payload
        if outcome.error_type is None and len(response) > aws_facts.RESPONSE_MAX_BYTES:
            response = json.dumps({"errorMessage": "Response payload size exceeded maximum allowed payload size "
                                                   f"({aws_facts.RESPONSE_MAX_BYTES} bytes).",
                                   "errorType": "Function.ResponseSizeTooLarge"}).encode()
            headers["X-Amz-Function-Error"] = "Unhandled"
        if outcome.error_type is not None:
            headers["X-Amz-Function-Error"] = "Unhandled"
        if log_type == "Tail":
            headers["X-Amz-Log-Result"] = log_tail(outcome.log_events)
        return InvokeResult(200, response, headers, request_id, function.version, outcome)


def _checked_payload(body: bytes, invocation_type: str) -> bytes:
    """The payload, if AWS would accept it: within the size limit, UTF-8 JSON (an empty payload is ``{}``)."""
    if invocation_type == "Event":
        limit = aws_facts.ASYNC_PAYLOAD_MAX_BYTES
        if len(body) > limit:
            raise RequestTooLargeException(f"{len(body)} byte payload is too large for the Event invocation type "
                                           f"(limit {limit} bytes)")
    elif len(body) > aws_facts.SYNC_PAYLOAD_MAX_BYTES:
        raise RequestTooLargeException(f"Request must be smaller than {aws_facts.SYNC_PAYLOAD_MAX_BYTES} bytes for "
                                       "the InvokeFunction operation")
    if not body.strip():
        return b"{}"
    try:
        json.loads(body.decode("utf-8-sig"))  # a byte-order mark is tolerated, as before
    except UnicodeDecodeError:
        raise InvalidRequestContentException(
            "Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte "
            "0x" + _first_bad_byte(body)) from None
    except ValueError as exc:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {exc}") from None
    return body


def _first_bad_byte(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{body[exc.start]:02x}"
    return "00"


def log_tail(events: list[str]) -> str:
    """Base64 of the last 4 KB of the invocation's log, as ``LogType=Tail`` returns it."""
    text = "".join(event if event.endswith("\n") else event + "\n" for event in events).encode("utf-8")
    return base64.b64encode(text[-aws_facts.LOG_TAIL_BYTES:]).decode("ascii")


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
