"""An SQS queue for a lesson or a check: created, or found if it exists with the same attributes."""

from __future__ import annotations

import json


def make_queue(name: str, visibility_timeout: int = 30, dead_letter_arn: str | None = None,
               max_receive_count: int = 3) -> tuple[str, str]:
    """Create an SQS queue (``create_queue`` returns the existing one when a queue of that name has the same
    attributes), optionally with a redrive policy to a dead-letter queue; return its URL and ARN."""
    import boto3

    sqs = boto3.client("sqs")
    attributes = {"VisibilityTimeout": str(visibility_timeout)}
    if dead_letter_arn:
        attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dead_letter_arn,
                                                  "maxReceiveCount": str(max_receive_count)})
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
