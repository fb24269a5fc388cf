"""Little's law for Lambda: the executions in flight are the request rate times how long each one takes.

    concurrency = requests per second x average duration (seconds)

It holds for any steady workload, whatever the arrival pattern; Lambda's quotas count exactly this number
(concurrent executions), so it is how a workload's need is compared with an account's quota. Pure functions.
"""

from __future__ import annotations

import math


def concurrency_needed(rate_per_s: float, duration_s: float) -> float:
    """The average executions in flight for ``rate_per_s`` requests a second that each take ``duration_s``."""
    _check(rate_per_s, duration_s)
    return rate_per_s * duration_s


def environments_needed(rate_per_s: float, duration_s: float) -> int:
    """Whole execution environments for that average (each runs one request at a time), rounded up."""
    return math.ceil(concurrency_needed(rate_per_s, duration_s) - 1e-9)


def max_rate(concurrency: float, duration_s: float) -> float:
    """The most requests a second that ``concurrency`` executions can serve when each takes ``duration_s``."""
    if concurrency < 0 or duration_s <= 0:
        raise ValueError("concurrency must not be negative and the duration must be positive")
    return concurrency / duration_s


def _check(rate_per_s: float, duration_s: float) -> None:
    if rate_per_s < 0 or duration_s < 0 or not math.isfinite(rate_per_s * duration_s):
        raise ValueError("the rate and the duration must be finite and not negative")
