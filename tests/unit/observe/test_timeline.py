"""A run's telemetry as one row per execution environment: init, busy spells, throttles, executions in flight."""

from __future__ import annotations

from helpers.lambda_service.telemetry import CONCURRENCY, INVOCATION, THROTTLE, TelemetryEvent
from helpers.observe.timeline import BUSY, INIT, timeline


def ran(end, duration_ms, environment, init_ms=None, function="fn", provisioned=False):
    return TelemetryEvent(end, INVOCATION, function, "$LATEST", duration_ms=duration_ms, init_ms=init_ms,
                          environment=environment, provisioned=provisioned)


def test_rows_spells_and_throttles():
    events = [
        ran(101.2, 1000, "b", init_ms=150),  # init 100.05-100.2, busy 100.2-101.2
        ran(101.1, 1000, "a", init_ms=100),  # init 100.0-100.1, busy 100.1-101.1
        TelemetryEvent(100.3, THROTTLE, "fn", "$LATEST", reason="ConcurrentInvocationLimitExceeded", source="sync"),
        ran(102.5, 500, "a"),  # warm: busy 102.0-102.5
        ran(102.0, 500, "x", function="other"),
        TelemetryEvent(100.5, CONCURRENCY, "fn", "$LATEST", value=2),
    ]
    line = timeline(events, function_name="fn")
    assert line.environments == ("a", "b") and line.origin == 100.0
    assert [(s.row, s.kind) for s in line.segments] == [(0, INIT), (0, BUSY), (0, BUSY), (1, INIT), (1, BUSY)]
    first = line.segments[0]
    assert (round(first.start, 3), round(first.end, 3)) == (0.0, 0.1)
    assert line.cold_starts == 2 and line.invocations == 3
    assert [(round(t.time, 3), t.reason, t.source) for t in line.throttles] == [
        (0.3, "ConcurrentInvocationLimitExceeded", "sync")]
    assert round(line.end, 3) == 2.5
    assert list(line.in_flight([0.01, 0.5, 1.15, 1.5, 2.2])) == [1, 2, 1, 0, 1]
    assert line.peak_in_flight() == 2


def test_since_sets_time_zero_and_filters():
    events = [ran(5.0, 1000, "old"), ran(12.0, 1000, "new", init_ms=500)]
    line = timeline(events, since=10.0)
    assert line.environments == ("new",) and round(line.segments[0].start, 3) == 0.5


def test_an_empty_run():
    line = timeline([])
    assert line.environments == () and line.peak_in_flight() == 0 and line.end == 0.0
    assert list(line.in_flight([0.0, 1.0])) == [0, 0]
