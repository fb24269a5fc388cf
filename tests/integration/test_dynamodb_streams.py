"""DynamoDB Streams event source mappings through boto3: order, retries that block, bisection, destinations."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from helpers.observe.logs import log_lines

RECORDER = """
import json
def handler(event, context):
    for record in event["Records"]:
        image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage")
        if image.get("poison", {}).get("BOOL"):
            raise RuntimeError("cannot handle " + record["dynamodb"]["SequenceNumber"])
    for record in event["Records"]:
        keys = record["dynamodb"]["Keys"]
        print("GOT " + json.dumps([record["eventName"], keys["pk"]["S"], int(record["dynamodb"]["SequenceNumber"])]))
    return "ok"
"""


@pytest.fixture
def table(cloud):
    dynamodb = boto3.client("dynamodb")
    name = f"audit-{time.monotonic_ns()}"
    description = dynamodb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})["TableDescription"]
    return name, description["LatestStreamArn"]


def received(name: str) -> list[list]:
    return [json.loads(line[4:]) for line in log_lines(name) if line.startswith("GOT ")]


def wait_for(condition, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_records_arrive_in_order_per_item_key(lambda_client, deploy, table):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    table_name, stream_arn = table
    dynamodb = boto3.client("dynamodb")
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=stream_arn,
                                                        StartingPosition="TRIM_HORIZON", BatchSize=7)
    for update in range(10):
        for key in ("a", "b", "c", "d", "e"):
            dynamodb.put_item(TableName=table_name, Item={"pk": {"S": key}, "n": {"N": str(update)}})
    dynamodb.delete_item(TableName=table_name, Key={"pk": {"S": "a"}})
    wait_for(lambda: len(received(name)) == 51)
    records = received(name)
    by_key: dict[str, list[int]] = {}
    for _, key, sequence in records:
        by_key.setdefault(key, []).append(sequence)
    counts = {key: len(numbers) for key, numbers in by_key.items()}
    print(f"{len(records)} records; in order per key: {all(n == sorted(n) for n in by_key.values())}; {counts}")
    assert all(numbers == sorted(numbers) for numbers in by_key.values())
    assert [sequence for _, _, sequence in records] == sorted(sequence for _, _, sequence in records)
    assert [event for event, _, _ in records].count("INSERT") == 5 and records[-1][0] == "REMOVE"
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_bisection_isolates_a_failing_record(lambda_client, deploy, table, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    table_name, stream_arn = table
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"stream-failures-{time.monotonic_ns()}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    dynamodb = boto3.client("dynamodb")
    for index in range(8):
        item = {"pk": {"S": f"k{index}"}}
        if index == 5:
            item["poison"] = {"BOOL": True}
        dynamodb.put_item(TableName=table_name, Item=item)
    mapping = lambda_client.create_event_source_mapping(
        FunctionName=name, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON", BatchSize=8,
        BisectBatchOnFunctionError=True, MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    wait_for(lambda: cloud.mapping_stats(mapping["UUID"]).get("to_destination") == 1)
    wait_for(lambda: len(received(name)) == 7)
    assert sorted(key for _, key, _ in received(name)) == [f"k{i}" for i in range(8) if i != 5]
    (message,) = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    info = json.loads(message["Body"])
    print(f"bisection: 7 records processed, 1 isolated: {info['DDBStreamBatchInfo']}")
    assert info["DDBStreamBatchInfo"]["batchSize"] == 1 and info["DDBStreamBatchInfo"]["streamArn"] == stream_arn
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_a_failing_batch_blocks_the_shard_while_it_is_retried(lambda_client, deploy, table, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    table_name, stream_arn = table
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "bad"}, "poison": {"BOOL": True}})
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "good"}})
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=stream_arn,
                                                        StartingPosition="TRIM_HORIZON", BatchSize=1)
    wait_for(lambda: cloud.mapping_stats(mapping["UUID"]).get("retries", 0) >= 3)
    assert received(name) == []  # "good" waits behind "bad": the shard is blocked
    assert cloud.mapping_stats(mapping["UUID"])["iterator_age_s"] > 1.0  # and the iterator ages
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_latest_starts_after_the_mapping(lambda_client, deploy, table, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    table_name, stream_arn = table
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "before"}})
    mapping = lambda_client.create_event_source_mapping(FunctionName=name, EventSourceArn=stream_arn,
                                                        StartingPosition="LATEST")
    wait_for(lambda: cloud.mapping_stats(mapping["UUID"]))
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "after"}})
    wait_for(lambda: len(received(name)) == 1)
    assert received(name)[0][1] == "after"
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])


def test_records_age_on_the_workbook_clock(lambda_client, deploy, table, cloud):
    """MaximumRecordAgeInSeconds (at least 60 s on AWS) played out with cloud.clock.advance, not by waiting."""
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    table_name, stream_arn = table
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"too-old-{time.monotonic_ns()}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "bad"}, "poison": {"BOOL": True}})
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "good"}})
    mapping = lambda_client.create_event_source_mapping(
        FunctionName=name, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON", BatchSize=1,
        MaximumRecordAgeInSeconds=60, DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    wait_for(lambda: cloud.mapping_stats(mapping["UUID"]).get("retries", 0) >= 1)
    assert received(name) == []  # blocked behind "bad", far younger than 60 s
    cloud.clock.advance(61)
    wait_for(lambda: [pk for _, pk, _ in received(name)] == ["good"])  # "bad" was given up
    record = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["DDBStreamBatchInfo"]["batchSize"] == 1
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])
