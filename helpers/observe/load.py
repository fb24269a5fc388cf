"""Send a workload to a function for real: each request at its arrival time, synchronously, each on its own
thread (as many callers would), with boto3's retries off so that every throttle is seen. Returns what each caller
met: an answer, or a 429 with its Reason.

    >>> outcomes = fire("orders", arrivals.steady(20, 2.0), {"seconds": 0.5})
    >>> tally(outcomes)        # {"ok": 40} or {"ok": 30, "ConcurrentInvocationLimitExceeded": 10}
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .waiting import wait_until

OK = "ok"


@dataclass(frozen=True)
class Outcome:
    """What one caller met: ``OK`` (status 200) or a throttle's Reason (status 429), or another error's code."""

    index: int
    sent_s: float  # when it was sent, seconds from the first request
    status: int
    result: str  # OK, a throttle Reason, or an error code


def fire(function_name: str, arrivals: Iterable[float], payload: Any = None, *, qualifier: str | None = None,
         progress: Callable[[int, int], None] | None = None, timeout_s: float = 60.0) -> list[Outcome]:
    """Invoke ``function_name`` once per arrival time (seconds from now), each call on its own thread, and wait for
    every answer. ``progress(done, total)`` is called as answers come back."""
    import boto3
    from botocore.config import Config

    times = sorted(float(t) for t in arrivals)
    client = boto3.client("lambda", config=Config(retries={"max_attempts": 0, "mode": "standard"},
                                                  read_timeout=timeout_s,
                                                  max_pool_connections=max(10, len(times) + 2)))
    body = json.dumps({} if payload is None else payload).encode()
    outcomes: list[Outcome | None] = [None] * len(times)
    done = [0]
    lock = threading.Lock()
    extra = {"Qualifier": qualifier} if qualifier else {}

    def one(index: int, sent: float) -> None:
        try:
            response = client.invoke(FunctionName=function_name, Payload=body, **extra)
            outcome = Outcome(index, sent, response["StatusCode"], OK)
        except client.exceptions.TooManyRequestsException as throttled:
            outcome = Outcome(index, sent, 429, throttled.response.get("Reason", "TooManyRequestsException"))
        except client.exceptions.ClientError as error:
            outcome = Outcome(index, sent, error.response["ResponseMetadata"]["HTTPStatusCode"],
                              error.response["Error"]["Code"])
        with lock:
            outcomes[index] = outcome
            done[0] += 1
            if progress is not None:
                progress(done[0], len(times))

    started = time.monotonic()
    threads = []
    for index, at in enumerate(times):
        time.sleep(max(started + at - time.monotonic(), 0.0))
        thread = threading.Thread(target=one, args=(index, time.monotonic() - started), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout_s)
    return [outcome for outcome in outcomes if outcome is not None]


def tally(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many callers met each result (``OK`` first)."""
    counts = Counter(outcome.result for outcome in outcomes)
    return dict(sorted(counts.items(), key=lambda item: (item[0] != OK, item[0])))


def wait_until_in_flight(count: int, timeout_s: float = 10.0) -> int:
    """Wait until the running local AWS has at least ``count`` executions in flight (all functions together), e.g.
    until a burst sent from another thread holds its concurrency; returns how many there are."""
    from helpers import local_cloud

    cloud = local_cloud.current()
    if cloud is None:
        return 0
    def in_flight() -> int:
        return cloud.concurrency.in_flight(cloud.account_id, cloud.region)

    wait_until(lambda: in_flight() >= count, timeout_s, interval_s=0.02)
    return in_flight()
