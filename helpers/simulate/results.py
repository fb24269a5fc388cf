"""What the scale model returns: per-request outcomes, time series on a grid, totals, latency percentiles, a bill.

Outcomes and throttle reasons are stored as small integer codes (``OUTCOMES[code]``, ``REASONS[code]``) so that a
million requests fit in a few arrays; ``Requests.outcome_names()`` and ``reason_names()`` spell them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from helpers import aws_facts

from .pricing import Cost

#: what became of a request: served by a new environment (``cold``; ``restored`` under SnapStart), a warm one, a
#: provisioned one; or lost: a throttled synchronous request, an asynchronous event given up on after
#: MaximumEventAgeInSeconds (``expired``: destination condition EventAgeExceeded) or sent to the failure destination
#: at once because reserved concurrency is 0 (``zero_reserved``: condition ZeroReservedConcurrency)
OUTCOMES = ("cold", "warm", "provisioned", "restored", "throttled", "expired", "zero_reserved")
COLD, WARM, PROVISIONED, RESTORED, THROTTLED, EXPIRED, ZERO_RESERVED = range(len(OUTCOMES))
SERVED = (COLD, WARM, PROVISIONED, RESTORED)

RESERVED_LIMIT = aws_facts.THROTTLE_RESERVED
ACCOUNT_LIMIT = aws_facts.THROTTLE_ACCOUNT
SCALING_LIMIT = aws_facts.THROTTLE_SCALING
#: AWS's throttle ``Reason``s, by code (0: not throttled)
REASONS = (None, RESERVED_LIMIT, ACCOUNT_LIMIT, SCALING_LIMIT)
NO_REASON, RESERVED, ACCOUNT, SCALING = range(len(REASONS))


@dataclass(frozen=True, eq=False)
class Requests:
    """One entry per request, in arrival order (arrays; seconds unless named otherwise).

    ``start`` is when the attempt that ran began (an async event may start after throttled tries), ``end`` when it
    finished (NaN for lost requests; for an expired event, the time it was given up on); ``cold_start_s`` is the
    init or restore time spent before the handler (0 for warm and provisioned); ``attempts`` counts every try
    (throttled ones included; 1 for a synchronous request, 0 for ``zero_reserved``); ``reason`` is the throttle
    reason of a throttled or expired request (the last one met)."""

    arrival: np.ndarray
    start: np.ndarray
    end: np.ndarray
    outcome: np.ndarray  # int8 codes into OUTCOMES
    reason: np.ndarray  # int8 codes into REASONS
    attempts: np.ndarray
    cold_start_s: np.ndarray
    duration_s: np.ndarray
    billed_ms: np.ndarray  # Billed Duration of served requests (0 for the others)

    @property
    def served(self) -> np.ndarray:
        """A mask of the requests that ran."""
        return self.outcome <= RESTORED

    @property
    def latency(self) -> np.ndarray:
        """end - arrival for served requests, NaN for the others."""
        return np.where(self.served, self.end - self.arrival, np.nan)

    def outcome_names(self) -> list[str]:
        return [OUTCOMES[code] for code in self.outcome.tolist()]

    def reason_names(self) -> list[str | None]:
        return [REASONS[code] for code in self.reason.tolist()]


@dataclass(frozen=True, eq=False)
class Series:
    """Counts at each instant of ``time`` (a regular grid): executions in flight (cold-starting ones included) and
    the function's environments by state."""

    time: np.ndarray
    concurrent: np.ndarray  # executions in flight: what CloudWatch's ConcurrentExecutions counts
    cold_starting: np.ndarray  # new environments in their init (or restore)
    busy: np.ndarray  # on-demand environments running a request's handler
    idle: np.ndarray  # on-demand environments warm and waiting (not yet reclaimed)
    provisioned_busy: np.ndarray
    provisioned_idle: np.ndarray


@dataclass(frozen=True)
class Totals:
    """The run in numbers. ``throttles`` counts throttled tries by reason (an async event can be throttled many
    times); ``throttled`` counts synchronous requests lost to throttling."""

    invocations: int  # requests or events submitted
    served: int
    cold_starts: int  # new environments that ran an init
    restores: int  # new environments restored from a SnapStart snapshot
    warm: int
    provisioned: int
    throttles: Mapping[str, int]
    throttled: int
    expired: int  # async events given up on: EventAgeExceeded
    zero_reserved: int  # async events sent away at once: ZeroReservedConcurrency
    peak_concurrency: int
    peak_environments: int  # on-demand environments alive at once, at most


@dataclass(frozen=True)
class Percentiles:
    """Latency (end - arrival) of served requests, in seconds (NaN if nothing was served)."""

    p50: float
    p90: float
    p99: float


@dataclass(frozen=True, eq=False)
class Result:
    """Everything ``simulate`` found."""

    requests: Requests
    series: Series
    totals: Totals
    latency: Percentiles
    cost: Cost
