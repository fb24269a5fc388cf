"""What the scale model samples: durations, init and restore times as measured (or as the caller states them).

The model never invents a figure. ``from_reports`` reads REPORT lines (the local engine's or CloudWatch's) with
``helpers.runtime.log_lines.parse_report``: every line's Duration is a duration sample, every Init Duration (a cold
start's) an init sample, every Restore Duration (SnapStart) a restore sample. ``fixed`` states the figures for simple
cases. Samples are kept in milliseconds, as REPORT prints them; the model draws from them with a seeded generator
(uniformly among the samples, with replacement), so a run is deterministic for a given seed. A figure with no
sample (no Init Duration measured, say) counts as 0 ms: state it with ``fixed`` to see its effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from helpers.runtime.log_lines import parse_report

# parse_report's Report has no field for SnapStart's restore; read it from the line itself
_RESTORE = re.compile(r"(?:^|\t)Restore Duration: ([0-9.]+) ms")


@dataclass(frozen=True, eq=False)
class Measurements:
    """Samples of one function's figures, in milliseconds (read-only arrays)."""

    duration_ms: np.ndarray
    init_ms: np.ndarray
    restore_ms: np.ndarray
    memory_mb: int | None = None  # the Memory Size the samples were measured at, if known

    def __post_init__(self) -> None:
        for name in ("duration_ms", "init_ms", "restore_ms"):
            values = np.array(getattr(self, name), dtype=np.float64).reshape(-1)
            if values.size and (not np.all(np.isfinite(values)) or values.min() < 0):
                raise ValueError(f"{name} must hold finite, non-negative milliseconds")
            values.setflags(write=False)
            object.__setattr__(self, name, values)
        if not self.duration_ms.size:
            raise ValueError("at least one duration is needed")

    @classmethod
    def fixed(cls, duration_ms: float, init_ms: float | None = None, restore_ms: float | None = None,
              memory_mb: int | None = None) -> Measurements:
        """One figure each: every request runs ``duration_ms``, every new environment spends ``init_ms`` (or
        ``restore_ms`` under SnapStart)."""
        return cls(np.array([duration_ms]), np.array([] if init_ms is None else [init_ms]),
                   np.array([] if restore_ms is None else [restore_ms]), memory_mb)

    @classmethod
    def from_reports(cls, lines: Iterable[str]) -> Measurements:
        """The samples in these log lines (lines that are not REPORT lines are skipped)."""
        durations: list[float] = []
        inits: list[float] = []
        restores: list[float] = []
        memory: set[int] = set()
        for line in lines:
            report = parse_report(line)
            if report is None:
                continue
            durations.append(report.duration_ms)
            memory.add(report.memory_size_mb)
            if report.init_duration_ms is not None:
                inits.append(report.init_duration_ms)
            if (restore := _RESTORE.search(line)) is not None:
                restores.append(float(restore.group(1)))
        if len(memory) > 1:
            raise ValueError(f"the REPORT lines come from different memory sizes: {sorted(memory)}")
        return cls(np.array(durations), np.array(inits), np.array(restores), memory.pop() if memory else None)

    def draw(self, samples: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
        """Indices of ``count`` draws from ``samples`` (one of this object's arrays), with replacement. An empty
        array of samples (a figure not measured) is drawn as a single 0 ms: pass it through ``values``."""
        if samples.size <= 1:
            return np.zeros(count, dtype=np.intp)
        return rng.integers(0, samples.size, count)

    @staticmethod
    def values(samples: np.ndarray) -> np.ndarray:
        """The samples the indices of ``draw`` point into (a single 0 ms if nothing was measured)."""
        return samples if samples.size else np.zeros(1)
