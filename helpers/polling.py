"""Watching event source mappings work, for notebook 04: a function's log lines, queue depths, the pollers' own
counts (batches, iterator age), and waiting with a deadline for something to happen in the background.

    >>> wait_until(lambda: queue_depth(url)["visible"] == 0)
    >>> processed_orders("order-worker")       # [['o-1', 'o-2'], ['o-3']]: the orders of each invocation
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(condition: Callable[[], Any], timeout_s: float = 15.0, interval_s: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout_s`` (real seconds) have passed; return whether it came true."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def log_events(function_name: str) -> list[dict[str, Any]]:
    """Every CloudWatch Logs event of a function (all its log streams), oldest first; none if it has no log yet."""
    import boto3

    logs = boto3.client("logs")
    group = f"/aws/lambda/{function_name}"
    try:
        streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    events: list[dict[str, Any]] = []
    for stream in streams:
        token = None
        while True:
            kwargs = {"nextToken": token} if token else {"startFromHead": True}
            page = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"], **kwargs)
            events += [{**event, "logStreamName": stream["logStreamName"]} for event in page["events"]]
            if not page["events"] or page["nextForwardToken"] == token:
                break
            token = page["nextForwardToken"]
    events.sort(key=lambda event: event["timestamp"])  # stable: the lines of one stream keep their order
    return events


def log_lines(function_name: str, prefix: str = "") -> list[str]:
    """The function's log lines (oldest first) that start with ``prefix``."""
    return [event["message"] for event in log_events(function_name) if event["message"].startswith(prefix)]


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


def mapping_stats(mapping_uuid: str) -> dict[str, Any]:
    """The local pollers' counts for one event source mapping: for SQS batches, messages, deleted and
    failed_batches; for a stream batches, records, retries, to_destination and iterator_age_s (seconds)."""
    from helpers import local_cloud

    cloud = local_cloud.current()
    return cloud.mapping_stats(mapping_uuid) if cloud else {}


def invocations(function_name: str) -> list[dict[str, Any]]:
    """Each invocation in the function's log, oldest first: its ``request_id``, its ``environment`` (the log
    stream: one per execution environment) and the ``lines`` the code wrote (START, END and REPORT left out)."""
    found: list[dict[str, Any]] = []
    current: dict[str, dict[str, Any]] = {}  # log stream -> the invocation running in it
    for event in log_events(function_name):
        stream, message = event["logStreamName"], event["message"]
        words = message.split()
        if message.startswith("START RequestId: ") and len(words) >= 3:
            current[stream] = {"request_id": words[2], "environment": stream, "lines": []}
            found.append(current[stream])
        elif message.startswith(("END RequestId: ", "REPORT RequestId: ")):
            current.pop(stream, None)
        elif stream in current:
            current[stream]["lines"].append(message)
    return found


def printed_events(function_name: str) -> list[Any]:
    """The events a function running handlers/print_event.py logged (its ``EVENT {...}`` lines), oldest first."""
    import json

    return [json.loads(line[len("EVENT "):]) for line in log_lines(function_name, "EVENT ")]


def processed_orders(function_name: str, since: int = 0) -> list[list[str]]:
    """For each invocation of a handlers/order_worker.py function (from the ``since``-th on, oldest first), the
    order ids it logged as processed (its lines ``processed o-1 (receive 1)``)."""
    return [[line.split()[1] for line in invocation["lines"] if line.startswith("processed ")]
            for invocation in invocations(function_name)[since:]]


def print_invocations(function_name: str, since: int = 0) -> None:
    """Print what each invocation (from the ``since``-th on) logged, one invocation a line; an error's traceback is
    cut to its first line."""
    for number, invocation in enumerate(invocations(function_name)[since:], 1):
        print(f"invocation {number}: " + " | ".join(line.split("\n")[0] for line in invocation["lines"]))


def print_dead_letters(queue_url: str) -> None:
    """Receive (and delete) every message in a queue, and print each body with its ApproximateReceiveCount. Note
    that this receive counts too."""
    for message in receive_all(queue_url):
        print(f"  {message['Body']!r:22} ApproximateReceiveCount {message['Attributes']['ApproximateReceiveCount']}")


def print_audit_trail(entries: list[dict[str, Any]]) -> None:
    """Print the entries handlers/audit_log.py wrote (the items of the audit table), by order then sequence number;
    the images without the order id, ``-`` where there is none."""
    import json

    def image(text: str) -> str:
        value = json.loads(text)
        return "-" if value is None else json.dumps({key: item for key, item in value.items() if key != "orderId"})

    print(f"{'order':6} {'sequence number':25} {'change':7} {'old image':34} new image")
    for entry in sorted(entries, key=lambda entry: (entry["orderId"], entry["sequence"])):
        print(f"{entry['orderId']:6} {entry['sequence']:25} {entry['change']:7} {image(entry['old']):34} "
              f"{image(entry['new'])}")
