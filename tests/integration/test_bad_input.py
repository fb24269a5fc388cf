"""Bad input gets the error AWS gives (never a 500, an HTML page, or a function that is created and cannot run)."""

from __future__ import annotations

import io
import stat
import uuid
import zipfile

import botocore.exceptions
import pytest

from helpers import package_handler


def _error(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


@pytest.mark.parametrize(("name", "code", "message"), [
    ("caf\u00e9-orders", "ValidationException", "failed to satisfy constraint: Member must satisfy regular expression"),
    ("orders with spaces", "ValidationException", "Member must satisfy regular expression pattern"),
    ("a" * 65, "InvalidParameterValueException", "Member must have length less than or equal to 64"),
    ("a" * 10_000, "ValidationException", "Member must have length less than or equal to 140"),
])
def test_a_function_name_outside_awss_rules_is_refused(lambda_client, role_arn, name, code, message):
    got_code, got_message = _error(lambda_client.create_function, FunctionName=name, Runtime="python3.12",
                                   Role=role_arn, Handler="hello.handler", Code={"ZipFile": package_handler("hello")})
    assert got_code == code and message in got_message and "'functionName'" in got_message
    assert name not in [function["FunctionName"] for function in lambda_client.list_functions()["Functions"]]


def test_a_64_character_name_is_fine(deploy, lambda_client):
    name = deploy("hello.handler", source="hello", name="n" * 64)
    assert lambda_client.invoke(FunctionName=name)["StatusCode"] == 200


def test_a_layer_that_is_not_a_zip_is_refused(lambda_client):
    code, message = _error(lambda_client.publish_layer_version, LayerName="not-a-zip",
                           Content={"ZipFile": b"this is not a zip"})
    assert code == "InvalidParameterValueException" and "Could not unzip uploaded file" in message


def test_a_payload_that_is_not_utf8_is_invalid_request_content(lambda_client, deploy):
    name = deploy("hello.handler", source="hello")
    code, message = _error(lambda_client.invoke, FunctionName=name, Payload=b'{"name": "\xff\xfe"}')
    assert code == "InvalidRequestContentException" and "Could not parse request body into json" in message


def test_a_payload_with_a_utf8_byte_order_mark_is_accepted(lambda_client, deploy):
    name = deploy("hello.handler", source="hello")
    response = lambda_client.invoke(FunctionName=name, Payload='\ufeff{"name": "BOM"}'.encode("utf-8"))
    assert response["StatusCode"] == 200 and "FunctionError" not in response


def test_a_zip_with_symbolic_links_runs_as_on_aws(lambda_client, role_arn):
    """Links inside the package stay links (zip --symlinks); a link out of it is left out; nothing fails."""
    buffer = io.BytesIO()
    link = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "import os\ndef handler(event, context):\n"
                                   "    return [os.path.islink('lib'), open('lib/data.txt').read(),"
                                   " os.path.exists('passwd')]\n")
        archive.writestr("real/data.txt", "through the link")
        for name, target in (("lib", "real"), ("passwd", "/etc/passwd")):
            info = zipfile.ZipInfo(name)
            info.external_attr = link
            archive.writestr(info, target)
        archive.writestr("lib/more.txt", "a file under a linked folder")
    name = f"links-{uuid.uuid4().hex[:8]}"
    lambda_client.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="app.handler",
                                  Code={"ZipFile": buffer.getvalue()})
    try:
        response = lambda_client.invoke(FunctionName=name)
        assert "FunctionError" not in response
        assert response["Payload"].read() == b'[true, "through the link", false]'
    finally:
        lambda_client.delete_function(FunctionName=name)

