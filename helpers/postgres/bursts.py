"""A burst: N invocations of a database-backed function released at the same moment, and what each one met.

    >>> result = burst(db, "orders-per-request", 12, {"hold_s": 0.75})   # db: max_connections 10, 6 for functions
    >>> print(result)
     12 at once:  6 answered,  6 refused by the database,  0 throttled by Lambda | peak 6 connections
    >>> result.refused, result.peak_connections, result.distinct_connections
    (6, 6, 6)

Each invocation is a real one through the local AWS (``helpers.invoke``, the code path boto3's Invoke takes), on
its own thread; a ``ConnectionSampler`` counts the function's connections on the server meanwhile. An outcome is
``answered`` (the function returned), ``refused`` (the function failed because PostgreSQL refused its connection:
SQLSTATE 53300), ``throttled`` (Lambda answered 429 and the function never ran) or ``failed`` (anything else).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from helpers.lambda_invoke import Invocation, LambdaAPIError, invoke

from .activity import ConnectionSampler
from .server import TOO_MANY_CONNECTIONS, PostgresServer

ANSWERED, REFUSED, THROTTLED, FAILED = "answered", "refused", "throttled", "failed"
_REFUSAL_TEXTS = (TOO_MANY_CONNECTIONS, "too many clients", "remaining connection slots")


@dataclass(frozen=True)
class Outcome:
    """What one invocation met."""

    kind: str
    detail: str = ""
    payload: Any = None
    cold_start: bool = False
    environment_id: str | None = None


@dataclass
class BurstResult:
    """A burst's outcomes and the connections the server counted while it ran."""

    size: int
    outcomes: list[Outcome]
    samples: list[tuple[float, int]] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, kind: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    @property
    def answered(self) -> int:
        return self.count(ANSWERED)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)

    @property
    def throttled(self) -> int:
        return self.count(THROTTLED)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def peak_connections(self) -> int:
        return max((count for _, count in self.samples), default=0)

    @property
    def distinct_connections(self) -> int:
        """How many different database connections (server processes) the answered invocations used."""
        return len({outcome.payload["backend_pid"] for outcome in self.outcomes
                    if outcome.kind == ANSWERED and isinstance(outcome.payload, dict) and "backend_pid" in
                    outcome.payload})

    @property
    def environments(self) -> int:
        return len({outcome.environment_id for outcome in self.outcomes if outcome.environment_id})

    @property
    def cold_starts(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.cold_start)

    def __str__(self) -> str:
        text = (f"{self.size:>3} at once: {self.answered:>2} answered, {self.refused:>2} refused by the database, "
                f"{self.throttled:>2} throttled by Lambda")
        if self.failed:
            text += f", {self.failed} failed otherwise ({Counter(o.detail for o in self.outcomes if o.kind == FAILED)})"
        text += f" | peak {self.peak_connections} connections"
        return text + (f", {self.cold_starts} cold start(s)" if self.cold_starts else "")


def classify(result: Invocation | LambdaAPIError) -> Outcome:
    """Sort one invocation's result into answered, refused (by the database), throttled (by Lambda) or failed."""
    if isinstance(result, LambdaAPIError):
        if result.status_code == 429:
            return Outcome(THROTTLED, f"{result.code} ({result.reason})")
        return Outcome(FAILED, f"{result.code}: {result.message}")
    if result.function_error is None:
        return Outcome(ANSWERED, payload=result.payload, cold_start=result.cold_start,
                       environment_id=result.environment_id)
    message = str(result.payload.get("errorMessage", "")) if isinstance(result.payload, dict) else str(result.payload)
    kind = REFUSED if any(text in message for text in _REFUSAL_TEXTS) else FAILED
    return Outcome(kind, f"{result.error_type}: {message[:200]}", payload=result.payload,
                   cold_start=result.cold_start, environment_id=result.environment_id)


def burst(server: PostgresServer, function_name: str, size: int, payload: dict[str, Any] | None = None,
          *, timeout_s: float = 60) -> BurstResult:
    """Invoke ``function_name`` ``size`` times at the same moment (each with ``payload`` plus an ``order_id``) and
    wait for every answer, counting the function's database connections meanwhile."""
    results: list[Outcome | None] = [None] * size
    ready = threading.Barrier(size + 1)

    def one(index: int) -> None:
        event = {**(payload or {}), "order_id": f"{function_name}-{index}"}
        try:
            ready.wait(timeout_s)
            results[index] = classify(invoke(function_name, event))
        except LambdaAPIError as error:
            results[index] = classify(error)
        except Exception as error:  # noqa: BLE001 - recorded, never lost: the burst reports what each call met
            results[index] = Outcome(FAILED, f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(size)]
    for thread in threads:
        thread.start()
    with ConnectionSampler(server) as sampler:
        started = time.perf_counter()
        ready.wait(timeout_s)
        for thread in threads:
            thread.join(max(0.0, timeout_s - (time.perf_counter() - started)))
        seconds = time.perf_counter() - started
    outcomes = [outcome or Outcome(FAILED, "no answer in time") for outcome in results]
    return BurstResult(size, outcomes, sampler.samples, seconds)
