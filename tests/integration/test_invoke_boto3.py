"""The Invoke API through plain boto3 against the local AWS: status codes, headers, payloads, errors."""

from __future__ import annotations

import base64
import json
import time

import pytest
from botocore.exceptions import ClientError


def payload_of(response: dict):
    return json.loads(response["Payload"].read())


def test_request_response_runs_the_handler(lambda_client, deploy):
    name = deploy("hello.handler")
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"name": "Ada"}))
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert payload_of(response) == {"message": "Hello, Ada!"}


def test_the_response_request_id_is_the_invocations(lambda_client, deploy):
    name = deploy("hello.handler")
    response = lambda_client.invoke(FunctionName=name, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    assert f"START RequestId: {request_id} Version: $LATEST" in base64.b64decode(response["LogResult"]).decode()


def test_no_payload_is_an_empty_object(lambda_client, deploy):
    name = deploy("hello.handler")
    assert payload_of(lambda_client.invoke(FunctionName=name)) == {"message": "Hello, world!"}


def test_log_tail_is_the_base64_log_of_this_invocation(lambda_client, deploy):
    name = deploy("hello.handler")
    response = lambda_client.invoke(FunctionName=name, LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0].startswith("INIT_START Runtime Version: python:")
    assert lines[1].startswith("START RequestId: ") and lines[1].endswith(" Version: $LATEST")
    assert lines[-2].startswith("END RequestId: ")
    assert lines[-1].startswith("REPORT RequestId: ") and "\tInit Duration: " in lines[-1]
    assert "LogResult" not in lambda_client.invoke(FunctionName=name)  # only when asked for


def test_log_tail_keeps_only_the_last_4_kb(lambda_client, deploy):
    source = "def handler(event, context):\n    for i in range(400):\n        print('line', i, 'x' * 40)\n"
    name = deploy("chatty.handler", files={"chatty.py": source})
    log = base64.b64decode(lambda_client.invoke(FunctionName=name, LogType="Tail")["LogResult"])
    assert len(log) == 4096
    assert log.decode().rstrip().splitlines()[-1].startswith("REPORT RequestId: ")


def test_event_returns_202_at_once_and_runs_in_the_background(lambda_client, logs_client, deploy, cloud):
    name = deploy("faults.sleep_past_timeout", Timeout=10)
    started = time.monotonic()
    response = lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"seconds": 3}))
    assert time.monotonic() - started < 2.5  # the handler sleeps 3 s; the 202 does not wait for it
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    assert cloud.wait_for_background(15)
    streams = logs_client.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    events = logs_client.get_log_events(logGroupName=f"/aws/lambda/{name}",
                                        logStreamName=streams[0]["logStreamName"])["events"]
    assert any(event["message"].startswith("REPORT RequestId: ") for event in events)


def test_dry_run_returns_204_and_runs_nothing(lambda_client, deploy, cloud):
    name = deploy("counter.handler")
    assert lambda_client.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204
    assert not [env for env in cloud.engine.environments() if env.function_name == name]
    assert payload_of(lambda_client.invoke(FunctionName=name))["invocations"] == 1


def test_unknown_function_is_resource_not_found(lambda_client, cloud):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as caught:
        lambda_client.invoke(FunctionName="no-such-function")
    assert caught.value.response["Error"]["Message"] == (
        f"Function not found: arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:no-such-function")


def test_versions_and_aliases_by_name_and_by_qualifier(lambda_client, deploy):
    name = deploy("hello.handler")
    version = lambda_client.publish_version(FunctionName=name)["Version"]
    lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "dev"}})
    for kwargs in ({"FunctionName": f"{name}:live"}, {"FunctionName": name, "Qualifier": "live"},
                   {"FunctionName": name, "Qualifier": version}):
        assert lambda_client.invoke(**kwargs)["ExecutedVersion"] == version
    assert lambda_client.invoke(FunctionName=name)["ExecutedVersion"] == "$LATEST"
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.invoke(FunctionName=name, Qualifier="999")
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as caught:
        lambda_client.invoke(FunctionName=f"{name}:live", Qualifier=version)
    assert "derived qualifier" in str(caught.value)


def test_invoked_arn_is_exactly_as_invoked(lambda_client, deploy, cloud):
    name = deploy("context_inspector.handler")
    lambda_client.publish_version(FunctionName=name)
    lambda_client.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
    base = f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    assert payload_of(lambda_client.invoke(FunctionName=name))["invoked_function_arn"] == base
    assert payload_of(lambda_client.invoke(FunctionName=name, Qualifier="prod"))["invoked_function_arn"] == base + ":prod"
    context = payload_of(lambda_client.invoke(FunctionName=f"{name}:1"))
    assert context["invoked_function_arn"] == base + ":1" and context["function_version"] == "1"


def test_payload_limits(lambda_client, deploy):
    name = deploy("hello.handler")
    big_sync = json.dumps({"x": "a" * (6 * 1024 * 1024)}).encode()
    with pytest.raises(ClientError) as caught:
        lambda_client.invoke(FunctionName=name, Payload=big_sync)
    assert caught.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    big_async = json.dumps({"x": "a" * (1024 * 1024)}).encode()
    with pytest.raises(ClientError) as caught:
        lambda_client.invoke(FunctionName=name, Payload=big_async, InvocationType="Event")
    assert "too large for the Event invocation type (limit 1048576 bytes)" in str(caught.value)
    assert lambda_client.invoke(FunctionName=name, Payload=big_async)["StatusCode"] == 200  # fine synchronously


def test_payload_that_is_not_json(lambda_client, deploy):
    name = deploy("hello.handler")
    with pytest.raises(ClientError) as caught:
        lambda_client.invoke(FunctionName=name, Payload=b"{not json")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidRequestContentException"
    assert error["Message"].startswith("Could not parse request body into json: Could not parse payload into json: ")


def test_client_context_reaches_the_handler(lambda_client, deploy):
    name = deploy("context_inspector.handler")
    client_context = base64.b64encode(json.dumps(
        {"custom": {"tenant": "t1"}, "env": {"locale": "en"}, "client": {"app_title": "demo"}}).encode()).decode()
    context = payload_of(lambda_client.invoke(FunctionName=name, ClientContext=client_context))
    assert context["client_context"] == {"custom": {"tenant": "t1"}, "env": {"locale": "en"}, "client_app_title": "demo"}


def test_invalid_zip_is_refused(lambda_client, role_arn):
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as caught:
        lambda_client.create_function(FunctionName="bad-zip", Runtime="python3.12", Role=role_arn,
                                      Handler="x.handler", Code={"ZipFile": b"this is not a zip"})
    assert "Could not unzip uploaded file" in str(caught.value)


@pytest.mark.parametrize(("config", "code", "message"), [
    ({"MemorySize": 10241}, "ValidationException", "Member must have value less than or equal to 10240"),
    ({"Timeout": 901}, "ValidationException", "Member must have value less than or equal to 900"),
    ({"Environment": {"Variables": {"AWS_REGION": "eu-west-1"}}}, "InvalidParameterValueException",
     "Reserved keys used in this request: AWS_REGION"),
    ({"Environment": {"Variables": {"BIG": "x" * 4100}}}, "InvalidParameterValueException", "exceeded the 4KB limit"),
    ({"Environment": {"Variables": {"1BAD": "x"}}}, "ValidationException", "Map keys must satisfy constraint"),
    ({"Handler": "has space.handler"}, "ValidationException", "at 'handler' failed to satisfy constraint"),
    ({"Runtime": "python9.9"}, "InvalidParameterValueException", "Value python9.9 at 'runtime'"),
])
def test_configuration_is_validated_as_aws_does(lambda_client, deploy, role_arn, config, code, message):
    name = deploy("hello.handler")
    with pytest.raises(ClientError) as caught:
        lambda_client.update_function_configuration(FunctionName=name, **config)
    assert caught.value.response["Error"]["Code"] == code
    assert message in caught.value.response["Error"]["Message"]
    create = {"Runtime": "python3.12", "Handler": "hello.handler", **config}
    with pytest.raises(ClientError) as caught:
        lambda_client.create_function(FunctionName=name + "-new", Role=role_arn,
                                      Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18}, **create)
    assert caught.value.response["Error"]["Code"] == code


def test_client_context_with_any_unicode(lambda_client, deploy):
    name = deploy("context_inspector.handler")
    client_context = base64.b64encode(json.dumps({"custom": {"who": "Zoë ✓"}}, ensure_ascii=False).encode()).decode()
    context = payload_of(lambda_client.invoke(FunctionName=name, ClientContext=client_context))
    assert context["client_context"]["custom"] == {"who": "Zoë ✓"}


@pytest.mark.parametrize(("size", "too_large"), [(6_291_556 - 2, False), (6_291_556 + 1, True)])
def test_response_size_limit(lambda_client, deploy, size, too_large):
    source = f"def handler(event, context):\n    return 'x' * {size - 2}\n"  # a JSON string: two quotes more
    name = deploy("big.handler", files={"big.py": source}, MemorySize=512)
    response = lambda_client.invoke(FunctionName=name)
    body = response["Payload"].read()
    if too_large:
        assert response["FunctionError"] == "Unhandled"
        assert json.loads(body) == {"errorMessage": "Response payload size exceeded maximum allowed payload size "
                                                    "(6291556 bytes).", "errorType": "Function.ResponseSizeTooLarge"}
    else:
        assert "FunctionError" not in response and len(body) == size
