"""One stream of what the data plane does, per local AWS: throttles and changes in concurrent executions, each
with its function, version, reason and workbook time. Notebooks plot it; CloudWatch metrics are made from it.

    >>> cloud.telemetry.events(kind=THROTTLE, function_name="orders")
    [TelemetryEvent(time=..., kind='throttle', function_name='orders', version='$LATEST', reason='Reserved...', ...)]

It keeps the newest ``MAX_EVENTS`` events (a long class day cannot fill a laptop), and calls subscribers as events
happen (a subscriber must be quick: it runs on the invoking thread).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

THROTTLE = "throttle"
CONCURRENCY = "concurrency"
INVOCATION = "invocation"  # one that ran: its figures, and whether it ran on a provisioned environment
PROVISIONED = "provisioned"  # a provisioned concurrency config changed: ``reason`` its status, ``value`` available
WAIT = "wait"  # the laptop's cap on live environments made an invocation wait
MAX_EVENTS = 200_000


@dataclass(frozen=True)
class TelemetryEvent:
    """One thing that happened. For ``concurrency``, ``value`` is the function's concurrent executions after the
    change and ``unreserved`` the account's unreserved executions in use; for ``throttle``, ``reason`` is AWS's
    Reason and ``source`` who was throttled (sync, async, sqs, stream, http); for ``invocation``, the REPORT's
    figures, ``provisioned`` (ran on a provisioned environment, billed at those rates), ``error``, and
    ``environment``: the execution environment it ran in (its log stream's name: one per environment)."""

    time: float
    kind: str
    function_name: str
    version: str
    reason: str = ""
    value: int = 0
    unreserved: int = 0
    source: str = ""
    duration_ms: float = 0.0
    billed_ms: int = 0
    memory_mb: int = 0
    init_ms: float | None = None
    provisioned: bool = False
    error: bool = False
    environment: str = ""


class Telemetry:
    """The stream: publish, read back, subscribe."""

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self._events: deque[TelemetryEvent] = deque(maxlen=max_events)
        self._subscribers: list[Callable[[TelemetryEvent], None]] = []
        self._lock = threading.Lock()

    def publish(self, event: TelemetryEvent) -> None:
        with self._lock:
            self._events.append(event)
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(event)

    def events(self, *, kind: str | None = None, function_name: str | None = None,
               since: float | None = None) -> list[TelemetryEvent]:
        """The events kept, oldest first, optionally of one kind, one function, or from a workbook time on."""
        with self._lock:
            events = list(self._events)
        return [event for event in events
                if (kind is None or event.kind == kind) and (function_name is None or event.function_name ==
                                                              function_name) and (since is None or event.time >= since)]

    def subscribe(self, subscriber: Callable[[TelemetryEvent], None]) -> Callable[[], None]:
        """Call ``subscriber`` with every new event; returns a function that unsubscribes it."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)
        return unsubscribe
