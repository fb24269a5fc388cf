"""Asynchronous invocation: Lambda's internal queue for ``InvocationType=Event`` (and S3, SNS, EventBridge).

The rules, as AWS documents them (``../shared/reference/lambda-facts.md`` §5, October 2026):

* the event is queued and the caller gets 202 at once; the function runs as soon as it can;
* a function error (a timeout included) is retried ``MaximumRetryAttempts`` times (0 to 2, default 2): about one
  minute before the second attempt and two minutes before the third, every attempt with the same request id;
* an event older than ``MaximumEventAgeInSeconds`` (60 to 21,600, default 21,600) is not attempted again;
* then the event goes to the on-failure destination (SQS, SNS, Lambda or EventBridge) with AWS's destination
  record, or else to the function's dead-letter queue (SQS or SNS); a success goes to the on-success destination;
* a **throttle** (no concurrency for it now) puts the event back in the queue: it is tried again after a backoff
  that grows from 1 s to 5 minutes, without using up a retry attempt, until ``MaximumEventAgeInSeconds`` passes
  (then ``EventAgeExceeded``); a function with reserved concurrency 0 sends its events to the failure destination
  at once, condition ``ZeroReservedConcurrency``, after 0 attempts.

Delays run on the workbook clock, so a notebook can watch three attempts in seconds with ``clock.advance``. The
function's settings are read again before every attempt, as Lambda does.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from helpers import aws_facts
from helpers.clock import WorkbookClock
from helpers.runtime.spec import InvocationOutcome, InvocationRequest

from .concurrency import Throttled
from .errors import JsonRESTError
from .functions import FunctionVersion
from .ports import Destinations, FunctionDirectory, Invoker

log = logging.getLogger(__name__)
THROTTLE_BACKOFF_FIRST_S = aws_facts.ASYNC_THROTTLE_BACKOFF_S[0]
THROTTLE_BACKOFF_MAX_S = aws_facts.ASYNC_THROTTLE_BACKOFF_S[1]


@dataclass
class QueuedEvent:
    """One event in the internal queue, across all its attempts."""

    request: InvocationRequest
    function: FunctionVersion  # as configured when the event was queued; re-read before each attempt
    queued_at: float
    attempts: int = 0
    throttles: int = 0  # times it was put back in the queue for want of concurrency
    history: list[str] = field(default_factory=list)  # "Success", or the error type of each attempt


class AsyncInvocations:
    """The internal queue of one local AWS: attempts, retries, dead-letter queues and destinations."""

    def __init__(self, invoker: Invoker, directory: FunctionDirectory, destinations: Destinations,
                 clock: WorkbookClock) -> None:
        self._invoker = invoker
        self._directory = directory
        self._destinations = destinations
        self.clock = clock
        self._running = 0
        self._idle = threading.Condition()
        self._stopped = False

    # ------------------------------------------------------------------ the queue

    def submit(self, function: FunctionVersion, request: InvocationRequest) -> None:
        """Queue an event; its first attempt starts at once (on another thread)."""
        if self._stopped:
            return
        event = QueuedEvent(request, function, self.clock.now())
        with self._idle:
            self._running += 1  # counted from now, so wait_until_idle() cannot miss it
        self.clock.call_at(event.queued_at, lambda due: self._attempt(event, counted=True))

    def wait_until_idle(self, timeout_s: float = 30.0) -> bool:
        """Wait until no attempt is running (retries scheduled for later do not count)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout_s)

    def stop(self) -> None:
        """Accept no more events (the local AWS is stopping or being reset)."""
        self._stopped = True

    def _attempt(self, event: QueuedEvent, counted: bool = False) -> None:
        if not counted:
            with self._idle:
                self._running += 1
        try:
            if not self._stopped:
                self._attempt_once(event)
        except Exception:  # noqa: BLE001 - e.g. the local AWS stopping under it
            log.debug("asynchronous attempt of %s stopped", event.request.request_id, exc_info=True)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _attempt_once(self, event: QueuedEvent) -> None:
        try:
            event.function = self._directory.function(event.function.function_arn, event.function.version,
                                                      account_id=event.function.account_id,
                                                      region=event.function.region)
        except JsonRESTError:  # deleted since: nothing left to invoke
            log.info("asynchronous event %s dropped: its function is gone", event.request.request_id)
            return
        settings = event.function.async_settings
        if self.clock.now() - event.queued_at > settings.max_event_age_s:
            self._give_up(event, "EventAgeExceeded", None)
            return
        if event.function.reserved_concurrency == 0:  # the function is turned off
            self._give_up(event, "ZeroReservedConcurrency", None)
            return
        try:
            outcome = self._invoker.invoke(event.function, event.request, source="async")
        except Throttled:
            event.throttles += 1
            delay = min(THROTTLE_BACKOFF_FIRST_S * 2 ** (event.throttles - 1), THROTTLE_BACKOFF_MAX_S)
            self.clock.call_later(delay, lambda due: self._attempt(event))
            return
        event.attempts += 1
        event.history.append(outcome.error_type or "Success")
        if outcome.error_type is None:
            self._deliver(event, "OnSuccess", "Success", outcome)
        elif event.attempts <= settings.max_retries:
            delays = aws_facts.ASYNC_RETRY_DELAYS_S
            self.clock.call_later(delays[min(event.attempts, len(delays)) - 1], lambda due: self._attempt(event))
        else:
            self._give_up(event, "RetriesExhausted", outcome)

    def _give_up(self, event: QueuedEvent, condition: str, outcome: InvocationOutcome | None) -> None:
        if not self._deliver(event, "OnFailure", condition, outcome):
            self._dead_letter(event, outcome, condition)

    # ------------------------------------------------------------------ where events go afterwards

    def _deliver(self, event: QueuedEvent, kind: str, condition: str, outcome: InvocationOutcome | None) -> bool:
        """Send the destination record to the configured destination; False if there is none."""
        settings = event.function.async_settings
        destination = settings.on_success if kind == "OnSuccess" else settings.on_failure
        if not destination:
            return False
        record = destination_record(event, condition, outcome, self.clock.now())
        try:
            self._destinations.send(destination, json.dumps(record), source_kind=kind)
        except Exception:  # noqa: BLE001 - AWS counts these as DestinationDeliveryFailures; nothing else breaks
            log.warning("could not deliver %s to %s", event.request.request_id, destination, exc_info=True)
        return True

    def _dead_letter(self, event: QueuedEvent, outcome: InvocationOutcome | None, condition: str) -> None:
        target = event.function.dead_letter_target
        if not target:
            log.info("asynchronous event %s dropped after %d attempt(s)", event.request.request_id, event.attempts)
            return
        error = _error_document(outcome, condition)
        attributes = {"RequestID": ("String", event.request.request_id), "ErrorCode": ("Number", "200"),
                      "ErrorMessage": ("String", str(error.get("errorMessage", "")) or "Unhandled")}
        try:
            self._destinations.send(target, event.request.payload.decode("utf-8"), attributes=attributes)
        except Exception:  # noqa: BLE001
            log.warning("could not send %s to the dead-letter queue %s", event.request.request_id, target,
                        exc_info=True)


def destination_record(event: QueuedEvent, condition: str, outcome: InvocationOutcome | None,
                       now: float) -> dict[str, Any]:
    """The record Lambda sends to a destination (version 1.0)."""
    function = event.function
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_millis(now),
        "requestContext": {"requestId": event.request.request_id, "functionArn": function.version_arn,
                           "condition": condition, "approximateInvokeCount": event.attempts},
        "requestPayload": _json_or_text(event.request.payload),
    }
    if outcome is not None:
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": function.version}
        if outcome.error_type is not None:
            response_context["functionError"] = "Unhandled"
        record["responseContext"] = response_context
        record["responsePayload"] = _json_or_text(outcome.payload)
    return record


def iso_millis(moment: float | datetime) -> str:
    """A destination record's time format: 2026-11-22T08:00:00.123Z."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_or_text(payload: bytes) -> Any:
    try:
        return json.loads(payload) if payload else None
    except ValueError:
        return payload.decode("utf-8", "replace")


def _error_document(outcome: InvocationOutcome | None, condition: str) -> dict[str, Any]:
    if outcome is None:  # never ran to an answer: the event grew too old, or the function is turned off
        return {"errorMessage": "Event age exceeded" if condition == "EventAgeExceeded" else condition}
    document = _json_or_text(outcome.payload)
    return document if isinstance(document, dict) else {}
