"""A real run drawn as Lambda counts it: one row per execution environment, each with its init, its busy spells
and its idle gaps, and the throttles, read from the local AWS's telemetry stream.

Every ``invocation`` event carries its REPORT's figures (Duration, Init Duration) and the environment it ran in (its
log stream); it is published when the invocation ends, so the handler ran from ``time - Duration`` and a cold
start's init before that. Pure functions over the events: no engine, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from helpers.lambda_service.telemetry import INVOCATION, THROTTLE, TelemetryEvent

INIT, BUSY = "init", "busy"


@dataclass(frozen=True)
class Segment:
    """One spell of one environment (``row`` indexes ``Timeline.environments``), seconds from the run's start."""

    row: int
    start: float
    end: float
    kind: str  # INIT or BUSY
    provisioned: bool = False


@dataclass(frozen=True)
class Throttle:
    time: float
    reason: str
    source: str


@dataclass(frozen=True)
class Timeline:
    """What each environment did, and who was throttled when; times in seconds from ``origin`` (workbook time)."""

    environments: tuple[str, ...]
    segments: tuple[Segment, ...]
    throttles: tuple[Throttle, ...]
    origin: float
    end: float

    @property
    def cold_starts(self) -> int:
        return sum(segment.kind == INIT for segment in self.segments)

    @property
    def invocations(self) -> int:
        return sum(segment.kind == BUSY for segment in self.segments)

    def in_flight(self, times: Iterable[float]) -> np.ndarray:
        """Executions in flight (an init counts: the request is waiting in it) at each of ``times``."""
        at = np.asarray(list(times), dtype=np.float64)
        spans = self._executions()
        if not spans:
            return np.zeros(at.size, dtype=np.int64)
        starts = np.sort([start for start, _ in spans])
        ends = np.sort([end for _, end in spans])
        return (np.searchsorted(starts, at, "right") - np.searchsorted(ends, at, "right")).astype(np.int64)

    def peak_in_flight(self) -> int:
        """The most executions in flight at any instant."""
        spans = self._executions()
        moments = [start for start, _ in spans]
        return int(self.in_flight(moments).max()) if moments else 0

    def _executions(self) -> list[tuple[float, float]]:
        """Each execution from its init's start (cold) or its handler's start (warm) to its end."""
        by_row: dict[int, list[Segment]] = {}
        for segment in self.segments:
            by_row.setdefault(segment.row, []).append(segment)
        spans = []
        for segments in by_row.values():
            pending_init = None
            for segment in sorted(segments, key=lambda s: (s.start, s.kind != INIT)):
                if segment.kind == INIT:
                    pending_init = segment.start
                else:
                    spans.append((pending_init if pending_init is not None else segment.start, segment.end))
                    pending_init = None
        return spans


def timeline(events: Iterable[TelemetryEvent], *, function_name: str | None = None,
             since: float | None = None) -> Timeline:
    """The timeline of the ``invocation`` and ``throttle`` events given (of one function, from a workbook time on).
    Time 0 is ``since``, or the first thing that happened."""
    chosen = [event for event in events if event.kind in (INVOCATION, THROTTLE)
              and (function_name is None or event.function_name == function_name)
              and (since is None or event.time >= since)]
    spells = []  # (environment, init start, handler start, end, provisioned)
    throttles = []
    for event in chosen:
        if event.kind == THROTTLE:
            throttles.append(event)
            continue
        handler_start = event.time - event.duration_ms / 1000
        init_start = handler_start - event.init_ms / 1000 if event.init_ms is not None else None
        spells.append((event.environment or f"environment {len(spells) + 1}", init_start, handler_start, event.time,
                       event.provisioned))
    starts = [init if init is not None else start for _, init, start, _, _ in spells] + [t.time for t in throttles]
    origin = since if since is not None else (min(starts) if starts else 0.0)
    first_seen: dict[str, float] = {}
    for environment, init, start, _, _ in sorted(spells, key=lambda s: s[1] if s[1] is not None else s[2]):
        first_seen.setdefault(environment, init if init is not None else start)
    environments = tuple(sorted(first_seen, key=lambda name: (first_seen[name], name)))
    rows = {name: index for index, name in enumerate(environments)}
    segments = []
    for environment, init, start, end, provisioned in spells:
        if init is not None:
            segments.append(Segment(rows[environment], init - origin, start - origin, INIT, provisioned))
        segments.append(Segment(rows[environment], start - origin, end - origin, BUSY, provisioned))
    marks = tuple(Throttle(event.time - origin, event.reason, event.source) for event in throttles)
    ends = [segment.end for segment in segments] + [mark.time for mark in marks]
    return Timeline(environments, tuple(sorted(segments, key=lambda s: (s.row, s.start))), marks, origin,
                    max(ends) if ends else 0.0)
