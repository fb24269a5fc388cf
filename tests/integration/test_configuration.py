"""Configuration through plain boto3: environment variables, versions and aliases, secrets read by a handler.

What AWS documents and answers: the variable map is replaced whole; invalid keys, reserved keys and more than 4 KB
are refused on create and on update with AWS's errors; a published version keeps the configuration it was published
with (an update through ``fn:1`` or ``fn:alias`` changes $LATEST); PublishVersion with nothing changed returns the
last version; each version and alias runs with its own variables, and says which version ran.
"""

from __future__ import annotations

import base64
import json
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import zip_files
from helpers.observe.logs import log_lines

SHOW_STAGE = {"show.py": "import os\n\nSTAGE = os.environ.get('STAGE')  # read at init\n\n"
                         "def handler(event, context):\n"
                         "    return {'stage': STAGE, 'debug': os.environ.get('DEBUG'),\n"
                         "            'version': os.environ['AWS_LAMBDA_FUNCTION_VERSION'],\n"
                         "            'context_version': context.function_version}\n"}


def payload_of(response: dict):
    return json.loads(response["Payload"].read())


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]


def variables_of(lambda_client, name: str, qualifier: str | None = None) -> dict | None:
    kwargs = {"Qualifier": qualifier} if qualifier else {}
    configuration = lambda_client.get_function_configuration(FunctionName=name, **kwargs)
    return configuration.get("Environment", {}).get("Variables")


# ------------------------------------------------------------------------------------------ environment variables


def test_update_replaces_the_whole_map(lambda_client, deploy):
    name = deploy("show.handler", files=SHOW_STAGE, Environment={"Variables": {"STAGE": "dev", "DEBUG": "1"}})
    assert payload_of(lambda_client.invoke(FunctionName=name))["debug"] == "1"
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "test"}})
    assert variables_of(lambda_client, name) == {"STAGE": "test"}
    answer = payload_of(lambda_client.invoke(FunctionName=name))
    assert answer["stage"] == "test" and answer["debug"] is None  # a new environment, initialised with the new map


def test_environment_without_variables_changes_nothing(lambda_client, deploy):
    """AWS keeps the variables when Environment has no Variables (moto 5.2.5 answered 500, which boto3 retried)."""
    name = deploy("show.handler", files=SHOW_STAGE, Environment={"Variables": {"STAGE": "dev"}})
    lambda_client.update_function_configuration(FunctionName=name, Environment={})
    assert variables_of(lambda_client, name) == {"STAGE": "dev"}
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {}})
    assert variables_of(lambda_client, name) is None  # an empty map: no Environment in the configuration


RESERVED = ("Lambda was unable to configure your environment variables because the environment variables you have "
            "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
            "in this request: AWS_REGION")
KEY_PATTERN = ("1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys "
               "must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
TOO_BIG = ("Lambda was unable to configure your environment variables because the environment variables you have "
           "provided exceeded the 4KB limit. String measured: ")


@pytest.mark.parametrize(("variables", "code", "message"), [
    ({"AWS_REGION": "eu-west-1"}, "InvalidParameterValueException", RESERVED),
    ({"MY-KEY": "x"}, "ValidationException", KEY_PATTERN),
    ({"1ST": "x"}, "ValidationException", KEY_PATTERN),
    ({"K": "x"}, "ValidationException", KEY_PATTERN),  # at least two characters
    ({"BIG": "x" * 4100}, "InvalidParameterValueException", TOO_BIG),
], ids=["reserved", "dash", "digit-first", "one-character", "over-4KB"])
def test_refused_on_create_and_on_update(lambda_client, deploy, role_arn, variables, code, message):
    zip_bytes = zip_files(SHOW_STAGE)
    name = f"fn-{uuid.uuid4().hex[:12]}"
    create = lambda: lambda_client.create_function(  # noqa: E731
        FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="show.handler", Code={"ZipFile": zip_bytes},
        Environment={"Variables": variables})
    for call in (create, lambda: lambda_client.update_function_configuration(
            FunctionName=deploy("show.handler", files=SHOW_STAGE), Environment={"Variables": variables})):
        error_code, error_message, status = error_of(call)
        assert (error_code, status) == (code, 400)
        assert error_message.startswith(message)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.get_function(FunctionName=name)  # the refused create made nothing


def test_exactly_4_kb_is_accepted(lambda_client, deploy):
    value = "x" * (4096 - len('{"BIG":""}'))
    name = deploy("show.handler", files=SHOW_STAGE, Environment={"Variables": {"BIG": value}})
    code, _, _ = error_of(lambda: lambda_client.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"BIG": value + "x"}}))
    assert code == "InvalidParameterValueException"
    assert variables_of(lambda_client, name) == {"BIG": value}  # the refused update changed nothing


def test_the_function_sees_its_variables_beside_lambdas(lambda_client, deploy):
    name = deploy("settings_report.handler", MemorySize=256,
                  Environment={"Variables": {"STAGE": "dev", "TABLE_NAME": "Orders", "TZ": "Europe/Paris"}})
    answer = payload_of(lambda_client.invoke(FunctionName=name))
    assert answer["set_by_you"] == {"STAGE": "dev", "TABLE_NAME": "Orders", "GREETING": "Hello"}
    lambda_sets = answer["set_by_lambda"]
    assert lambda_sets["AWS_LAMBDA_FUNCTION_NAME"] == name and lambda_sets["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert lambda_sets["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" and lambda_sets["_HANDLER"] == "settings_report.handler"


def test_a_missing_required_variable_is_an_init_error(lambda_client, deploy):
    name = deploy("settings_report.handler", Environment={"Variables": {"STAGE": "dev"}})
    for _ in range(2):  # the failed environment is not reused: every invoke runs the init again
        response = lambda_client.invoke(FunctionName=name)
        assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
        error = payload_of(response)
        assert (error["errorType"], error["errorMessage"], error["requestId"]) == ("KeyError", "'TABLE_NAME'", "")
        assert any("settings_report.py" in frame and "TABLE_NAME" in frame for frame in error["stackTrace"])
    assert sum(line.startswith("INIT_START") for line in log_lines(name)) == 2


# ------------------------------------------------------------------------------------------ versions and aliases


def test_each_alias_runs_its_versions_configuration(lambda_client, logs_client, deploy):
    name = deploy("show.handler", files=SHOW_STAGE, Environment={"Variables": {"STAGE": "dev", "DEBUG": "1"}})
    dev = lambda_client.publish_version(FunctionName=name, Description="dev settings")
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "prod"}})
    prod = lambda_client.publish_version(FunctionName=name)
    assert (dev["Version"], prod["Version"]) == ("1", "2")
    assert dev["Environment"]["Variables"] == {"STAGE": "dev", "DEBUG": "1"}
    lambda_client.create_alias(FunctionName=name, Name="dev", FunctionVersion="1")
    lambda_client.create_alias(FunctionName=name, Name="prod", FunctionVersion="2")
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "next"}})
    expected = {"dev": ("dev", "1", "1"), "prod": ("prod", None, "2"), "1": ("dev", "1", "1"),
                "$LATEST": ("next", None, "$LATEST")}
    for qualifier, (stage, debug, version) in expected.items():
        response = lambda_client.invoke(FunctionName=name, Qualifier=qualifier, LogType="Tail")
        answer = payload_of(response)
        assert (answer["stage"], answer["debug"], answer["version"]) == (stage, debug, version), qualifier
        assert answer["context_version"] == version and response["ExecutedVersion"] == version
        start = [line for line in base64.b64decode(response["LogResult"]).decode().splitlines()
                 if line.startswith("START")]
        assert start == [f"START RequestId: {response['ResponseMetadata']['RequestId']} Version: {version}"]
    assert variables_of(lambda_client, name, "prod") == {"STAGE": "prod"}
    streams = {stream["logStreamName"].split("]")[0].split("[")[1]
               for stream in logs_client.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]}
    assert streams == {"1", "2", "$LATEST"}  # one environment per version: an alias is not a version


@pytest.mark.parametrize("through", ["version", "alias", "arn"])
def test_a_published_version_is_frozen(lambda_client, deploy, cloud, through):
    name = deploy("show.handler", files=SHOW_STAGE, Environment={"Variables": {"STAGE": "prod"}})
    lambda_client.publish_version(FunctionName=name)
    lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    qualified = {"version": f"{name}:1", "alias": f"{name}:live",
                 "arn": f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}:1"}[through]
    answer = lambda_client.update_function_configuration(FunctionName=qualified,
                                                         Environment={"Variables": {"STAGE": "changed"}})
    assert answer["Version"] == "$LATEST" and answer["FunctionArn"].endswith(f":function:{name}")
    assert variables_of(lambda_client, name, "1") == {"STAGE": "prod"}
    assert variables_of(lambda_client, name) == {"STAGE": "changed"}
    assert payload_of(lambda_client.invoke(FunctionName=name, Qualifier="live"))["stage"] == "prod"


def test_a_published_versions_code_is_frozen(lambda_client, deploy):
    name = deploy("show.handler", files=SHOW_STAGE)
    lambda_client.publish_version(FunctionName=name)
    new_code = zip_files({"show.py": "def handler(event, context):\n    return 'new'\n"})
    lambda_client.update_function_code(FunctionName=f"{name}:1", ZipFile=new_code)
    assert payload_of(lambda_client.invoke(FunctionName=name)) == "new"
    assert payload_of(lambda_client.invoke(FunctionName=name, Qualifier="1"))["version"] == "1"


def test_publishing_without_a_change_returns_the_last_version(lambda_client, deploy):
    name = deploy("show.handler", files=SHOW_STAGE)
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "dev"}})
    assert lambda_client.publish_version(FunctionName=name)["Version"] == "1"
    assert lambda_client.publish_version(FunctionName=name)["Version"] == "1"
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "prod"}})
    assert lambda_client.publish_version(FunctionName=name)["Version"] == "2"
    assert lambda_client.publish_version(FunctionName=name)["Version"] == "2"
    versions = [v["Version"] for v in lambda_client.list_versions_by_function(FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "1", "2"]


def test_updating_latest_leaves_a_versions_environments_warm(lambda_client, deploy):
    import helpers

    name = deploy("show.handler", files=SHOW_STAGE, Environment={"Variables": {"STAGE": "prod"}})
    lambda_client.publish_version(FunctionName=name)
    assert helpers.invoke(name, qualifier="1").cold_start
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "dev"}})
    again = helpers.invoke(name, qualifier="1")
    assert not again.cold_start and again.payload["stage"] == "prod"
    assert helpers.invoke(name).cold_start  # $LATEST's old environments were retired


# ------------------------------------------------------------------------------------------ secrets in a handler


def test_a_secret_read_once_per_environment_with_a_ttl(lambda_client, deploy):
    import time

    secrets = boto3.client("secretsmanager")
    secret_id = f"test/db-{uuid.uuid4().hex[:6]}"
    secrets.create_secret(Name=secret_id, SecretString=json.dumps({"password": "first-AAAA"}))
    name = deploy("secret_cache.handler", MemorySize=512, Timeout=10,
                  Environment={"Variables": {"SECRET_ID": secret_id, "SECRET_TTL_SECONDS": "1"}})
    answers = [payload_of(lambda_client.invoke(FunctionName=name)) for _ in range(3)]
    assert [answer["get_secret_value_calls"] for answer in answers] == [1, 1, 1]
    secrets.put_secret_value(SecretId=secret_id, SecretString=json.dumps({"password": "second-BBBB"}))
    assert payload_of(lambda_client.invoke(FunctionName=name))["password_ends_with"] == "AAAA"  # still cached
    time.sleep(1.1)
    answer = payload_of(lambda_client.invoke(FunctionName=name))
    assert (answer["password_ends_with"], answer["get_secret_value_calls"]) == ("BBBB", 2)


def test_a_missing_secret_is_resource_not_found(lambda_client, deploy):
    name = deploy("secret_cache.handler", MemorySize=512, Timeout=10,
                  Environment={"Variables": {"SECRET_ID": f"test/missing-{uuid.uuid4().hex[:6]}"}})
    response = lambda_client.invoke(FunctionName=name)
    error = payload_of(response)
    assert response["FunctionError"] == "Unhandled" and error["requestId"] == ""  # read at init
    assert error["errorType"] == "ResourceNotFoundException"
    assert error["errorMessage"] == ("An error occurred (ResourceNotFoundException) when calling the GetSecretValue "
                                     "operation: Secrets Manager can't find the specified secret.")


def test_a_kms_encrypted_variable_decrypted_in_the_handler(lambda_client, deploy):
    kms = boto3.client("kms")
    key_id = kms.create_key(Description="test")["KeyMetadata"]["KeyId"]
    name = f"fn-{uuid.uuid4().hex[:12]}"
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"demo_key_0123456789",
                       EncryptionContext={"LambdaFunctionName": name})["CiphertextBlob"]
    deploy("encrypted_variable.handler", name=name, MemorySize=512, Timeout=10,
           Environment={"Variables": {"API_KEY_ENCRYPTED": base64.b64encode(blob).decode()}})
    assert payload_of(lambda_client.invoke(FunctionName=name)) == {"api_key_ends_with": "6789", "length": 19}
    assert b"demo_key" not in json.dumps(variables_of(lambda_client, name)).encode()
