"""Concurrency, as each invoker meets it: quotas, reservations and throttles through boto3, the async queue, pollers
and the HTTP front door, and the command line. Nothing throttled is lost."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

import helpers
from helpers.lambda_service.concurrency import ACCOUNT_LIMIT, RESERVED_LIMIT
from helpers.lambda_service.telemetry import THROTTLE
from helpers.observe.logs import log_lines

SLEEPER = "import time\ndef handler(event, context):\n    time.sleep(event.get('seconds', 0.5))\n    return 'done'\n"
RECORDER = ("import json\ndef handler(event, context):\n    print('GOT ' + json.dumps(event))\n"
            "    return 'ok'\n")
NO_RETRIES = Config(retries={"max_attempts": 0})  # boto3 retries throttles by itself; these tests want to see them


@pytest.fixture
def quota(cloud) -> Iterator:
    """Set the account's quota for one test, and put it back."""
    saved = cloud.concurrency.account_limit

    def set_quota(limit: int) -> None:
        cloud.concurrency.account_limit = limit
    yield set_quota
    cloud.concurrency.account_limit = saved


@pytest.fixture
def lambda_raw(cloud):
    return boto3.client("lambda", config=NO_RETRIES)


def at_once(count: int, call) -> list:
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test reads what each call met
            results[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_with_a_quota_of_5_ten_at_once_give_five_answers_and_five_429s(deploy, lambda_raw, quota, cloud):
    quota(5)
    name = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
    results = at_once(10, lambda: lambda_raw.invoke(FunctionName=name, Payload=b'{"seconds": 1}'))
    answered = [result for result in results if isinstance(result, dict)]
    throttled = [result for result in results if isinstance(result, lambda_raw.exceptions.TooManyRequestsException)]
    assert len(answered) == 5 and len(throttled) == 5, results
    error = throttled[0].response
    assert error["Error"]["Code"] == "TooManyRequestsException" and error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == ACCOUNT_LIMIT and error["Type"] == "User" and error["message"] == "Rate Exceeded."
    assert error["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
    reports = log_lines(name, "REPORT ")
    assert len(reports) == 5  # a throttled request writes no REPORT
    assert len([env for env in cloud.engine.environments() if env.function_name == name]) == 5  # nor starts one


def test_reserved_concurrency_zero_turns_a_function_off(deploy, lambda_raw, cloud):
    name = deploy("hello.handler", source="hello")
    lambda_raw.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(lambda_raw.exceptions.TooManyRequestsException) as raised:
        lambda_raw.invoke(FunctionName=name)
    assert raised.value.response["Reason"] == RESERVED_LIMIT
    with pytest.raises(helpers.LambdaAPIError) as through_helper:
        helpers.invoke(name)
    assert through_helper.value.status_code == 429 and through_helper.value.reason == RESERVED_LIMIT
    assert not [env for env in cloud.engine.environments() if env.function_name == name]
    lambda_raw.delete_function_concurrency(FunctionName=name)
    assert lambda_raw.invoke(FunctionName=name)["StatusCode"] == 200


def test_a_reservation_protects_a_function_from_a_noisy_neighbour(deploy, lambda_raw, quota):
    quota(10)
    quiet = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
    noisy = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
    lambda_raw.put_function_concurrency(FunctionName=quiet, ReservedConcurrentExecutions=2)
    done = threading.Event()
    hold = threading.Thread(target=lambda: at_once(8, lambda: lambda_raw.invoke(
        FunctionName=noisy, Payload=b'{"seconds": 2}')) and done.set())
    hold.start()
    time.sleep(0.7)  # the noisy function now holds the whole unreserved pool (10 - 2)
    with pytest.raises(lambda_raw.exceptions.TooManyRequestsException) as raised:
        lambda_raw.invoke(FunctionName=noisy, Payload=b'{"seconds": 0}')
    assert raised.value.response["Reason"] == ACCOUNT_LIMIT
    assert lambda_raw.invoke(FunctionName=quiet, Payload=b'{"seconds": 0}')["StatusCode"] == 200  # still served
    hold.join(30)


def test_reservations_are_checked_and_the_account_settings_answer_from_real_state(deploy, lambda_raw, quota):
    quota(20)
    name = deploy("hello.handler", source="hello")
    with pytest.raises(lambda_raw.exceptions.InvalidParameterValueException, match=r"minimum value of \[2\]"):
        lambda_raw.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=19)
    assert lambda_raw.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)[
        "ReservedConcurrentExecutions"] == 3
    assert lambda_raw.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 3
    settings = lambda_raw.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 20
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 17
    assert settings["AccountUsage"]["FunctionCount"] >= 1 and settings["AccountUsage"]["TotalCodeSize"] > 0
    lambda_raw.delete_function_concurrency(FunctionName=name)
    assert lambda_raw.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 20


def test_the_scaling_rate_throttles_a_burst_of_new_environments(deploy, lambda_raw, cloud):
    saved = cloud.concurrency.scaling_rate
    cloud.concurrency.scaling_rate = 3  # three new environments per function every 10 s
    try:
        name = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
        results = at_once(6, lambda: lambda_raw.invoke(FunctionName=name, Payload=b'{"seconds": 1}'))
    finally:
        cloud.concurrency.scaling_rate = saved
    reasons = sorted(result.response["Reason"] for result in results if not isinstance(result, dict))
    assert reasons == ["FunctionInvocationRateLimitExceeded"] * 3


def _destination_queue():
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"failures-{time.monotonic_ns()}")["QueueUrl"]
    return sqs, url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_async_events_with_reserved_zero_go_to_the_failure_destination_at_once(deploy, lambda_client, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    sqs, url, arn = _destination_queue()
    lambda_client.put_function_event_invoke_config(FunctionName=name, DestinationConfig={
        "OnFailure": {"Destination": arn}})
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    assert lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 1}')["StatusCode"] == 202
    assert cloud.wait_for_background(30)
    (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert record["requestContext"]["approximateInvokeCount"] == 0 and record["requestPayload"] == {"n": 1}
    assert log_lines(name) == []


def test_throttled_async_events_wait_in_the_queue_and_none_is_lost(deploy, lambda_client, cloud):
    name = deploy("sleeper.handler", files={"sleeper.py": SLEEPER.replace("'done'", "event")}, Timeout=10)
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    for number in range(6):
        lambda_client.invoke(FunctionName=name, InvocationType="Event",
                             Payload=json.dumps({"seconds": 0.3, "n": number}).encode())
    deadline = time.monotonic() + 60
    while len(log_lines(name, "REPORT ")) < 6 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(log_lines(name, "REPORT ")) == 6  # each ran once, one at a time
    throttles = [event for event in cloud.telemetry.events(kind=THROTTLE, function_name=name)]
    assert throttles and {event.source for event in throttles} == {"async"}
    assert {event.reason for event in throttles} == {RESERVED_LIMIT}


def test_a_throttled_event_past_its_age_goes_to_the_failure_destination(deploy, lambda_client, lambda_raw, cloud):
    name = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
    sqs, url, arn = _destination_queue()
    lambda_client.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=60,
                                                   DestinationConfig={"OnFailure": {"Destination": arn}})
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    busy = threading.Thread(target=lambda: lambda_raw.invoke(FunctionName=name, Payload=b'{"seconds": 3}'))
    busy.start()
    time.sleep(0.5)  # the one execution allowed is taken for 3 s
    lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"seconds": 0}')
    time.sleep(0.3)
    cloud.clock.advance(120)  # the queue tries again (throttled each time) until the event is too old
    busy.join(10)
    assert cloud.wait_for_background(30)
    (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0  # throttles are not attempts


def test_1000_sqs_messages_into_a_function_with_reserved_concurrency_2_nothing_lost(deploy, lambda_client, cloud):
    from test_sqs_mappings import drain, make_queues, send_all, wait_until_empty

    sqs = boto3.client("sqs")
    url, arn, dlq_url = make_queues(sqs, "throttled", visibility_s=2, max_receives=1000)
    worker = ("def handler(event, context):\n    for record in event['Records']:\n"
              "        print('DONE ' + record['body'])\n")
    name = deploy("worker.handler", files={"worker.py": worker}, Timeout=1)
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    bodies = [f"m-{number}" for number in range(1000)]
    send_all(sqs, url, bodies)
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=10)
    wait_until_empty(sqs, url, timeout_s=120)
    done = [line[5:] for line in log_lines(name, "DONE ")]
    stats = cloud.mapping_stats(mapping["UUID"])
    print(f"1000 messages with reserved concurrency 2: {stats}")
    assert stats["throttled_batches"] > 0  # five pollers, two executions: throttles happened
    assert sorted(set(done)) == sorted(bodies) and drain(sqs, dlq_url) == []  # every message processed, none lost
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_a_throttled_stream_batch_waits_and_is_not_lost(deploy, lambda_client, cloud):
    dynamodb = boto3.client("dynamodb")
    table = f"throttled-{time.monotonic_ns()}"
    stream_arn = dynamodb.create_table(
        TableName=table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"][
        "LatestStreamArn"]
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=stream_arn,
                                                        StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1)
    for key in ("a", "b", "c"):
        dynamodb.put_item(TableName=table, Item={"id": {"S": key}})
    deadline = time.monotonic() + 20
    while cloud.mapping_stats(mapping["UUID"]).get("throttles", 0) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    stats = cloud.mapping_stats(mapping["UUID"])
    assert stats["throttles"] >= 3 and stats["to_destination"] == 0 and stats["records"] == 0  # waiting, not lost
    lambda_client.delete_function_concurrency(FunctionName=name)
    while cloud.mapping_stats(mapping["UUID"]).get("records", 0) < 3 and time.monotonic() < deadline + 20:
        time.sleep(0.1)
    assert cloud.mapping_stats(mapping["UUID"])["records"] == 3
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_the_http_front_doors_answer_a_throttle(deploy, lambda_client, cloud):
    import requests

    name = deploy("hello.handler", source="hello")
    url = lambda_client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    for statement, action in (("url", "lambda:InvokeFunctionUrl"), ("url-invoke", "lambda:InvokeFunction")):
        extra = {"FunctionUrlAuthType": "NONE"} if action.endswith("Url") else {"InvokedViaFunctionUrl": True}
        lambda_client.add_permission(FunctionName=name, StatementId=statement, Action=action, Principal="*", **extra)
    api = boto3.client("apigatewayv2").create_api(Name=f"api-{name}", ProtocolType="HTTP",
                                                  Target=lambda_client.get_function(FunctionName=name)[
                                                      "Configuration"]["FunctionArn"])
    lambda_client.add_permission(FunctionName=name, StatementId="api", Action="lambda:InvokeFunction",
                                 Principal="apigateway.amazonaws.com")
    http = requests.Session()
    http.trust_env = False
    assert http.get(url).status_code == 200 and http.get(api["ApiEndpoint"] + "/").status_code == 200
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    through_url = http.get(url)
    assert through_url.status_code == 429 and through_url.json()["Reason"] == RESERVED_LIMIT
    through_api = http.get(api["ApiEndpoint"] + "/")
    assert through_api.status_code == 500 and through_api.json() == {"message": "Internal Server Error"}
    assert {event.source for event in cloud.telemetry.events(kind=THROTTLE, function_name=name)} == {"http"}


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed (pip install awscli)")
def test_the_aws_cli_meets_the_same_quota_and_reservations(tmp_path):
    from test_command_line import ForegroundCloud

    foreground = ForegroundCloud("--account-concurrency", "20")
    try:
        foreground.deploy("cli-fn", "hello.handler", "hello")
        env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "PATH": "/usr/bin:/bin:" + __import__("os").environ["PATH"],
               "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}

        def aws(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(["aws", "--endpoint-url", foreground.endpoint, "lambda", *args], env=env,
                                  capture_output=True, text=True, timeout=60)

        settings = json.loads(aws("get-account-settings").stdout)
        assert settings["AccountLimit"]["ConcurrentExecutions"] == 20
        assert aws("put-function-concurrency", "--function-name", "cli-fn",
                   "--reserved-concurrent-executions", "0").returncode == 0
        refused = aws("invoke", "--function-name", "cli-fn", "--cli-read-timeout", "5", str(tmp_path / "out.json"))
        assert refused.returncode != 0 and "TooManyRequestsException" in refused.stderr
    finally:
        foreground.stop()
