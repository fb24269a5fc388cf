"""Asynchronous invocations through boto3: Lambda's internal queue, retries, destinations, DLQs, event age.

Retry delays run on the workbook clock: ``cloud.clock.advance(...)`` plays the minutes out in no time.
"""

from __future__ import annotations

import json
import time

import boto3
import pytest

from helpers.observe.logs import log_lines


@pytest.fixture
def queue(cloud):
    sqs = boto3.client("sqs")

    def make(name: str) -> tuple[str, str]:
        url = sqs.create_queue(QueueName=f"{name}-{time.monotonic_ns()}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    return make


def receive_all(url: str) -> list[dict]:
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                    MessageAttributeNames=["All"])
    return messages.get("Messages", [])


def starts_in_log(name: str) -> list[str]:
    return [line.split()[2] for line in log_lines(name) if line.startswith("START RequestId: ")]


def play_out_retries(cloud) -> None:
    """Let the first attempt run, then jump over both retry delays (one and two minutes)."""
    assert cloud.wait_for_background(20)
    cloud.clock.advance(60)
    cloud.clock.advance(120)


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_an_always_failing_event_runs_1_plus_max_retries_times_then_reaches_its_destination(
        lambda_client, deploy, cloud, queue, max_retries):
    name = deploy("faults.raise_error")
    url, arn = queue("on-failure")
    lambda_client.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=max_retries,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    response = lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"order": 7}')
    assert response["StatusCode"] == 202
    play_out_retries(cloud)
    request_ids = starts_in_log(name)
    (message,) = receive_all(url)
    record = json.loads(message["Body"])
    print(f"MaximumRetryAttempts={max_retries}: {len(request_ids)} attempts, {len(set(request_ids))} request id, "
          f"destination record approximateInvokeCount={record['requestContext']['approximateInvokeCount']}")
    assert len(request_ids) == 1 + max_retries and len(set(request_ids)) == 1
    assert request_ids[0] == response["ResponseMetadata"]["RequestId"]
    assert list(record) == ["version", "timestamp", "requestContext", "requestPayload", "responseContext",
                            "responsePayload"]
    assert record["version"] == "1.0" and record["timestamp"].endswith("Z")
    assert record["requestContext"] == {"requestId": request_ids[0],
                                        "functionArn": f"{cloud_function_arn(cloud, name)}:$LATEST",
                                        "condition": "RetriesExhausted", "approximateInvokeCount": 1 + max_retries}
    assert record["requestPayload"] == {"order": 7}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "ValueError"


def cloud_function_arn(cloud, name: str) -> str:
    return f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"


def test_retries_wait_one_then_two_minutes_of_workbook_time(lambda_client, deploy, cloud):
    name = deploy("faults.raise_error")
    lambda_client.invoke(FunctionName=name, InvocationType="Event")
    assert cloud.wait_for_background(20)
    assert len(starts_in_log(name)) == 1
    cloud.clock.advance(59)
    assert len(starts_in_log(name)) == 1  # not yet
    cloud.clock.advance(1)
    assert len(starts_in_log(name)) == 2
    cloud.clock.advance(119)
    assert len(starts_in_log(name)) == 2
    cloud.clock.advance(1)
    assert len(starts_in_log(name)) == 3


def test_success_goes_to_the_on_success_destination(lambda_client, deploy, cloud, queue):
    name = deploy("hello.handler")
    url, arn = queue("on-success")
    lambda_client.put_function_event_invoke_config(FunctionName=name,
                                                   DestinationConfig={"OnSuccess": {"Destination": arn}})
    lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"name": "Ada"}')
    assert cloud.wait_for_background(20)
    record = json.loads(receive_all(url)[0]["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"message": "Hello, Ada!"}


def test_dead_letter_queue_gets_the_event_with_attributes(lambda_client, deploy, cloud, queue):
    url, arn = queue("dlq")
    name = deploy("faults.raise_error", DeadLetterConfig={"TargetArn": arn})
    assert lambda_client.get_function_configuration(FunctionName=name)["DeadLetterConfig"] == {"TargetArn": arn}
    response = lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"order": 8}')
    play_out_retries(cloud)
    (message,) = receive_all(url)
    assert json.loads(message["Body"]) == {"order": 8}
    attributes = {key: value["StringValue"] for key, value in message["MessageAttributes"].items()}
    assert attributes == {"RequestID": response["ResponseMetadata"]["RequestId"], "ErrorCode": "200",
                          "ErrorMessage": "something went wrong"}


def test_events_older_than_the_maximum_age_are_not_retried(lambda_client, deploy, cloud, queue):
    name = deploy("faults.raise_error")
    url, arn = queue("too-old")
    lambda_client.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=90,
                                                   DestinationConfig={"OnFailure": {"Destination": arn}})
    lambda_client.invoke(FunctionName=name, InvocationType="Event")
    play_out_retries(cloud)  # attempt 2 at about 60 s (younger than 90 s); attempt 3 would be at about 180 s
    record = json.loads(receive_all(url)[0]["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert len(starts_in_log(name)) == 2


def test_put_replaces_and_update_merges_the_settings(lambda_client, deploy, cloud):
    name = deploy("hello.handler")
    lambda_client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                                   MaximumEventAgeInSeconds=120)
    lambda_client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    settings = lambda_client.get_function_event_invoke_config(FunctionName=name)
    assert settings["MaximumRetryAttempts"] == 0 and "MaximumEventAgeInSeconds" not in settings
    lambda_client.update_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=300)
    settings = lambda_client.get_function_event_invoke_config(FunctionName=name)
    assert settings["MaximumRetryAttempts"] == 0 and settings["MaximumEventAgeInSeconds"] == 300


def test_s3_notifications_are_asynchronous(lambda_client, deploy, cloud):
    name = deploy("faults.sleep_past_timeout", Timeout=3)  # sleeps until its timeout stops it
    s3 = boto3.client("s3")
    bucket = f"uploads-{time.monotonic_ns()}"
    s3.create_bucket(Bucket=bucket)
    lambda_client.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                                 Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": cloud_function_arn(cloud, name),
                                          "Events": ["s3:ObjectCreated:*"]}]})
    started = time.monotonic()
    s3.put_object(Bucket=bucket, Key="in/photo.jpg", Body=b"x")
    assert time.monotonic() - started < 2  # the handler runs 3 s; the upload does not wait for it
    assert cloud.wait_for_background(30)
    assert len(starts_in_log(name)) >= 1
