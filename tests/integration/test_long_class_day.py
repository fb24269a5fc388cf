"""What a long class day does to the local AWS: it must stay small and fast."""

from __future__ import annotations

import time

from helpers.moto_seam.state import LOG_STREAM_MAX_BYTES

NOISY = """
def handler(event, context):
    for _ in range(event["lines"]):
        print("x" * 1000)
    return "done"
"""


def test_a_log_stream_keeps_its_newest_lines_within_its_cap(deploy, lambda_client, logs_client):
    name = deploy("noisy.handler", files={"noisy.py": NOISY}, MemorySize=512, Timeout=30)
    for _ in range(3):  # about 2 MB of log lines each
        response = lambda_client.invoke(FunctionName=name, Payload=b'{"lines": 2000}')
        assert "FunctionError" not in response
    (stream,) = logs_client.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert stream["storedBytes"] <= LOG_STREAM_MAX_BYTES
    events = logs_client.get_log_events(logGroupName=f"/aws/lambda/{name}", logStreamName=stream["logStreamName"],
                                        startFromHead=False, limit=1)["events"]
    assert events[-1]["message"].startswith("REPORT RequestId: ")  # the newest lines are the ones kept


def test_sending_to_a_deep_queue_costs_what_sending_to_an_empty_one_does(cloud):
    """moto computed every queue attribute, reading every message, for each message sent; the seam reads only the
    attribute it needs. Counted in calls to moto's clock, which each message's visibility check makes."""
    import boto3
    import moto.sqs.models as sqs_models

    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"deep-{time.monotonic_ns()}")["QueueUrl"]
    batch = [{"Id": str(number), "MessageBody": f"message {number}"} for number in range(10)]
    original = sqs_models.unix_time_millis
    calls = []

    def counting() -> float:
        calls.append(1)
        return original()

    def calls_for_one_batch() -> int:
        calls.clear()
        sqs_models.unix_time_millis = counting
        try:
            sqs.send_message_batch(QueueUrl=url, Entries=batch)
        finally:
            sqs_models.unix_time_millis = original
        return len(calls)

    empty = calls_for_one_batch()
    for _ in range(200):  # 2,000 messages deep
        sqs.send_message_batch(QueueUrl=url, Entries=batch)
    assert calls_for_one_batch() == empty
