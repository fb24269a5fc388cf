"""Request validation AWS does and moto does not (helpers/lambda_service/validation.py), with AWS's exact errors.

Facts: /work/notes/aws-error-messages.md §1-4 and §7.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest

from helpers.lambda_service import validation
from helpers.lambda_service.validation import (check_configuration, check_environment, check_handler, check_memory,
                                               check_runtime, check_timeout, check_zip, zip_bytes)

NOT_A_ZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."
ENV_PREFIX = ("Lambda was unable to configure your environment variables because the environment variables you have "
              "provided ")


def refused(check, value):
    """The exception the check raises for value."""
    with pytest.raises(Exception) as excinfo:
        check(value)
    return excinfo.value


def a_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --------------------------------------------------------------------------- MemorySize and Timeout


@pytest.mark.parametrize("memory_mb", [128, 10240, None])
def test_memory_in_range_passes(memory_mb):
    check_memory(memory_mb)


def test_memory_below_128_is_refused():
    error = refused(check_memory, 127)
    assert error.error_type == "ValidationException"
    assert error.message == ("1 validation error detected: Value '127' at 'memorySize' failed to satisfy constraint: "
                             "Member must have value greater than or equal to 128")


def test_memory_above_10240_is_refused():
    error = refused(check_memory, 10241)
    assert error.error_type == "ValidationException"
    assert error.message == ("1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: "
                             "Member must have value less than or equal to 10240")


@pytest.mark.parametrize("timeout_s", [1, 900, None])
def test_timeout_in_range_passes(timeout_s):
    check_timeout(timeout_s)


def test_timeout_below_1_is_refused():
    error = refused(check_timeout, 0)
    assert error.error_type == "ValidationException"
    assert error.message == ("1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
                             "Member must have value greater than or equal to 1")


def test_timeout_above_900_is_refused():
    error = refused(check_timeout, 901)
    assert error.error_type == "ValidationException"
    assert error.message == ("1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
                             "Member must have value less than or equal to 900")


# --------------------------------------------------------------------------- Handler


@pytest.mark.parametrize("handler", ["app.handler", "pkg/mod.fn", "x", "a" * 128])
def test_handler_without_whitespace_up_to_128_chars_passes(handler):
    check_handler(handler)


def test_handler_with_whitespace_is_refused():
    error = refused(check_handler, "app .handler")
    assert error.error_type == "ValidationException"
    assert error.message == ("1 validation error detected: Value 'app .handler' at 'handler' failed to satisfy "
                             "constraint: Member must satisfy regular expression pattern: [^\\s]+")


def test_handler_longer_than_128_chars_is_refused():
    handler = "m" * 121 + ".handler"
    assert len(handler) == 129
    error = refused(check_handler, handler)
    assert error.error_type == "ValidationException"
    assert error.message == (f"1 validation error detected: Value '{handler}' at 'handler' failed to satisfy "
                             "constraint: Member must have length less than or equal to 128")


# --------------------------------------------------------------------------- Environment variables


@pytest.mark.parametrize("key", ["1A", "A-B", "A", "_X", "A B"])
def test_environment_key_pattern(key):
    error = refused(check_environment, {key: "v"})
    assert error.error_type == "ValidationException"
    assert error.message == ("1 validation error detected: Value at 'environment.variables' failed to satisfy "
                             "constraint: Map keys must satisfy constraint: [Member must satisfy regular expression "
                             "pattern: [a-zA-Z]([a-zA-Z0-9_])+]")


@pytest.mark.parametrize("variables", [{"A1_b": "v"}, {"ab": ""}, {}, None])
def test_valid_environment_passes(variables):
    check_environment(variables)


def test_reserved_key_is_refused_and_named():
    error = refused(check_environment, {"MY_VAR": "1", "AWS_REGION": "eu-west-1"})
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == (ENV_PREFIX + "contains reserved keys that are currently not supported for modification. "
                             "Reserved keys used in this request: AWS_REGION")


def test_every_reserved_key_used_is_listed():
    error = refused(check_environment, {"AWS_LAMBDA_FUNCTION_NAME": "x", "LAMBDA_TASK_ROOT": "/tmp", "OK": "1"})
    used = error.message.split("Reserved keys used in this request: ")[1]
    assert sorted(used.split(", ")) == ["AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT"]


def test_underscore_reserved_key_fails_the_key_pattern_first():
    assert refused(check_environment, {"_HANDLER": "x"}).error_type == "ValidationException"


@pytest.mark.parametrize("key", ["TZ", "LANG", "PATH", "LD_LIBRARY_PATH", "PYTHONPATH"])
def test_unreserved_keys_lambda_sets_can_be_overridden(key):
    check_environment({key: "x"})


def test_key_pattern_is_checked_before_reserved_keys():
    assert refused(check_environment, {"AWS_REGION": "x", "1A": "y"}).error_type == "ValidationException"


def variables_of_size(size: int) -> dict[str, str]:
    """One variable whose compact JSON ({"KEY":"vvv..."}) is exactly size bytes."""
    variables = {"KEY": "v" * (size - len('{"KEY":""}'))}
    assert len(json.dumps(variables, separators=(",", ":")).encode()) == size
    return variables


def test_environment_of_exactly_4096_bytes_passes():
    check_environment(variables_of_size(4096))


def test_environment_of_4097_bytes_is_refused_with_the_string_measured():
    variables = variables_of_size(4097)
    error = refused(check_environment, variables)
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == (ENV_PREFIX + "exceeded the 4KB limit. String measured: "
                             + json.dumps(variables, separators=(",", ":")))


def test_environment_size_counts_utf8_bytes():
    variables = {"KEY": "é" * 2044}  # 10 + 2 * 2044 = 4098 bytes, but only 2054 characters
    assert "String measured: " in refused(check_environment, variables).message


# --------------------------------------------------------------------------- Runtime


@pytest.mark.parametrize("runtime", ["python3.12", "python3.13", None])
def test_valid_runtime_passes(runtime):
    check_runtime(runtime)


def test_unknown_runtime_is_refused_with_the_enum_list():
    error = refused(check_runtime, "python9.9")
    assert error.error_type == "InvalidParameterValueException"
    assert error.message.startswith("Value python9.9 at 'runtime' failed to satisfy constraint: Member must satisfy "
                                    "enum value set: [")
    assert error.message.endswith("] or be a valid ARN")
    listed = error.message.split("[", 1)[1].rsplit("]", 1)[0].split(", ")
    assert "python3.12" in listed and "python3.8" not in listed


def test_deprecated_runtime_is_refused_with_its_successor():
    error = refused(check_runtime, "python3.8")
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == ("The runtime parameter of python3.8 is no longer supported for creating or updating AWS "
                             "Lambda functions. We recommend you use the new runtime (python3.13) while creating or "
                             "updating functions.")


@pytest.mark.parametrize("runtime", ["nodejs10.x", "dotnetcore2.1", "ruby2.5"])
def test_long_deprecated_runtimes_from_the_botocore_enum_are_refused(runtime):
    # Which of AWS's two runtime messages it gets today is not recorded; that it is refused is.
    assert refused(check_runtime, runtime).error_type == "InvalidParameterValueException"


# --------------------------------------------------------------------------- Deployment package


def test_bytes_that_are_not_a_zip_are_refused():
    error = refused(check_zip, b"this is not a zip")
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == NOT_A_ZIP


def test_empty_zip_is_refused():
    error = refused(check_zip, a_zip({}))
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == "Uploaded file must be a non-empty zip"


def test_valid_zip_passes():
    check_zip(a_zip({"app.py": b"def handler(event, context):\n    return 1\n"}))


def test_no_zip_passes():
    check_zip(None)


def test_zip_bigger_than_the_unzipped_limit_is_refused(monkeypatch):
    monkeypatch.setattr(validation, "UNZIPPED_MAX_BYTES", 10)
    error = refused(check_zip, a_zip({"a.txt": b"x" * 11}))
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == "Unzipped size must be smaller than 10 bytes"


def test_zip_file_given_as_base64_text_is_decoded():
    data = a_zip({"app.py": b"x = 1\n"})
    assert zip_bytes({"ZipFile": base64.b64encode(data).decode()}) == data


def test_zip_file_given_as_bytes_is_returned_as_is():
    data = a_zip({"app.py": b"x = 1\n"})
    assert zip_bytes({"ZipFile": data}) is data


@pytest.mark.parametrize("code", [None, {}, {"S3Bucket": "b", "S3Key": "k"}])
def test_code_without_inline_zip_has_no_zip_bytes(code):
    assert zip_bytes(code) is None


def test_zip_file_text_that_is_not_base64_is_refused():
    error = refused(zip_bytes, {"ZipFile": "abc"})
    assert error.error_type == "InvalidParameterValueException"
    assert error.message == NOT_A_ZIP


# --------------------------------------------------------------------------- whole requests


def test_configuration_checks_each_field():
    assert "memorySize" in refused(check_configuration, {"MemorySize": 64}).message
    assert "reserved keys" in refused(check_configuration, {"Environment": {"Variables": {"AWS_REGION": "x"}}}).message
    check_configuration({"MemorySize": 128, "Timeout": 3, "Handler": "app.handler", "Runtime": "python3.12",
                         "Environment": {"Variables": {"STAGE": "dev"}}})
