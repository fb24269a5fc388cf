"""helpers/clock.py: workbook time, running faster, and jumping ahead with timers fired in order."""

from __future__ import annotations

import threading
import time

import pytest

from helpers.clock import WorkbookClock


@pytest.fixture
def clock():
    running = WorkbookClock(start=1_000_000.0)
    yield running
    running.stop()


def test_real_time_by_default(clock):
    before = clock.now()
    time.sleep(0.05)
    assert 0.04 <= clock.now() - before < 1.0


def test_advance_fires_due_timers_in_order_each_at_its_time(clock):
    seen: list[tuple[str, float, float]] = []
    start = clock.now()
    for name, delay in (("third", 300), ("first", 60), ("second", 120), ("later", 10_000)):
        clock.call_later(delay, lambda due, name=name: seen.append((name, due, clock.now())))
    assert clock.advance(600) == 3
    assert [name for name, _, _ in seen] == ["first", "second", "third"]
    for _, due, now in seen:
        assert now == pytest.approx(due, abs=0.01)  # the callback sees its own time, not the end of the jump
    assert clock.now() == pytest.approx(start + 600, abs=0.5)
    assert clock.pending() == 1


def test_timers_set_by_callbacks_inside_the_window_fire_too(clock):
    seen: list[float] = []

    def retry(due: float) -> None:
        seen.append(due)
        if len(seen) < 3:
            clock.call_later(60, retry)

    clock.call_later(60, retry)
    clock.advance(300)
    assert [round(b - a) for a, b in zip(seen, seen[1:])] == [60, 60]


def test_cancelled_timers_do_not_fire(clock):
    seen: list[float] = []
    clock.call_later(10, seen.append).cancel()
    clock.advance(60)
    assert seen == []


def test_faster_time_fires_timers_in_real_time(clock):
    clock.set_time_scale(600)  # ten workbook minutes per real second
    fired = threading.Event()
    clock.call_later(60, lambda due: fired.set())
    assert fired.wait(2)


def test_a_failing_timer_does_not_stop_the_clock(clock):
    seen: list[float] = []
    clock.call_later(1, lambda due: 1 / 0)
    clock.call_later(2, seen.append)
    clock.advance(5)
    assert len(seen) == 1


def test_bad_arguments():
    with pytest.raises(ValueError):
        WorkbookClock(time_scale=0)
    clock = WorkbookClock()
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.stop()


def test_advance_starts_timers_due_together_at_once_and_waits_for_them(clock):
    running, peak, lock = [0], [0], threading.Lock()

    def work(due: float) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1

    for _ in range(10):
        clock.call_later(30, work)
    began = time.monotonic()
    assert clock.advance(60) == 10
    assert peak[0] == 10 and running[0] == 0  # all at once, all finished when advance returns
    assert time.monotonic() - began < 1.5


def test_timers_run_on_a_bounded_pool_of_workers():
    clock = WorkbookClock(workers=3)
    try:
        names: set[str] = set()
        done = threading.Event()
        for index in range(20):
            clock.call_later(0, lambda due, index=index: (names.add(threading.current_thread().name),
                                                          index == 19 and done.set()))
        assert done.wait(5)
        assert len(names) <= 3
    finally:
        clock.stop()
