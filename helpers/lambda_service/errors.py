"""The errors the Lambda API answers with, in AWS's words (exception name, HTTP status, message).

The local AWS is moto's server, which renders any ``JsonRESTError`` as AWS's JSON error body, so the workbook's
errors are moto's error type; this is the one module that says so.
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.exceptions import (InvalidParameterValueException, LambdaClientError,
                                       UnknownFunctionException)
from moto.core.exceptions import JsonRESTError

__all__ = ["InvalidParameterValueException", "InvalidRequestContentException", "JsonRESTError", "LambdaClientError",
           "RequestTooLargeException", "ResourceConflictException", "ResourceNotFoundException", "ServiceException",
           "TooManyRequestsException", "ValidationException", "function_not_found", "invoke_error"]


class _LambdaError(LambdaClientError):
    """An error of AWS's Lambda API: ``error`` is its exception name, ``code`` its HTTP status (400 unless said)."""

    error = ""

    def __init__(self, message: str) -> None:
        super().__init__(self.error, message)


class ValidationException(_LambdaError):
    error = "ValidationException"


class ResourceNotFoundException(_LambdaError):
    code, error = 404, "ResourceNotFoundException"

    def __init__(self, message: str = "The resource you requested does not exist.") -> None:
        super().__init__(message)


class ResourceConflictException(_LambdaError):
    code, error = 409, "ResourceConflictException"


class RequestTooLargeException(_LambdaError):
    code, error = 413, "RequestEntityTooLargeException"


class InvalidRequestContentException(_LambdaError):
    error = "InvalidRequestContentException"


class ServiceException(_LambdaError):
    code, error = 500, "ServiceException"


class TooManyRequestsException(_LambdaError):
    """A throttle: HTTP 429 with AWS's body (``Reason``, ``Type``, ``message``) and a ``Retry-After`` header."""

    code, error = 429, "TooManyRequestsException"

    def __init__(self, reason: str, retry_after_s: int = 1) -> None:
        super().__init__("Rate Exceeded.")
        self.reason = reason
        self.retry_after_s = retry_after_s
        self.description = json.dumps({"Reason": reason, "Type": "User", "message": "Rate Exceeded."})

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Retry-After", str(self.retry_after_s))]


def function_not_found(arn: str) -> JsonRESTError:
    """``Function not found: <arn>``, as GetFunction and Invoke answer for a missing function or version."""
    return UnknownFunctionException(arn)


class _InvokeError(_LambdaError):
    """An error the Invoke API answers in place of the function's answer (e.g. SnapStart's restore failed)."""

    def __init__(self, name: str, status: int, message: str) -> None:
        self.error, self.code = name, status
        super().__init__(message)


def invoke_error(name: str, status: int, message: str) -> JsonRESTError:
    """``name`` (HTTP ``status``) with ``message``, as AWS's Invoke answers it."""
    return _InvokeError(name, status, message)
