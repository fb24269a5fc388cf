"""Scenarios small enough for both the scale model and the real engine, and the comparison of what each counted.

The model half lives here: ``Scenario.to_model()`` and ``model_counts``. The real half (running the same scenario
through the engine and reading its telemetry and REPORT lines into ``Counts``) belongs with the engine; both meet
in ``compare``, which sets the two side by side: cold starts, warm and provisioned starts, throttles by reason,
expired and zero-reserved events, and the median duration and init.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from helpers import aws_facts

from .measurements import Measurements
from .results import COLD, RESTORED, Result
from .scale_model import simulate
from .scenario import Invocation
from .scenario import Scenario as ModelScenario


@dataclass(frozen=True)
class Scenario:
    """``requests`` requests of one function, all at once (or ``spacing_s`` apart), each running ``duration_ms``
    after an init of ``init_ms`` on a new environment, under these concurrency settings."""

    name: str
    requests: int
    duration_ms: float
    init_ms: float = 0.0
    spacing_s: float = 0.0
    invocation: Invocation = "sync"
    account_concurrency: int = aws_facts.ACCOUNT_CONCURRENCY
    reserved: int | None = None
    provisioned: int = 0
    scaling_rate: int = aws_facts.SCALING_RATE_ENVIRONMENTS

    def arrivals(self) -> np.ndarray:
        """When each request is sent, in seconds from the start."""
        return np.arange(self.requests, dtype=np.float64) * self.spacing_s

    def to_model(self, seed: int = 0) -> ModelScenario:
        """The same scenario for ``scale_model.simulate``."""
        return ModelScenario(self.arrivals(), Measurements.fixed(self.duration_ms, self.init_ms),
                             invocation=self.invocation, account_concurrency=self.account_concurrency,
                             reserved=self.reserved, provisioned=self.provisioned, scaling_rate=self.scaling_rate,
                             seed=seed)


#: the brief's example, and its neighbours without a reservation and with a slow scaling rate
EXAMPLES = (
    Scenario("reserved", requests=30, duration_ms=500, init_ms=100, account_concurrency=20, reserved=10,
             provisioned=5),
    Scenario("unreserved", requests=30, duration_ms=500, init_ms=100, account_concurrency=20, provisioned=5),
    Scenario("scaling rate", requests=30, duration_ms=500, init_ms=100, scaling_rate=5),
    Scenario("async, reserved", requests=30, duration_ms=500, init_ms=100, account_concurrency=20, reserved=10,
             provisioned=5, invocation="async"),
)


@dataclass(frozen=True)
class Counts:
    """What one run counted (the model's, or the real engine's from its telemetry and REPORT lines)."""

    invocations: int
    cold_starts: int
    warm: int
    provisioned: int
    throttles: Mapping[str, int] = field(default_factory=dict)  # throttled tries by Reason
    expired: int = 0
    zero_reserved: int = 0
    duration_ms_p50: float = math.nan  # median Duration of the requests that ran
    init_ms_p50: float = math.nan  # median Init Duration (or restore) of the cold starts

    @classmethod
    def from_result(cls, result: Result) -> Counts:
        """The counts of a model run."""
        requests, totals = result.requests, result.totals
        served = requests.served
        new = (requests.outcome == COLD) | (requests.outcome == RESTORED)
        return cls(invocations=totals.invocations, cold_starts=totals.cold_starts + totals.restores,
                   warm=totals.warm, provisioned=totals.provisioned, throttles=dict(totals.throttles),
                   expired=totals.expired, zero_reserved=totals.zero_reserved,
                   duration_ms_p50=_median(requests.duration_s[served] * 1000),
                   init_ms_p50=_median(requests.cold_start_s[new] * 1000))


def model_counts(scenario: Scenario, seed: int = 0) -> Counts:
    """What the scale model counts for ``scenario``."""
    return Counts.from_result(simulate(scenario.to_model(seed)))


@dataclass(frozen=True)
class Tolerance:
    """How far apart two counts (absolute) and two durations (a fraction of the model's) may be and still agree;
    ``inits`` for the Init Durations (None: shown side by side, not compared, as when simultaneous inits share a
    laptop's few cores, which AWS's environments do not)."""

    counts: int = 0
    durations: float = 0.25
    inits: float | None = 0.25


@dataclass(frozen=True)
class Row:
    metric: str
    model: float
    real: float
    agrees: bool


@dataclass(frozen=True)
class Comparison:
    """The two runs side by side."""

    rows: tuple[Row, ...]

    @property
    def agrees(self) -> bool:
        return all(row.agrees for row in self.rows)

    def disagreements(self) -> list[Row]:
        return [row for row in self.rows if not row.agrees]

    def table(self) -> str:
        """A plain-text table: metric, model, real, and a mark where they disagree."""
        width = max(len(row.metric) for row in self.rows)
        return "\n".join(f"{row.metric:<{width}}  {_shown(row.model):>10}  {_shown(row.real):>10}"
                         f"{'' if row.agrees else '  <- differs'}" for row in self.rows)


def compare(model: Result | Counts, real: Counts, tolerance: Tolerance = Tolerance()) -> Comparison:
    """Set the model's counts and the real engine's side by side, metric by metric."""
    ours = Counts.from_result(model) if isinstance(model, Result) else model
    rows = [_count_row(name, getattr(ours, name), getattr(real, name), tolerance)
            for name in ("invocations", "cold_starts", "warm", "provisioned", "expired", "zero_reserved")]
    for reason in sorted(set(ours.throttles) | set(real.throttles)):
        rows.append(_count_row(f"throttles: {reason}", ours.throttles.get(reason, 0), real.throttles.get(reason, 0),
                               tolerance))
    for name, fraction in (("duration_ms_p50", tolerance.durations), ("init_ms_p50", tolerance.inits)):
        ours_value, real_value = getattr(ours, name), getattr(real, name)
        both_missing = math.isnan(ours_value) and math.isnan(real_value)
        close = fraction is None or abs(real_value - ours_value) <= fraction * abs(ours_value)
        rows.append(Row(name, ours_value, real_value, both_missing or bool(close)))
    return Comparison(tuple(rows))


def _count_row(metric: str, model: int, real: int, tolerance: Tolerance) -> Row:
    return Row(metric, model, real, abs(model - real) <= tolerance.counts)


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if values.size else math.nan


def _shown(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:g}"

