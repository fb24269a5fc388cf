"""When requests arrive: the traffic shapes a lesson feeds the scale model.

Every function returns a sorted ``numpy`` array of arrival times in seconds (float64), from 0 unless a start is
given. Deterministic shapes place the k-th request where the expected count reaches k (so a steady 10 per second
puts requests at 0.0, 0.1, 0.2, ...); ``poisson`` draws from a seeded generator. Whether the requests are
synchronous or asynchronous is a property of the scenario, not of its arrivals.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def steady(rate_per_s: float, duration_s: float, start_s: float = 0.0) -> np.ndarray:
    """``rate_per_s`` evenly spaced requests a second for ``duration_s`` seconds (the end excluded)."""
    _check(rate_per_s >= 0 and duration_s >= 0, "rate and duration must not be negative")
    count = int(np.ceil(rate_per_s * duration_s - 1e-9)) if rate_per_s > 0 else 0
    return start_s + np.arange(count, dtype=np.float64) / rate_per_s if count else np.empty(0)


def ramp(from_rate: float, to_rate: float, duration_s: float, start_s: float = 0.0) -> np.ndarray:
    """A rate that grows (or falls) linearly from ``from_rate`` to ``to_rate`` over ``duration_s`` seconds.

    The expected count by time t is N(t) = a t + (b - a) t^2 / (2T); request k arrives where N(t) = k."""
    _check(from_rate >= 0 and to_rate >= 0 and duration_s > 0, "rates must not be negative, the duration positive")
    a, slope = from_rate, (to_rate - from_rate) / duration_s
    total = a * duration_s + slope * duration_s ** 2 / 2
    k = np.arange(int(np.ceil(total - 1e-9)), dtype=np.float64)
    if abs(slope) < 1e-12:
        times = k / a
    else:  # the root of slope/2 t^2 + a t - k = 0 in [0, T], in the form that stays exact when a = 0 (k = 0: t = 0)
        denominator = a + np.sqrt(np.maximum(a * a + 2 * slope * k, 0.0))
        times = np.divide(2 * k, denominator, out=np.zeros_like(k), where=denominator > 0)
    return start_s + times


def spike(base_rate: float, duration_s: float, burst: int, at_s: float, start_s: float = 0.0) -> np.ndarray:
    """A steady ``base_rate`` for ``duration_s`` seconds, plus ``burst`` requests all at once at ``at_s``."""
    _check(burst >= 0, "the burst must not be negative")
    return np.sort(np.concatenate([steady(base_rate, duration_s, start_s), np.full(burst, float(at_s))]),
                   kind="stable")


def poisson(rate_per_s: float, duration_s: float, seed: int, start_s: float = 0.0) -> np.ndarray:
    """A Poisson process of ``rate_per_s`` over ``duration_s`` seconds: independent arrivals, seeded."""
    _check(rate_per_s >= 0 and duration_s >= 0, "rate and duration must not be negative")
    rng = np.random.default_rng(seed)
    count = rng.poisson(rate_per_s * duration_s)
    return start_s + np.sort(rng.uniform(0.0, duration_s, count))


def trace(timestamps: Iterable[float]) -> np.ndarray:
    """A recorded trace: the given arrival times (seconds), sorted."""
    times = np.sort(np.asarray(list(timestamps), dtype=np.float64))
    _check(bool(np.all(np.isfinite(times))), "every timestamp must be a finite number")
    return times


def at_once(count: int, at_s: float = 0.0) -> np.ndarray:
    """``count`` requests all at the same moment."""
    _check(count >= 0, "the count must not be negative")
    return np.full(count, float(at_s))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)
