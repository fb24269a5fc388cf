"""SQS messages, as Lambda's pollers deliver them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from .shared import (as_datetime, arn_region)


def sqs_record(message_id: str, receipt_handle: str, body: str, *, queue_arn: str, receive_count: int = 1,
               sent_timestamp_ms: int | None = None, first_receive_timestamp_ms: int | None = None,
               sender_id: str = "AROAIWPX5BD2BHG722MW4:sender", message_attributes: Mapping[str, Any] | None = None,
               md5_of_body: str | None = None, group_id: str | None = None, sequence_number: str | None = None,
               deduplication_id: str | None = None) -> dict[str, Any]:
    """One SQS message as an event source mapping hands it to the function.

    ``message_attributes`` comes in the SendMessage API form {"name": {"DataType": ..., "StringValue": ...}}."""

    now = int(as_datetime(None).timestamp() * 1000)
    attributes = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(sent_timestamp_ms if sent_timestamp_ms is not None else now),
        "SenderId": sender_id,
        "ApproximateFirstReceiveTimestamp": str(first_receive_timestamp_ms if first_receive_timestamp_ms is not None
                                                else now),
    }
    if group_id is not None:  # FIFO queues
        attributes.update({"SequenceNumber": str(sequence_number or ""), "MessageGroupId": group_id,
                           "MessageDeduplicationId": deduplication_id or ""})
    return {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": attributes,
        "messageAttributes": {
            name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
                   "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
            for name, value in (message_attributes or {}).items()},
        "md5OfBody": md5_of_body or hashlib.md5(body.encode("utf-8")).hexdigest(),  # noqa: S324 - SQS's checksum
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": arn_region(queue_arn, "queue ARN"),
    }


def sqs_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A batch of SQS records, as one invocation receives it."""
    return {"Records": [dict(record) for record in records]}
