"""Sending records where Lambda sends them: an SQS queue, an SNS topic, a function or an event bus.

Used by the asynchronous queue (destinations and dead-letter queues) and the stream pollers (on-failure
destinations). It talks to the local AWS through boto3, as Lambda's own service does.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from helpers import arns


class BotoDestinations:
    """Sends to destinations through boto3 clients aimed at the local AWS (one client per service and region)."""

    def __init__(self, endpoint_url: str, credentials: Mapping[str, str]) -> None:
        self.endpoint_url = endpoint_url
        self.credentials = dict(credentials)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def send(self, arn: str, body: str, *, attributes: dict[str, tuple[str, str]] | None = None,
             source_kind: str = "") -> None:
        """Send ``body`` to ``arn``; ``attributes`` are message attributes (name: (type, value)); ``source_kind`` is
        "OnSuccess" or "OnFailure" for an event bus (it names the event's detail type)."""
        service, region = arns.service_of(arn), arns.region_of(arn)
        message_attributes = {name: {"DataType": kind, "StringValue": value}
                              for name, (kind, value) in (attributes or {}).items()}
        if service == "sqs":
            sqs = self._client("sqs", region)
            url = sqs.get_queue_url(QueueName=arns.resource_of(arn),
                                    QueueOwnerAWSAccountId=arns.account_of(arn))["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=message_attributes)
        elif service == "sns":
            self._client("sns", region).publish(TopicArn=arn, Message=body, MessageAttributes=message_attributes)
        elif service == "lambda":
            self._client("lambda", region).invoke(FunctionName=arn, InvocationType="Event", Payload=body.encode())
        elif service == "events":
            result = "Success" if source_kind == "OnSuccess" else "Failure"
            self._client("events", region).put_events(Entries=[{
                "Source": "lambda", "DetailType": f"Lambda Function Invocation Result - {result}", "Detail": body,
                "EventBusName": arn}])
        else:
            raise ValueError(f"unsupported destination {arn}")

    def _client(self, service: str, region: str) -> Any:
        import boto3

        key = f"{service}:{region}"
        with self._lock:
            if key not in self._clients:
                self._clients[key] = boto3.client(
                    service, region_name=region, endpoint_url=self.endpoint_url,
                    aws_access_key_id=self.credentials.get("AWS_ACCESS_KEY_ID", "testing"),
                    aws_secret_access_key=self.credentials.get("AWS_SECRET_ACCESS_KEY", "testing"),
                    aws_session_token=self.credentials.get("AWS_SESSION_TOKEN"))
            return self._clients[key]
