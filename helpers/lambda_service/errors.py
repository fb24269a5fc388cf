"""The errors the Lambda API answers with, in AWS's words (exception name, HTTP status, message).

The local AWS is moto's server, which renders any ``JsonRESTError`` as AWS's JSON error body, so the workbook's
errors are moto's error type; this is the one module that says so.
"""

from __future__ import annotations

from moto.awslambda.exceptions import (InvalidParameterValueException, LambdaClientError,
                                       UnknownFunctionException)
from moto.core.exceptions import JsonRESTError

__all__ = ["InvalidParameterValueException", "InvalidRequestContentException", "JsonRESTError", "LambdaClientError",
           "RequestTooLargeException", "ResourceConflictException", "ResourceNotFoundException", "ServiceException",
           "ValidationException", "function_not_found"]


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


def function_not_found(arn: str) -> JsonRESTError:
    """``Function not found: <arn>``, as GetFunction and Invoke answer for a missing function or version."""
    return UnknownFunctionException(arn)
