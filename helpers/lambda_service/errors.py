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


class ValidationException(LambdaClientError):
    """AWS's request-validation error (HTTP 400)."""

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class ResourceNotFoundException(LambdaClientError):
    code = 404

    def __init__(self, message: str = "The resource you requested does not exist.") -> None:
        super().__init__("ResourceNotFoundException", message)


class ResourceConflictException(LambdaClientError):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ResourceConflictException", message)


class RequestTooLargeException(LambdaClientError):
    code = 413

    def __init__(self, message: str) -> None:
        super().__init__("RequestEntityTooLargeException", message)


class InvalidRequestContentException(LambdaClientError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidRequestContentException", message)


class ServiceException(LambdaClientError):
    code = 500

    def __init__(self, message: str) -> None:
        super().__init__("ServiceException", message)


def function_not_found(arn: str) -> JsonRESTError:
    """``Function not found: <arn>``, as GetFunction and Invoke answer for a missing function or version."""
    return UnknownFunctionException(arn)
