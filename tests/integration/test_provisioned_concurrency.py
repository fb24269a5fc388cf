"""Provisioned concurrency through boto3 and the command line: configs on aliases and versions with AWS's errors,
IN_PROGRESS then READY on the workbook clock, environments initialised ahead of any request, spill-over and
throttles past them, reallocation when an alias moves."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import threading
import time

import boto3
import pytest
from botocore.config import Config

from helpers.lambda_service.concurrency import RESERVED_LIMIT
from helpers.lambda_service.telemetry import INVOCATION
from helpers.observe.logs import log_lines

DELAY_S = 60  # the local AWS's default: a config stays IN_PROGRESS for a minute of workbook time
SLEEPY = ("import os, time\nTYPE = os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']\ntime.sleep(float(os.environ.get("
          "'INIT_SLEEP', '0')))\ndef handler(event, context):\n    time.sleep(event.get('seconds', 0))\n"
          "    return {'type': TYPE, 'version': context.function_version}\n")
BROKEN = "raise RuntimeError('no database')\ndef handler(event, context):\n    return 1\n"
NO_RETRIES = Config(retries={"max_attempts": 0})


@pytest.fixture
def lambda_raw(cloud):
    return boto3.client("lambda", config=NO_RETRIES)


@pytest.fixture
def published(deploy, lambda_raw):
    """A function with version 1 and an alias ``live`` on it; returns its name."""
    def make(source: str = SLEEPY, **config) -> str:
        name = deploy("app.handler", files={"app.py": source}, Timeout=30, **config)
        lambda_raw.publish_version(FunctionName=name)
        lambda_raw.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
        return name
    return make


def invoke(client, name: str, payload: dict | None = None) -> tuple[dict, str]:
    answer = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode(), LogType="Tail")
    return json.loads(answer["Payload"].read()), base64.b64decode(answer["LogResult"]).decode()


def test_a_config_on_an_alias_becomes_ready_and_its_invocations_have_no_init_duration(published, lambda_raw, cloud):
    name = published()
    put = lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                        ProvisionedConcurrentExecutions=2)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202 and put["Status"] == "IN_PROGRESS"
    assert (put["AllocatedProvisionedConcurrentExecutions"], put["AvailableProvisionedConcurrentExecutions"]) == (0, 0)
    cloud.clock.advance(DELAY_S)
    ready = lambda_raw.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert (ready["Status"], ready["RequestedProvisionedConcurrentExecutions"],
            ready["AllocatedProvisionedConcurrentExecutions"], ready["AvailableProvisionedConcurrentExecutions"]) \
        == ("READY", 2, 2, 2)
    listed = lambda_raw.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
    assert [config["FunctionArn"].rsplit(":", 1)[1] for config in listed] == ["live"]
    # initialised ahead of any request: two streams with INIT_START and INIT_REPORT, no invocation yet
    assert len(log_lines(name, "INIT_START")) == 2 and len(log_lines(name, "INIT_REPORT Init Duration")) == 2
    answer, tail = invoke(lambda_raw, f"{name}:live")
    assert answer == {"type": "provisioned-concurrency", "version": "1"}
    assert "REPORT RequestId" in tail and "Init Duration" not in tail and "INIT_START" not in tail
    event = cloud.telemetry.events(kind=INVOCATION, function_name=name)[-1]
    assert event.provisioned and event.init_ms is None
    # the function itself ($LATEST) has no config: an on-demand cold start
    answer, tail = invoke(lambda_raw, name)
    assert answer["type"] == "on-demand" and "Init Duration" in tail


def test_past_the_provisioned_environments_requests_spill_over_to_cold_starts(published, lambda_raw, cloud):
    name = published()
    lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                  ProvisionedConcurrentExecutions=1)
    cloud.clock.advance(DELAY_S)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(invoke(lambda_raw, f"{name}:live", {"seconds": 1})))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answer["type"] for answer, _ in results) == ["on-demand", "provisioned-concurrency"]
    assert sorted("Init Duration" in tail for _, tail in results) == [False, True]
    assert sorted(event.provisioned for event in cloud.telemetry.events(kind=INVOCATION, function_name=name)) \
        == [False, True]


def test_with_reserved_equal_to_provisioned_latest_is_throttled_and_the_alias_throttles_past_it(
        published, lambda_raw, cloud):
    name = published()
    lambda_raw.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                  ProvisionedConcurrentExecutions=1)
    cloud.clock.advance(DELAY_S)
    with pytest.raises(lambda_raw.exceptions.TooManyRequestsException) as raised:
        lambda_raw.invoke(FunctionName=name)
    assert raised.value.response["Reason"] == RESERVED_LIMIT
    outcomes: list = []

    def call() -> None:
        try:
            outcomes.append(invoke(lambda_raw, f"{name}:live", {"seconds": 1})[0]["type"])
        except lambda_raw.exceptions.TooManyRequestsException:
            outcomes.append("429")
    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["429", "provisioned-concurrency"]


def test_aws_errors_for_configs_that_cannot_be(published, lambda_raw, cloud):
    name = published()

    def refused(call, **params) -> tuple[str, int, str]:
        with pytest.raises(lambda_raw.exceptions.ClientError) as raised:
            call(FunctionName=name, **params)
        error = raised.value.response
        return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Message"]

    put = lambda_raw.put_provisioned_concurrency_config
    assert refused(put, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1) == (
        "InvalidParameterValueException", 400,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
    code, status, message = refused(put, Qualifier="nope", ProvisionedConcurrentExecutions=1)
    assert (code, status) == ("ResourceNotFoundException", 404) and message.endswith(f":{name}:nope")
    code, status, message = refused(put, Qualifier="9", ProvisionedConcurrentExecutions=1)
    assert (code, status, message.split(":")[0]) == ("ResourceNotFoundException", 404, "Function not found")
    lambda_raw.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    assert refused(put, Qualifier="live", ProvisionedConcurrentExecutions=3)[:2] == (
        "InvalidParameterValueException", 400)
    lambda_raw.delete_function_concurrency(FunctionName=name)
    put(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1)
    assert refused(put, Qualifier="1", ProvisionedConcurrentExecutions=1) == (
        "ResourceConflictException", 409, "Version is pointed by a Provisioned Concurrency alias")
    get = lambda_raw.get_provisioned_concurrency_config
    assert refused(get, Qualifier="1")[:2] == ("ProvisionedConcurrencyConfigNotFoundException", 404)
    assert refused(get, Qualifier="$LATEST")[0] == "InvalidParameterValueException"
    with pytest.raises(lambda_raw.exceptions.ResourceNotFoundException):
        lambda_raw.list_provisioned_concurrency_configs(FunctionName=name + "-missing")
    lambda_raw.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    lambda_raw.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")  # none left: no error
    lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    assert refused(put, Qualifier="live", ProvisionedConcurrentExecutions=1) == (
        "ResourceConflictException", 409,
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
    assert invoke(lambda_raw, name)[0]["type"] == "on-demand"  # still serving


def test_an_init_that_fails_makes_the_config_failed(published, lambda_raw, cloud):
    name = published(BROKEN)
    lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                  ProvisionedConcurrentExecutions=1)
    cloud.clock.advance(DELAY_S)
    failed = lambda_raw.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert (failed["Status"], failed["StatusReason"], failed["AvailableProvisionedConcurrentExecutions"]) == (
        "FAILED", "FUNCTION_ERROR_INIT_FAILURE", 0)
    assert not [env for env in cloud.engine.environments() if env.function_name == name]


def test_a_provisioned_init_may_run_past_ten_seconds(published, lambda_raw, cloud):
    name = published(Environment={"Variables": {"INIT_SLEEP": "10.5"}})
    lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                  ProvisionedConcurrentExecutions=1)
    cloud.clock.advance(DELAY_S)
    assert lambda_raw.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")["Status"] == "READY"
    answer, tail = invoke(lambda_raw, f"{name}:live")
    assert answer["type"] == "provisioned-concurrency" and "Init Duration" not in tail


def test_moving_the_alias_reallocates_and_deleting_the_config_frees_the_environments(published, lambda_raw, cloud):
    name = published()
    lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                  ProvisionedConcurrentExecutions=1)
    cloud.clock.advance(DELAY_S)
    lambda_raw.update_function_configuration(FunctionName=name, Description="v2")
    lambda_raw.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert lambda_raw.publish_version(FunctionName=name)["Version"] == "2"
    lambda_raw.update_alias(FunctionName=name, Name="live", FunctionVersion="2")
    moving = lambda_raw.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert moving["Status"] == "IN_PROGRESS"
    assert not [env for env in cloud.engine.environments() if env.function_name == name and env.provisioned]
    cloud.clock.advance(DELAY_S)
    assert [env.version for env in cloud.engine.environments() if env.function_name == name and env.provisioned] \
        == ["2"]
    answer, tail = invoke(lambda_raw, f"{name}:live")
    assert answer == {"type": "provisioned-concurrency", "version": "2"} and "Init Duration" not in tail
    lambda_raw.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert not [env for env in cloud.engine.environments() if env.function_name == name and env.provisioned]
    assert invoke(lambda_raw, f"{name}:live")[0]["type"] == "on-demand"


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed (pip install awscli)")
def test_the_aws_cli_configures_provisioned_concurrency_and_meets_a_quota_of_5(tmp_path):
    from test_command_line import ForegroundCloud

    foreground = ForegroundCloud("--provisioned-delay", "1", "--account-concurrency", "5")
    try:
        foreground.deploy("cli-pc", "slow_worker.handler", "slow_worker", Timeout=30)
        env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "PATH": "/usr/bin:/bin:" + __import__("os").environ["PATH"], "AWS_MAX_ATTEMPTS": "1",
               "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}

        def aws(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(["aws", "--endpoint-url", foreground.endpoint, "lambda", *args], env=env,
                                  capture_output=True, text=True, timeout=60)

        assert aws("publish-version", "--function-name", "cli-pc").returncode == 0
        assert aws("create-alias", "--function-name", "cli-pc", "--name", "live", "--function-version", "1"
                   ).returncode == 0
        put = aws("put-provisioned-concurrency-config", "--function-name", "cli-pc", "--qualifier", "live",
                  "--provisioned-concurrent-executions", "1")
        assert put.returncode == 0 and json.loads(put.stdout)["Status"] == "IN_PROGRESS", put.stderr
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = json.loads(aws("get-provisioned-concurrency-config", "--function-name", "cli-pc",
                                    "--qualifier", "live").stdout)["Status"]
            if status == "READY":
                break
            time.sleep(0.5)
        assert status == "READY"
        tail = aws("invoke", "--function-name", "cli-pc:live", "--log-type", "Tail", "--payload", '{"seconds": 0}',
                   str(tmp_path / "pc.json"))
        assert tail.returncode == 0, tail.stderr
        log = base64.b64decode(json.loads(tail.stdout)["LogResult"]).decode()
        assert "REPORT RequestId" in log and "Init Duration" not in log

        # with the config gone, the whole quota of 5 is on demand: ten at once give five answers and five 429s
        def one(index: int) -> subprocess.Popen:
            return subprocess.Popen(["aws", "--endpoint-url", foreground.endpoint, "lambda", "invoke",
                                     "--function-name", "cli-pc", "--payload", '{"seconds": 10}',
                                     "--cli-read-timeout", "30",
                                     str(tmp_path / f"out{index}.json")], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        aws("delete-provisioned-concurrency-config", "--function-name", "cli-pc", "--qualifier", "live")
        processes = [one(index) for index in range(10)]
        outcomes = [(process.wait(60), process.stderr.read()) for process in processes]
        answered = [code for code, _ in outcomes if code == 0]
        throttled = [err for code, err in outcomes if code != 0 and "TooManyRequestsException" in err]
        assert (len(answered), len(throttled)) == (5, 5), outcomes
    finally:
        foreground.stop()


def test_a_snapstart_version_cannot_have_provisioned_concurrency(deploy, lambda_raw):
    name = deploy("app.handler", files={"app.py": SLEEPY}, SnapStart={"ApplyOn": "PublishedVersions"})
    lambda_raw.publish_version(FunctionName=name)
    with pytest.raises(lambda_raw.exceptions.InvalidParameterValueException, match="SnapStart"):
        lambda_raw.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                                      ProvisionedConcurrentExecutions=1)
