"""AWS Lambda Power Tuning's arithmetic, as its source does it (alexcasalboni/aws-lambda-power-tuning, v4.4,
``lambda/executor.js``, ``analyzer.js``, ``utils.js``; lambda-facts §8), as pure functions over REPORT lines.

For each memory value ("power") the tool invokes the function ``num`` times (at least 5) and reads each REPORT line:

* **speed** of one invocation = Duration + Init Duration + Restore Duration (whichever are present);
* **billed** = Billed Duration + Billed Restore Duration;
* both averaged with a **trimmed mean**: sorted, ``int(n x discardTopBottom)`` values dropped at each end
  (``discardTopBottom`` 0.2 by default, clamped to 0..0.4; always 0 with ``onlyColdStarts``, where the tool
  overrides any value given: every invocation is a cold start and counts);
* **cost** per invocation = ceil(average billed) x the price of 1 ms at 128 MB x (power / 128); the total cost sums
  the same over every invocation.

Then a **strategy** picks one power: ``cost`` (cheapest, ties to the faster), ``speed`` (fastest, ties to the
cheaper) or ``balanced``, which minimises ``w x cost / max cost + (1 - w) x duration / max duration`` with
``balancedWeight`` w in 0..1 (0 = speed, 1 = cost; default 0.5). Powers whose average duration is 0 are left out.

The tool ships its prices as constants (``TOOL_BASE_COST``: x86 2.1e-9, Arm 1.7e-9 dollars per ms at 128 MB);
``base_cost_per_ms`` derives them from the workbook's dated prices instead (x86: $0.0000166667 per GB-s).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from helpers import aws_facts
from helpers.runtime.log_lines import Report, parse_report

DEFAULT_POWER_VALUES = (128, 256, 512, 1024, 1536, 3008)  # the tool's default powerValues
MIN_NUM = 5  # the tool refuses fewer invocations per power ("Missing num or num below 5")
DEFAULT_DISCARD = 0.2
MAX_DISCARD = 0.4
MIN_RAM = 128  # the price unit: 1 ms at 128 MB
STRATEGIES = ("cost", "speed", "balanced")
DEFAULT_BALANCED_WEIGHT = 0.5
TOOL_BASE_COST = {"x86_64": 2.1e-9, "arm64": 1.7e-9}  # the tool's template defaults, us-east-1


class PowerTuningError(ValueError):
    """Input the tool would refuse, with the tool's own wording where it has one."""


def base_cost_per_ms(architecture: str = "x86_64") -> float:
    """Dollars for 1 ms at 128 MB, from the first tier of the on-demand duration price (lambda-facts §3)."""
    if architecture not in aws_facts.DURATION_TIERS:
        raise PowerTuningError(f"Unsupported architecture: {architecture}")
    return aws_facts.DURATION_TIERS[architecture][0][1] * (MIN_RAM / 1024) / 1000


def discard_fraction(discard_top_bottom: float | None = None, only_cold_starts: bool = False) -> float:
    """The share dropped at each end: the given one clamped to 0..0.4, else 0.2; with cold starts only always 0
    (the tool's executor sets it to 0 whatever was given: "every invocation should be accounted")."""
    if only_cold_starts:
        return 0.0
    if discard_top_bottom is None:
        discard_top_bottom = DEFAULT_DISCARD
    return min(max(float(discard_top_bottom), 0.0), MAX_DISCARD)


def trimmed_mean(values: Sequence[float], discard_top_bottom: float) -> float:
    """The tool's average: sort, drop ``int(n x discard)`` values at each end, average the rest (0 for none)."""
    if not values:
        return 0.0
    dropped = int(len(values) * discard_top_bottom)
    kept = sorted(values)[dropped:len(values) - dropped]
    return sum(kept) / len(kept)


def speed_ms(report: Report) -> float:
    """What the tool times an invocation by: Duration + Init Duration + Restore Duration."""
    return report.duration_ms + (report.init_duration_ms or 0.0) + (report.restore_duration_ms or 0.0)


def billed_ms(report: Report) -> int:
    """What the tool prices an invocation by: Billed Duration + Billed Restore Duration."""
    return report.billed_duration_ms + (report.billed_restore_duration_ms or 0)


def invocation_cost(billed: float, power: int, base_cost: float) -> float:
    """The tool's price of ``billed`` ms at ``power`` MB: ceil(billed) x base cost x power / 128."""
    return math.ceil(billed) * base_cost * (power / MIN_RAM)


@dataclass(frozen=True)
class PowerStats:
    """One power's result: average duration (ms) and cost per invocation ($), the total cost of its invocations."""

    power: int
    duration: float
    cost: float
    total_cost: float
    invocations: int


def reports_of(lines_or_reports: Iterable[str | Report]) -> list[Report]:
    """REPORT lines (or Reports) as Reports; other lines are skipped."""
    found = []
    for item in lines_or_reports:
        report = parse_report(item) if isinstance(item, str) else item
        if report is not None:
            found.append(report)
    return found


def power_stats(power: int, reports: Iterable[str | Report], *, discard_top_bottom: float = DEFAULT_DISCARD,
                base_cost: float | None = None) -> PowerStats:
    """The tool's statistics for one power from its invocations' REPORT lines."""
    found = reports_of(reports)
    cost_unit = base_cost_per_ms() if base_cost is None else base_cost
    billed = [billed_ms(report) for report in found]
    return PowerStats(power=int(power),
                      duration=trimmed_mean([speed_ms(report) for report in found], discard_top_bottom),
                      cost=invocation_cost(trimmed_mean(billed, discard_top_bottom), power, cost_unit),
                      total_cost=sum(invocation_cost(value, power, cost_unit) for value in billed),
                      invocations=len(found))


def choose(stats: Sequence[PowerStats], strategy: str = "cost",
           balanced_weight: float = DEFAULT_BALANCED_WEIGHT) -> PowerStats:
    """The power a strategy picks (the analyzer's rules; powers with no duration are left out)."""
    if strategy not in STRATEGIES:
        raise PowerTuningError(f"strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    usable = [item for item in stats if item.duration]
    if not usable:
        raise PowerTuningError("no power has any result to compare")
    if strategy == "cost":
        return min(usable, key=lambda item: (item.cost, item.duration))
    if strategy == "speed":
        return min(usable, key=lambda item: (item.duration, item.cost))
    weight = min(max(float(balanced_weight), 0.0), 1.0)
    max_cost = max(item.cost for item in usable)
    max_duration = max(item.duration for item in usable)
    return min(usable, key=lambda item: weight * item.cost / max_cost + (1 - weight) * item.duration / max_duration)


@dataclass(frozen=True)
class Tuning:
    """A power tuning's outcome: every power's statistics (by power) and the one the strategy picked."""

    stats: tuple[PowerStats, ...]
    best: PowerStats
    strategy: str
    balanced_weight: float

    @property
    def lambda_cost(self) -> float:
        """What the tuning's own invocations cost (the tool's ``stateMachine.lambdaCost``)."""
        return sum(item.total_cost for item in self.stats)


def tune(reports_by_power: Mapping[int, Sequence[str | Report]], *, num: int | None = None, strategy: str = "cost",
         balanced_weight: float = DEFAULT_BALANCED_WEIGHT, only_cold_starts: bool = False,
         discard_top_bottom: float | None = None, architecture: str = "x86_64") -> Tuning:
    """Power tuning over REPORT lines per power. ``num`` uses only each power's first ``num`` invocations (as if
    the tool had been run with that ``num``); it must be at least 5, as the tool requires."""
    if num is not None and num < MIN_NUM:
        raise PowerTuningError("Missing num or num below 5")
    discard = discard_fraction(discard_top_bottom, only_cold_starts)
    base_cost = base_cost_per_ms(architecture)
    stats = tuple(power_stats(power, list(reports)[:num] if num is not None else reports,
                              discard_top_bottom=discard, base_cost=base_cost)
                  for power, reports in sorted(reports_by_power.items()))
    best = choose(stats, strategy, balanced_weight)
    return Tuning(stats, best, strategy, min(max(float(balanced_weight), 0.0), 1.0))
