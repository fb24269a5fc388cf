"""SQS event source mappings through boto3: batches, deletes, partial batch responses, redrive, nothing lost."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from helpers.observe.logs import log_lines

WORKER = """
import json
def handler(event, context):
    failures = []
    for record in event["Records"]:
        if "poison" in record["body"]:
            failures.append({"itemIdentifier": record["messageId"]})
        else:
            print("DONE " + record["body"])
    print("BATCH " + str(len(event["Records"])))
    return {"batchItemFailures": failures}
"""
ALWAYS_FAILS = "def handler(event, context):\n    raise RuntimeError('cannot process ' + str(len(event['Records'])))\n"


def make_queues(sqs, name: str, *, visibility_s: int = 1, max_receives: int = 2) -> tuple[str, str, str]:
    suffix = time.monotonic_ns()
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=f"{name}-{suffix}", Attributes={
        "VisibilityTimeout": str(visibility_s),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)})})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn, dlq_url


def wait_until_empty(sqs, url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"]) == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"queue not empty after {timeout_s} s: {attributes}")


def drain(sqs, url: str) -> list[str]:
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        bodies += [message["Body"] for message in messages]
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]} for index, message in enumerate(messages)])


def send_all(sqs, url: str, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(index), "MessageBody": body} for index, body in enumerate(bodies[start:start + 10])])


def test_1000_messages_of_which_10_percent_always_fail_nothing_lost(lambda_client, deploy, cloud):
    sqs = boto3.client("sqs")
    # AWS's advice: a visibility timeout of at least 6 times the function's timeout (a shorter one lets a slow
    # batch reappear and be processed twice: at-least-once delivery).
    url, arn, dlq_url = make_queues(sqs, "orders", visibility_s=6)
    name = deploy("worker.handler", files={"worker.py": WORKER}, Timeout=1)
    bodies = [f"poison-{index}" if index % 10 == 0 else f"order-{index}" for index in range(1000)]
    send_all(sqs, url, bodies)
    started = time.monotonic()
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=10,
                                                        FunctionResponseTypes=["ReportBatchItemFailures"])
    wait_until_empty(sqs, url)
    seconds = time.monotonic() - started
    lines = log_lines(name)
    done = [line[5:] for line in lines if line.startswith("DONE ")]
    batches = [int(line[6:]) for line in lines if line.startswith("BATCH ")]
    in_dlq = drain(sqs, dlq_url)
    print(f"1000 messages in {seconds:.1f} s: {len(done)} processed ({len(set(done))} distinct), "
          f"{len(in_dlq)} in the dead-letter queue, {len(batches)} batches of at most {max(batches)}")
    assert sorted(done) == sorted(body for body in bodies if body.startswith("order"))  # each exactly once
    assert sorted(in_dlq) == sorted(body for body in bodies if body.startswith("poison"))
    assert max(batches) <= 10
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_a_failing_batch_is_not_deleted_and_ends_in_the_dead_letter_queue(lambda_client, deploy, cloud):
    sqs = boto3.client("sqs")
    url, arn, dlq_url = make_queues(sqs, "doomed", max_receives=2)
    name = deploy("fails.handler", files={"fails.py": ALWAYS_FAILS}, Timeout=1)
    send_all(sqs, url, ["a", "b", "c"])
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=10)
    wait_until_empty(sqs, url)
    assert sorted(drain(sqs, dlq_url)) == ["a", "b", "c"]
    stats = cloud.mapping_stats(mapping["UUID"])
    assert stats["deleted"] == 0 and stats["failed_batches"] >= 2
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_batches_fill_within_the_batching_window(lambda_client, deploy, cloud):
    sqs = boto3.client("sqs")
    url, arn, _ = make_queues(sqs, "windowed", visibility_s=30)
    name = deploy("worker.handler", files={"worker.py": WORKER}, Timeout=10)
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=25,
                                                        MaximumBatchingWindowInSeconds=2,
                                                        ScalingConfig={"MaximumConcurrency": 2})
    send_all(sqs, url, [f"order-{index}" for index in range(25)])
    wait_until_empty(sqs, url)
    batches = [int(line[6:]) for line in log_lines(name) if line.startswith("BATCH ")]
    assert sum(batches) == 25 and max(batches) > 10  # more than one receive's worth in one invocation
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_a_disabled_mapping_leaves_messages_in_the_queue(lambda_client, deploy, cloud):
    sqs = boto3.client("sqs")
    url, arn, _ = make_queues(sqs, "paused", visibility_s=30)
    name = deploy("worker.handler", files={"worker.py": WORKER})
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, Enabled=False)
    send_all(sqs, url, ["order-1", "order-2"])
    time.sleep(1.0)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "2"
    lambda_client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    wait_until_empty(sqs, url)
    assert sorted(line for line in log_lines(name) if line.startswith("DONE ")) == [
        "DONE order-1", "DONE order-2"]
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_raising_maximum_concurrency_adds_pollers(lambda_client, deploy, cloud):
    sqs = boto3.client("sqs")
    url, arn, _ = make_queues(sqs, "scale-up", visibility_s=30)
    slow = "import time\ndef handler(event, context):\n    time.sleep(0.4)\n"
    name = deploy("slow.handler", files={"slow.py": slow}, Timeout=5)
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=1,
                                                        ScalingConfig={"MaximumConcurrency": 2})
    lambda_client.update_event_source_mapping(UUID=mapping["UUID"], ScalingConfig={"MaximumConcurrency": 4})
    send_all(sqs, url, [f"job-{index}" for index in range(12)])
    wait_until_empty(sqs, url, timeout_s=30)
    used = {env.id for env in cloud.engine.environments() if env.function_name == name}
    print(f"MaximumConcurrency raised from 2 to 4: {len(used)} environments used")
    assert len(used) == 4
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_lambda_refuses_what_aws_refuses(lambda_client, deploy, cloud):
    sqs = boto3.client("sqs")
    url, arn, _ = make_queues(sqs, "refusals", visibility_s=5)
    slow = deploy("print_event.handler", Timeout=10)
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException,
                       match="Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds"):
        lambda_client.create_event_source_mapping(FunctionName=slow, EventSourceArn=arn)
    name = deploy("print_event.handler", Timeout=5)
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException,
                       match="Maximum batch window in seconds must be greater than 0 if maximum batch size is"):
        lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=50)
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=50,
                                                        MaximumBatchingWindowInSeconds=1)
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException, match="Maximum batch window"):
        lambda_client.update_event_source_mapping(UUID=mapping["UUID"], MaximumBatchingWindowInSeconds=0)
    with pytest.raises(lambda_client.exceptions.ResourceConflictException) as caught:
        lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)
    assert caught.value.response["Error"]["Message"] == (
        f'An event source mapping with SQS arn (" {arn} ") and function (" {name} ") already exists. Please update '
        f'or delete the existing mapping with UUID {mapping["UUID"]}')
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_a_mapping_that_does_not_exist_is_not_found(lambda_client, cloud):
    unknown = "00000000-0000-0000-0000-000000000000"
    for call in (lambda: lambda_client.update_event_source_mapping(UUID=unknown, BatchSize=5),
                 lambda: lambda_client.delete_event_source_mapping(UUID=unknown),
                 lambda: lambda_client.get_event_source_mapping(UUID=unknown)):
        with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
            call()
