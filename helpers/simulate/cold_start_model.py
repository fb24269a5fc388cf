"""A cold start at any memory size, modelled from one measured here (pure functions).

What memory does to a cold start (``../shared/reference/lambda-facts.md`` §2 and §8, as of 2026-08):

* **Init Duration: nothing measurable, for a small init.** lambda-perf's daily hello-world runs show the same Init
  Duration at 128 and 1,024 MB (data of 2026-08-22), and observers report that the init phase runs with a burst of
  CPU whatever the memory size (AWS does not document it). The engine measures init at the laptop's full speed, so
  the model keeps a measured Init Duration at every memory size. (For a heavy init some observers saw it shrink
  with more memory, e.g. tecRacer in 2021 with boto3: treat a large init at 128 MB with suspicion on AWS.)
* **Duration: the CPU model** (``helpers.runtime.metering``): the CPU part of the invoke phase is stretched by
  1,769 MB / memory below one vCPU; waiting is not. One-time work left for the first request (a lazy import, the
  first SDK client) pays this stretch; work at init does not.

A measured cold start gives the init, the invoke phase's wall time and its CPU time; ``first_duration_ms`` and
``init_ms`` give the figures at any other memory size. Points measured at other sizes check the model.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from helpers.runtime.metering import cpu_share, modelled_duration_ms


@dataclass(frozen=True)
class Calibration:
    """What one kind of init work costs, from cold starts measured here (milliseconds)."""

    init_ms: float  # median Init Duration
    wall_ms: float  # the first invocation's raw wall time
    cpu_ms: float  # the CPU time it used


def calibrate(runs: Iterable[tuple[float, float, float]]) -> Calibration:
    """Medians of (Init Duration, raw wall ms, CPU ms) of cold starts of one function (at any memory sizes: these
    figures do not depend on it here)."""
    rows = list(runs)
    if not rows:
        raise ValueError("at least one measured cold start is needed")
    return Calibration(*(statistics.median(row[i] for row in rows) for i in range(3)))


def init_ms(calibration: Calibration, memory_mb: int) -> float:
    """Modelled Init Duration at ``memory_mb``: the measured one, whatever the memory size (see the module)."""
    return calibration.init_ms


def first_duration_ms(calibration: Calibration, memory_mb: int) -> float:
    """Modelled Duration of the first invocation at ``memory_mb``: the CPU model applied to the measured run."""
    return modelled_duration_ms(calibration.wall_ms, calibration.cpu_ms, memory_mb)


def curve(calibration: Calibration, memory_sizes: Sequence[int]) -> tuple[list[float], list[float]]:
    """(Init Duration, first Duration) at each memory size."""
    return ([init_ms(calibration, m) for m in memory_sizes], [first_duration_ms(calibration, m) for m in memory_sizes])


def vcpus(memory_mb: int) -> float:
    """The share of one vCPU a single-threaded function gets at this memory size."""
    return cpu_share(memory_mb)


def relative_error(modelled: float, measured: float) -> float:
    """|modelled - measured| / measured."""
    return abs(modelled - measured) / measured if measured else 0.0


@dataclass(frozen=True)
class PublishedInit:
    """A hello-world's average Init Duration on AWS for one runtime (x86_64, zip), as published by a benchmark."""

    runtime: str
    low_ms: float
    high_ms: float
    source: str


# Not measured here. lambda-perf (github.com/maxday/lambda-perf) redeploys a hello-world per runtime every day and
# averages 10 cold starts on AWS; it is a third-party benchmark, not AWS's own figure. Python, Node.js and Java from
# ../shared/reference/lambda-facts.md §8 (data of 2026-08-22, ranges over memory sizes); Go, Rust and .NET from the
# benchmark's data file of 2024-10-23 (128 MB; the newest copy read for this workbook). AWS itself says only that
# cold starts range "from under 100 ms to over 1 second" (Lambda developer guide, 2026).
PUBLISHED_INITS = (
    PublishedInit("Python 3.12", 81, 85, "lambda-perf, 2026-08-22"),
    PublishedInit("Python 3.13", 85, 91, "lambda-perf, 2026-08-22"),
    PublishedInit("Node.js 22", 124, 147, "lambda-perf, 2026-08-22"),
    PublishedInit("Java 21", 231, 277, "lambda-perf, 2026-08-22"),
    PublishedInit(".NET 8", 266, 266, "lambda-perf, 2024-10-23"),
    PublishedInit("Go (provided.al2023)", 48, 48, "lambda-perf, 2024-10-23"),
    PublishedInit("Rust (provided.al2023)", 21, 21, "lambda-perf, 2024-10-23"),
)
