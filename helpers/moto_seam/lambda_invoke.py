"""Lambda's Invoke, in moto: the HTTP Invoke API, and the choke points moto's own triggers call.

* ``LambdaResponse.invoke``: the Invoke API, answered by ``InvokeAPI`` (moto 5.2.5 ignores ``Qualifier=`` and runs
  nothing without Docker); ``LambdaResponse._enrich_response`` keeps the invocation's request id;
  ``LambdaResponse.setup_class`` lets a payload that is not UTF-8 reach it.
* ``LambdaFunction.invoke`` and ``LambdaFunction._invoke_lambda``: what moto's other services call with an event
  (CloudFormation custom resources, log subscriptions, ...); they run the real handler in the engine.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import unquote

from moto.awslambda.models import LambdaFunction
from moto.awslambda.responses import LambdaResponse

from helpers.lambda_service.errors import JsonRESTError, ServiceException
from helpers.lambda_service.invoke_api import new_request_id
from helpers.runtime.spec import InvocationRequest

from .parts import Seam
from .registry import REGISTRY
from .state import function_version


@REGISTRY.method(LambdaResponse, "invoke")
def response_invoke(seam: Seam, response: Any) -> tuple[int, dict[str, str], bytes]:
    """The HTTP Invoke API; an engine failure is a ServiceException, never an HTML page."""
    try:
        return _answer_invoke(seam, response)
    except JsonRESTError:  # an AWS-style error (ResourceNotFoundException, ...): moto renders it
        raise
    except Exception as exc:  # noqa: BLE001
        logging.getLogger(__name__).exception("Invoke failed inside the workbook's engine")
        raise ServiceException(f"The workbook's Lambda engine failed: {type(exc).__name__}: {exc}") from None


def _answer_invoke(seam: Seam, response: Any) -> tuple[int, dict[str, str], bytes]:
    body = response.raw_body  # the request's own bytes (moto's ``body`` is their UTF-8 text)
    result = seam.invoke_api.invoke(
        unquote(response.path.rsplit("/", 2)[-2]), body if isinstance(body, bytes) else (body or "").encode(),
        qualifier=response.querystring.get("Qualifier", [None])[0],
        invocation_type=response.headers.get("X-Amz-Invocation-Type") or "RequestResponse",
        log_type=response.headers.get("X-Amz-Log-Type"), client_context=response.headers.get("X-Amz-Client-Context"),
        account_id=response.current_account, region=response.region)
    headers = {"content-type": "application/json", "x-amzn-requestid": result.request_id,
               "status": str(result.status_code), **result.headers}  # moto takes the HTTP status from "status"
    return result.status_code, headers, result.payload


@REGISTRY.method(LambdaResponse, "setup_class")
def setup_class(seam: Seam, response: Any, request: Any, full_url: str | None = None, headers: Any = None,
                use_raw_body: bool | None = None) -> None:
    """A request body that is not UTF-8 stays bytes (moto decodes every body, and failed with an HTML 500); the
    Invoke API then answers it as AWS does, with InvalidRequestContentException."""
    original = seam.original(LambdaResponse, "setup_class")
    try:
        return original(response, request, full_url, headers, use_raw_body)
    except UnicodeDecodeError:
        return original(response, request, full_url, headers, True)


@REGISTRY.static(LambdaResponse, "_enrich_response")
def enrich_response(seam: Seam, headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
    """moto gives every response a random request id; an Invoke's is the invocation's own, as on AWS."""
    ours = headers.get("x-amzn-requestid")
    headers, body = seam.original(LambdaResponse, "_enrich_response")(headers, body)
    if ours:
        headers["x-amzn-requestid"] = ours
    return headers, body


@REGISTRY.method(LambdaFunction, "invoke")
def function_invoke(seam: Seam, function: LambdaFunction, body: Any, request_headers: Any,
                    response_headers: Any) -> bytes:
    """What moto's other services call with an event (a JSON string)."""
    payload = body.encode() if isinstance(body, str) else (body or b"{}")
    version = function_version(function)
    request = InvocationRequest(new_request_id(), payload, function.function_arn)  # as moto's caller named it
    if (request_headers or {}).get("x-amz-invocation-type") == "Event":
        seam.queue.submit(version, request)
        return b""
    outcome = seam.engine.invoke(version, request)
    if outcome.error_type is not None:
        response_headers["x-amz-function-error"] = "Unhandled"
    return outcome.payload


@REGISTRY.method(LambdaFunction, "_invoke_lambda")
def invoke_lambda(seam: Seam, function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    """moto's Docker executor, replaced by the engine."""
    payload = event if isinstance(event, str) else json.dumps(event if event is not None else {})
    version = function_version(function)
    outcome = seam.engine.invoke(version, InvocationRequest(new_request_id(), payload.encode(), function.function_arn))
    return outcome.payload.decode("utf-8", "replace"), outcome.error_type is not None, "\n".join(outcome.log_events)
