"""helpers/deploy/roles.py and functions.py against the local AWS: an execution role, created once; a function,
created or updated, with boto3's waiters after each change; running either again changes nothing."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.client import BaseClient

from helpers import deploy_function, execution_role, zip_files
from helpers.deploy.roles import DEFAULT_ROLE, LAMBDA_TRUST_POLICY


def handler_zip(answer: str) -> bytes:
    return zip_files({"app.py": f"def handler(event, context):\n    return {answer!r}\n"})


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The Lambda API calls made from now on, and the waiters asked for (``waiter:<name>``), in order."""
    made: list[str] = []
    make_api_call, get_waiter = BaseClient._make_api_call, BaseClient.get_waiter

    def recording_call(self, operation_name, api_params):
        if self.meta.service_model.service_name == "lambda":
            made.append(operation_name)
        return make_api_call(self, operation_name, api_params)

    def recording_waiter(self, waiter_name):
        made.append(f"waiter:{waiter_name}")
        return get_waiter(self, waiter_name)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording_call)
    monkeypatch.setattr(BaseClient, "get_waiter", recording_waiter)
    return made


def test_execution_role_is_created_with_lambdas_trust_policy_and_found_again(cloud):
    iam = boto3.client("iam")
    name = f"role-{uuid.uuid4().hex[:8]}"
    arn = execution_role(name)
    assert arn == f"arn:aws:iam::{cloud.account_id}:role/{name}"
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    assert (json.loads(trust) if isinstance(trust, str) else trust) == LAMBDA_TRUST_POLICY
    assert execution_role(name) == arn  # running it again finds the role
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == []


def test_execution_role_puts_its_inline_policy_once(cloud):
    iam = boto3.client("iam")
    name = f"role-{uuid.uuid4().hex[:8]}"
    reads = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    arn = execution_role(name, reads, policy_name="reads")
    assert execution_role(name, reads, policy_name="reads") == arn
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["reads"]
    writes = {**reads, "Statement": [{**reads["Statement"][0], "Action": "s3:PutObject"}]}
    execution_role(name, writes, policy_name="reads")  # the same name again: the policy is replaced
    document = iam.get_role_policy(RoleName=name, PolicyName="reads")["PolicyDocument"]
    assert (json.loads(document) if isinstance(document, str) else document) == writes


def test_deploy_function_creates_with_the_defaults_and_waits_until_active(cloud, lambda_client, role_arn, calls):
    name = f"fn-{uuid.uuid4().hex[:12]}"
    arn = deploy_function(name, "app.handler", handler_zip("one"), role_arn=role_arn)
    assert arn == f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"
    assert calls == ["CreateFunction", "waiter:function_active_v2", "GetFunction"]
    configuration = lambda_client.get_function_configuration(FunctionName=name)
    assert {key: configuration[key] for key in ("Runtime", "MemorySize", "Timeout", "Handler", "Role", "State")} == {
        "Runtime": "python3.12", "MemorySize": 128, "Timeout": 3, "Handler": "app.handler", "Role": role_arn,
        "State": "Active"}
    assert json.loads(lambda_client.invoke(FunctionName=name)["Payload"].read()) == "one"
    lambda_client.delete_function(FunctionName=name)


def test_deploy_function_updates_code_then_configuration_one_update_at_a_time(lambda_client, role_arn, calls):
    name = f"fn-{uuid.uuid4().hex[:12]}"
    arn = deploy_function(name, "app.handler", handler_zip("one"), role_arn=role_arn, Timeout=1)
    calls.clear()
    assert deploy_function(name, "app.handler", handler_zip("two"), role_arn=role_arn, Timeout=10,
                           Environment={"Variables": {"STAGE": "dev"}}) == arn
    assert calls == ["CreateFunction", "UpdateFunctionCode", "waiter:function_updated_v2", "GetFunction",
                     "UpdateFunctionConfiguration", "waiter:function_updated_v2", "GetFunction"]
    configuration = lambda_client.get_function_configuration(FunctionName=name)
    assert configuration["Timeout"] == 10 and configuration["Environment"]["Variables"] == {"STAGE": "dev"}
    assert configuration["LastUpdateStatus"] == "Successful"
    assert json.loads(lambda_client.invoke(FunctionName=name)["Payload"].read()) == "two"
    lambda_client.delete_function(FunctionName=name)


def test_deploying_the_same_again_is_harmless(lambda_client, role_arn):
    name = f"fn-{uuid.uuid4().hex[:12]}"
    first = deploy_function(name, "app.handler", handler_zip("same"), role_arn=role_arn, MemorySize=256)
    before = lambda_client.get_function_configuration(FunctionName=name)
    assert deploy_function(name, "app.handler", handler_zip("same"), role_arn=role_arn, MemorySize=256) == first
    after = lambda_client.get_function_configuration(FunctionName=name)
    assert {key: after[key] for key in ("CodeSha256", "MemorySize", "Timeout", "Handler", "Role")} == {
        key: before[key] for key in ("CodeSha256", "MemorySize", "Timeout", "Handler", "Role")}
    assert [f["FunctionName"] for f in lambda_client.list_functions()["Functions"]].count(name) == 1
    lambda_client.delete_function(FunctionName=name)


def test_without_a_role_the_workbooks_default_role_is_used(cloud, lambda_client):
    name = f"fn-{uuid.uuid4().hex[:12]}"
    deploy_function(name, "app.handler", handler_zip("one"))
    assert lambda_client.get_function_configuration(FunctionName=name)["Role"] == execution_role(DEFAULT_ROLE)
    lambda_client.delete_function(FunctionName=name)
