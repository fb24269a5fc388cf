"""SQS queues at a glance: how many messages wait, and what is in a queue (a dead-letter queue, a destination)."""

from __future__ import annotations

from typing import Any


def queue_depth(queue_url: str) -> dict[str, int]:
    """How many messages wait in a queue (``visible``) and how many are handed out, not yet deleted (``in_flight``)."""
    import boto3

    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return {"visible": int(attributes["ApproximateNumberOfMessages"]),
            "in_flight": int(attributes["ApproximateNumberOfMessagesNotVisible"])}


def receive_all(queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete every message waiting in a queue (e.g. a dead-letter queue); return them, oldest first."""
    import boto3

    sqs = boto3.client("sqs")
    received: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                       VisibilityTimeout=30).get("Messages", [])
        if not messages:
            return sorted(received, key=lambda message: int(message["Attributes"]["SentTimestamp"]))
        received += messages
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]} for index, message in enumerate(messages)])


def print_dead_letters(queue_url: str) -> None:
    """Receive (and delete) every message in a queue, and print each body with its ApproximateReceiveCount. Note
    that this receive counts too."""
    for message in receive_all(queue_url):
        print(f"  {message['Body']!r:22} ApproximateReceiveCount {message['Attributes']['ApproximateReceiveCount']}")
