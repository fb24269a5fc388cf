"""The CPU model over memory sizes, calibrated on real runs: what Duration and cost a function would have at any
memory size, from the wall and CPU time measured here at one size.

The engine's rule (``helpers.runtime.metering``): Duration = wall + CPU x (1 / share - 1), share = min(memory /
1,769 MB, 1). Measured on a full laptop core, an invocation splits into CPU time and the rest (waiting: I/O, the
downstream, the Runtime API), so at any memory size

    Duration(memory) = wait + CPU / share(memory)

Only the CPU part depends on memory. ``calibrate`` takes the medians of runs measured at one size; ``duration_ms``
and ``cost_per_million`` then give the model's curve, which the notebook draws beside the REPORT lines of real runs
at a few sizes.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from helpers.runtime.metering import cpu_share
from helpers.simulate.pricing import Usage, cost


@dataclass(frozen=True)
class Calibration:
    """One function's invocation, as measured on a full core: CPU time and the rest (waiting), in ms."""

    cpu_ms: float
    wait_ms: float


def calibrate(measured_ms: Sequence[float], cpu_ms: Sequence[float]) -> Calibration:
    """The medians of warm runs' wall and CPU times (ms), measured on this machine's full core."""
    if not measured_ms or len(measured_ms) != len(cpu_ms):
        raise ValueError("give as many CPU times as wall times, at least one")
    cpu = statistics.median(cpu_ms)
    wait = statistics.median(max(wall - used, 0.0) for wall, used in zip(measured_ms, cpu_ms))
    return Calibration(cpu, wait)


def duration_ms(calibration: Calibration, memory_mb: int) -> float:
    """The Duration the model gives at ``memory_mb``: wait + CPU / share."""
    return calibration.wait_ms + calibration.cpu_ms / cpu_share(memory_mb)


def cost_per_million(duration: float, memory_mb: int, architecture: str = "x86_64") -> float:
    """Dollars per million warm invocations of ``duration`` ms (rounded up to 1 ms) at ``memory_mb``, requests
    included, no free tier."""
    invocations = 1_000_000
    usage = Usage(memory_mb=memory_mb, requests=invocations, billed_ms=math.ceil(duration) * invocations,
                  architecture=architecture)
    return cost(usage).total_usd
