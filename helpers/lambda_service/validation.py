"""Validation that AWS Lambda does and moto does not, answered with AWS's own errors.

moto accepts a 99,999 MB function, a 9,999 s timeout, reserved environment variables and a zip that is not a zip.
AWS refuses each one; so does the workbook, with the same exception names and messages
(``../shared/reference/lambda-facts.md`` §1 and §7, as of 2026-11).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from typing import Any

from helpers.aws_facts import (ENVIRONMENT_MAX_BYTES, FUNCTION_ARN_MAX_LENGTH, FUNCTION_NAME_MAX_LENGTH,
                               HANDLER_MAX_LENGTH, LAYERS_MAX, MEMORY_MAX_MB, MEMORY_MIN_MB, TIMEOUT_MAX_S, TIMEOUT_MIN_S,
                               UNZIPPED_MAX_BYTES)

from .errors import InvalidParameterValueException, ValidationException
#: A layer *version* ARN, as botocore's model for Layers (the ARN must end in :<version>).
LAYER_VERSION_ARN = re.compile(r"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:"
                               r"\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)")

#: Keys Lambda sets itself and refuses to let a function configure (AWS docs, "Defined runtime environment variables").
RESERVED_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})
ENVIRONMENT_KEY_PATTERN = "[a-zA-Z]([a-zA-Z0-9_])+"
#: Runtimes AWS no longer accepts for new or updated functions, with the successor its message suggests.
#: botocore's enum still lists them. From AWS's runtime deprecation schedule; the 2026 block dates of python3.9,
#: nodejs18.x and ruby3.2 were not re-verified here.
DEPRECATED_RUNTIMES = {
    **dict.fromkeys(("python2.7", "python3.6", "python3.7", "python3.8", "python3.9"), "python3.13"),
    **dict.fromkeys(("nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
                     "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x"), "nodejs22.x"),
    **dict.fromkeys(("java8",), "java21"),
    **dict.fromkeys(("dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6"), "dotnet8"),
    **dict.fromkeys(("ruby2.5", "ruby2.7", "ruby3.2"), "ruby3.4"),
    **dict.fromkeys(("go1.x", "provided"), "provided.al2023"),
}


def _constraint(value: Any, member: str, rule: str) -> ValidationException:
    return ValidationException(f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
                               f"constraint: Member must {rule}")


def _check_range(value: Any, member: str, low: int, high: int) -> None:
    if value is None:
        return
    if value > high:
        raise _constraint(value, member, f"have value less than or equal to {high}")
    if value < low:
        raise _constraint(value, member, f"have value greater than or equal to {low}")


#: CreateFunction's FunctionName, as the Lambda API model (botocore) states it: a name, or an ARN.
FUNCTION_NAME_PATTERN = (r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
                         r"(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?")


def check_function_name(name: Any) -> None:
    """Letters, digits, hyphens and underscores; at most 64 characters for a name (140 for an ARN).

    Messages as AWS gives them: the 64-character rule is InvalidParameterValueException (seen in users' reports),
    the pattern and the 140 limit the API model's ValidationException."""
    if name is None:
        return
    if len(name) > FUNCTION_ARN_MAX_LENGTH:
        raise _constraint(name, "functionName", f"have length less than or equal to {FUNCTION_ARN_MAX_LENGTH}")
    if not re.fullmatch(FUNCTION_NAME_PATTERN, name):
        raise _constraint(name, "functionName", f"satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}")
    if not name.startswith("arn:") and len(name) > FUNCTION_NAME_MAX_LENGTH:
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: Member must "
            f"have length less than or equal to {FUNCTION_NAME_MAX_LENGTH}")


def check_memory(memory_mb: Any) -> None:
    _check_range(memory_mb, "memorySize", MEMORY_MIN_MB, MEMORY_MAX_MB)


def check_timeout(timeout_s: Any) -> None:
    _check_range(timeout_s, "timeout", TIMEOUT_MIN_S, TIMEOUT_MAX_S)


def check_handler(handler: Any) -> None:
    """The API's own rule for the handler string: no whitespace, at most 128 characters.

    Whether it names a real module and function is only known at init (``Runtime.MalformedHandlerName`` etc.).
    """
    if handler is None:
        return
    if len(handler) > HANDLER_MAX_LENGTH:
        raise _constraint(handler, "handler", f"have length less than or equal to {HANDLER_MAX_LENGTH}")
    if not re.fullmatch(r"[^\s]+", handler):
        raise _constraint(handler, "handler", "satisfy regular expression pattern: [^\\s]+")


def check_environment(variables: Mapping[str, Any] | None) -> None:
    """Key pattern, reserved keys, and the 4 KB limit, in the order AWS checks them."""
    if not variables:
        return
    if any(not re.fullmatch(ENVIRONMENT_KEY_PATTERN, key) for key in variables):
        raise ValidationException(
            "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys "
            f"must satisfy constraint: [Member must satisfy regular expression pattern: {ENVIRONMENT_KEY_PATTERN}]")
    reserved = [key for key in variables if key in RESERVED_KEYS]
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables you have "
            "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
            f"in this request: {', '.join(reserved)}")
    measured = json.dumps(dict(variables), separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode("utf-8")) > ENVIRONMENT_MAX_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables you have "
            f"provided exceeded the 4KB limit. String measured: {measured}")


def check_runtime(runtime: Any) -> None:
    if runtime is None:
        return
    if runtime in DEPRECATED_RUNTIMES:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda "
            f"functions. We recommend you use the new runtime ({DEPRECATED_RUNTIMES[runtime]}) while creating or "
            "updating functions.")
    allowed = supported_runtimes()
    if runtime not in allowed:
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(sorted(allowed))}] or be a valid ARN")


_RUNTIMES: frozenset[str] | None = None


def supported_runtimes() -> frozenset[str]:
    """The runtimes of the Lambda API model botocore ships, less the deprecated ones."""
    global _RUNTIMES
    if _RUNTIMES is None:
        import botocore.session

        model = botocore.session.get_session().get_service_model("lambda")
        _RUNTIMES = frozenset(model.shape_for("Runtime").enum) - set(DEPRECATED_RUNTIMES)
    return _RUNTIMES


def zip_bytes(code: Mapping[str, Any] | None) -> bytes | None:
    """The raw zip of a ``Code``/``UpdateFunctionCode`` spec with an inline ``ZipFile`` (None otherwise)."""
    if not code or "ZipFile" not in code:
        return None
    value = code["ZipFile"]
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again.") from None


def check_zip(data: bytes | None) -> None:
    """A deployment package must be a readable, non-empty zip within the unzipped size limit."""
    if data is None:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if archive.testzip() is not None:
                raise zipfile.BadZipFile("corrupt member")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again.") from None
    if not entries:
        raise InvalidParameterValueException("Uploaded file must be a non-empty zip")
    if sum(entry.file_size for entry in entries) > UNZIPPED_MAX_BYTES:
        raise InvalidParameterValueException(f"Unzipped size must be smaller than {UNZIPPED_MAX_BYTES} bytes")


def unzipped_size(data: bytes | None) -> int:
    """The total size of a zip's files once extracted (0 for no zip)."""
    if not data:
        return 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(entry.file_size for entry in archive.infolist())


def check_layers(layer_arns: Any, layer_zip: Callable[[str], bytes | None], function_unzipped_bytes: int) -> None:
    """At most five layers, each an existing version (``layer_zip`` gives a version's zip, None if there is no
    such version), and with the function's code within 250 MB unzipped.

    The two "does not exist" and "combined ... exceeds" messages are AWS's as reported by its users; the message
    for a sixth layer is from memory (not re-verified)."""
    if layer_arns is None:
        return
    if len(layer_arns) > LAYERS_MAX:
        raise InvalidParameterValueException(f"Cannot reference more than {LAYERS_MAX} layers.")
    if any(not LAYER_VERSION_ARN.fullmatch(str(arn)) for arn in layer_arns):
        raise _constraint(f"[{', '.join(map(str, layer_arns))}]", "layers",
                          f"satisfy constraint: [Member must have length less than or equal to 2048, Member must have "
                          f"length greater than or equal to 1, Member must satisfy regular expression pattern: "
                          f"{LAYER_VERSION_ARN.pattern}, Member must not be null]")
    total = function_unzipped_bytes
    for arn in layer_arns:
        code = layer_zip(arn)
        if code is None:
            raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
        total += unzipped_size(code)
    if total > UNZIPPED_MAX_BYTES:
        raise InvalidParameterValueException(
            f"Function code combined with layers exceeds the maximum allowed size of {UNZIPPED_MAX_BYTES} bytes. "
            f"The actual size is {total} bytes.")


def check_configuration(spec: Mapping[str, Any]) -> None:
    """Validate a CreateFunction or UpdateFunctionConfiguration request body (keys as in the API)."""
    check_memory(spec.get("MemorySize"))
    check_timeout(spec.get("Timeout"))
    check_handler(spec.get("Handler"))
    check_runtime(spec.get("Runtime"))
    environment = spec.get("Environment")
    if isinstance(environment, Mapping):
        check_environment(environment.get("Variables"))
