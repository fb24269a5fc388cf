"""Asynchronous invocation: Lambda's internal queue for ``InvocationType=Event`` (and S3, SNS, EventBridge).

The rules, as AWS documents them (``../shared/reference/lambda-facts.md`` §5, October 2026):

* the event is queued and the caller gets 202 at once; the function runs as soon as it can;
* a function error (a timeout included) is retried ``MaximumRetryAttempts`` times (0 to 2, default 2): about one
  minute before the second attempt and two minutes before the third, every attempt with the same request id;
* an event older than ``MaximumEventAgeInSeconds`` (60 to 21,600, default 21,600) is not attempted again;
* then the event goes to the on-failure destination (SQS, SNS, Lambda or EventBridge) with AWS's destination
  record, or else to the function's dead-letter queue (SQS or SNS); a success goes to the on-success destination.

Delays run on the workbook clock, so a notebook can watch three attempts in seconds with ``clock.advance``.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from helpers.clock import WorkbookClock
from helpers.runtime.environment import InvocationOutcome, InvocationRequest

RETRY_DELAYS_S = (60.0, 120.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_EVENT_AGE_S = 21_600
log = logging.getLogger(__name__)


@dataclass
class QueuedEvent:
    """One event in the internal queue, across all its attempts."""

    request: InvocationRequest
    function: Any  # the moto LambdaFunction (a version or $LATEST)
    queued_at: float
    attempts: int = 0
    history: list[str] = field(default_factory=list)  # "Success", or the error type of each attempt


class AsyncInvocations:
    """The internal queue of one local AWS: attempts, retries, dead-letter queues and destinations."""

    def __init__(self, engine: Any, clock: WorkbookClock, endpoint_url: str, credentials: dict[str, str]) -> None:
        self.engine = engine
        self.clock = clock
        self.endpoint_url = endpoint_url
        self.credentials = credentials
        self._running = 0
        self._idle = threading.Condition()
        self._clients: dict[str, Any] = {}
        self.finished: list[QueuedEvent] = []  # every event that will not be attempted again, for notebooks

    # ------------------------------------------------------------------ the queue

    def submit(self, function: Any, request: InvocationRequest) -> QueuedEvent:
        """Queue an event; its first attempt starts at once (on another thread)."""
        event = QueuedEvent(request, function, self.clock.now())
        with self._idle:
            self._running += 1  # counted from now, so wait_until_idle() cannot miss it
        self.clock.call_at(event.queued_at, lambda due: self._attempt(event, counted=True))
        return event

    def wait_until_idle(self, timeout_s: float = 30.0) -> bool:
        """Wait until no attempt is running (retries scheduled for later do not count)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout_s)

    def _attempt(self, event: QueuedEvent, counted: bool = False) -> None:
        if not counted:
            with self._idle:
                self._running += 1
        try:
            self._attempt_once(event)
        except Exception:  # noqa: BLE001 - e.g. the local AWS stopping under it
            log.debug("asynchronous attempt of %s stopped", event.request.request_id, exc_info=True)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _attempt_once(self, event: QueuedEvent) -> None:
        config = invoke_config(event.function)
        if self.clock.now() - event.queued_at > config["MaximumEventAgeInSeconds"]:
            self._give_up(event, "EventAgeExceeded", None)
            return
        event.attempts += 1
        outcome = self.engine.invoke(event.function, event.request)
        event.history.append(outcome.error_type or "Success")
        if outcome.error_type is None:
            self._deliver(event, "OnSuccess", "Success", outcome)
            self._finish(event)
        elif event.attempts <= config["MaximumRetryAttempts"]:
            delay = RETRY_DELAYS_S[min(event.attempts, len(RETRY_DELAYS_S)) - 1]
            self.clock.call_later(delay, lambda due: self._attempt(event))
        else:
            self._give_up(event, "RetriesExhausted", outcome)

    def _give_up(self, event: QueuedEvent, condition: str, outcome: InvocationOutcome | None) -> None:
        if not self._deliver(event, "OnFailure", condition, outcome):
            self._dead_letter(event, outcome)
        self._finish(event)

    def _finish(self, event: QueuedEvent) -> None:
        self.finished.append(event)

    # ------------------------------------------------------------------ where events go afterwards

    def _deliver(self, event: QueuedEvent, kind: str, condition: str, outcome: InvocationOutcome | None) -> bool:
        """Send the destination record to the configured destination; False if there is none."""
        destination = (invoke_config(event.function).get("DestinationConfig") or {}).get(kind, {}).get("Destination")
        if not destination:
            return False
        record = destination_record(event, condition, outcome, self.clock.now())
        try:
            self._send(destination, json.dumps(record), source_kind=kind)
        except Exception:  # noqa: BLE001 - AWS counts these as DestinationDeliveryFailures; nothing else breaks
            log.warning("could not deliver %s to %s", event.request.request_id, destination, exc_info=True)
        return True

    def _dead_letter(self, event: QueuedEvent, outcome: InvocationOutcome | None) -> None:
        target = (getattr(event.function, "dead_letter_config", None) or {}).get("TargetArn")
        if not target:
            log.info("asynchronous event %s dropped after %d attempt(s)", event.request.request_id, event.attempts)
            return
        error = _error_document(outcome)
        attributes = {"RequestID": ("String", event.request.request_id), "ErrorCode": ("Number", "200"),
                      "ErrorMessage": ("String", str(error.get("errorMessage", "")) or "Unhandled")}
        try:
            self._send(target, event.request.payload.decode("utf-8"), attributes=attributes)
        except Exception:  # noqa: BLE001
            log.warning("could not send %s to the dead-letter queue %s", event.request.request_id, target,
                        exc_info=True)

    def send_to(self, arn: str, body: str) -> None:
        """Send a record to an SQS queue, SNS topic, function or event bus (also used by the stream pollers)."""
        self._send(arn, body)

    def _send(self, arn: str, body: str, *, attributes: dict[str, tuple[str, str]] | None = None,
              source_kind: str = "") -> None:
        service, region, resource = arn.split(":")[2], arn.split(":")[3], arn.split(":", 5)[5]
        if service == "sqs":
            sqs = self._client("sqs", region)
            url = sqs.get_queue_url(QueueName=resource, QueueOwnerAWSAccountId=arn.split(":")[4])["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
                name: {"DataType": kind, "StringValue": value} for name, (kind, value) in (attributes or {}).items()})
        elif service == "sns":
            self._client("sns", region).publish(TopicArn=arn, Message=body, MessageAttributes={
                name: {"DataType": kind, "StringValue": value} for name, (kind, value) in (attributes or {}).items()})
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
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service, region_name=region, endpoint_url=self.endpoint_url,
                aws_access_key_id=self.credentials.get("AWS_ACCESS_KEY_ID", "testing"),
                aws_secret_access_key=self.credentials.get("AWS_SECRET_ACCESS_KEY", "testing"),
                aws_session_token=self.credentials.get("AWS_SESSION_TOKEN"))
        return self._clients[key]


def invoke_config(function: Any) -> dict[str, Any]:
    """The function's asynchronous settings (PutFunctionEventInvokeConfig), with AWS's defaults."""
    stored = function.event_invoke_config[-1].config if getattr(function, "event_invoke_config", None) else {}
    return {"MaximumRetryAttempts": stored.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES),
            "MaximumEventAgeInSeconds": stored.get("MaximumEventAgeInSeconds", DEFAULT_MAX_EVENT_AGE_S),
            "DestinationConfig": stored.get("DestinationConfig") or {}}


def destination_record(event: QueuedEvent, condition: str, outcome: InvocationOutcome | None,
                       now: float) -> dict[str, Any]:
    """The record Lambda sends to a destination (version 1.0)."""
    function = event.function
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {"requestId": event.request.request_id,
                           "functionArn": f"{_unqualified(function.function_arn)}:{function.version}",
                           "condition": condition, "approximateInvokeCount": event.attempts},
        "requestPayload": _json_or_text(event.request.payload),
    }
    if outcome is not None:
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": str(function.version)}
        if outcome.error_type is not None:
            response_context["functionError"] = "Unhandled"
        record["responseContext"] = response_context
        record["responsePayload"] = _json_or_text(outcome.payload)
    return record


def _unqualified(arn: str) -> str:
    parts = arn.split(":")
    return ":".join(parts[:7])


def _json_or_text(payload: bytes) -> Any:
    try:
        return json.loads(payload) if payload else None
    except ValueError:
        return payload.decode("utf-8", "replace")


def _error_document(outcome: InvocationOutcome | None) -> dict[str, Any]:
    if outcome is None:
        return {"errorMessage": "Event age exceeded"}
    document = _json_or_text(outcome.payload)
    return document if isinstance(document, dict) else {}
