"""The workbook clock: the time retries, schedules, batching windows and idle reclaim run on.

Real time by default. A notebook can run it faster (``time_scale=60``: a workbook minute per real second) or
jump ahead (``advance(7 * 86400)``: a week, with every timer due in it fired in order, each at its own time).

Timers run on a bounded pool of worker threads (``workers``), never a thread each. Work that real time would run
at once runs at once in ``advance`` too: timers due within ``SIMULTANEOUS_S`` of each other start together, and
the jump goes on when they have all finished.

    >>> clock = WorkbookClock()
    >>> clock.call_later(60, lambda due: print("a minute later"))
    >>> clock.advance(60)
    a minute later
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for_all
from datetime import datetime, timezone


DEFAULT_WORKERS = 64
SIMULTANEOUS_S = 1.0  # in advance(): timers due this close together start together, as in real time


class Timer:
    """A callback due at a workbook time; ``cancel()`` stops it from firing."""

    __slots__ = ("due", "callback", "cancelled")

    def __init__(self, due: float, callback: Callable[[float], None]) -> None:
        self.due, self.callback, self.cancelled = due, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class WorkbookClock:
    """Workbook time in epoch seconds, and timers that fire on it."""

    def __init__(self, time_scale: float = 1.0, start: float | None = None, *,
                 workers: int = DEFAULT_WORKERS) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive (workbook seconds per real second)")
        self._changed = threading.Condition()
        self._scale = time_scale
        self._anchor_real = time.monotonic()
        self._anchor_time = time.time() if start is None else start
        self._timers: list[tuple[float, int, Timer]] = []
        self._sequence = itertools.count()
        self._stopped = False
        self._advancing = threading.Lock()
        self._paused = False  # while advance() runs, it alone fires timers, in order
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="workbook-timer")
        threading.Thread(target=self._run, name="workbook-clock", daemon=True).start()

    # ------------------------------------------------------------------ reading the time

    def now(self) -> float:
        """Workbook time, as epoch seconds."""
        with self._changed:
            return self._now()

    def _now(self) -> float:
        return self._anchor_time + (time.monotonic() - self._anchor_real) * self._scale

    def datetime(self) -> datetime:
        """Workbook time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), timezone.utc)

    @property
    def time_scale(self) -> float:
        return self._scale

    def set_time_scale(self, time_scale: float) -> None:
        """Run faster or slower from now on (workbook seconds per real second)."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive (workbook seconds per real second)")
        with self._changed:
            self._anchor_time, self._anchor_real = self._now(), time.monotonic()
            self._scale = time_scale
            self._changed.notify_all()

    # ------------------------------------------------------------------ timers

    def call_at(self, when: float, callback: Callable[[float], None]) -> Timer:
        """Call ``callback(due_time)`` when workbook time reaches ``when``."""
        timer = Timer(when, callback)
        with self._changed:
            heapq.heappush(self._timers, (when, next(self._sequence), timer))
            self._changed.notify_all()
        return timer

    def call_later(self, delay_s: float, callback: Callable[[float], None]) -> Timer:
        return self.call_at(self.now() + delay_s, callback)

    def advance(self, seconds: float) -> int:
        """Jump ahead, firing every timer due on the way, in order, each seeing its own due time; return how many
        fired. Timers that those callbacks set inside the window fire too."""
        if seconds < 0:
            raise ValueError("the workbook clock does not go backwards")
        with self._advancing:
            with self._changed:
                self._paused = True
            try:
                return self._advance_to(self.now() + seconds)
            finally:
                with self._changed:
                    self._paused = False
                    self._changed.notify_all()

    def _advance_to(self, target: float) -> int:
        fired = 0
        while True:
            with self._changed:
                batch = self._pop_batch(target)
                if not batch:
                    self._anchor_time, self._anchor_real = max(target, self._now()), time.monotonic()
                    self._changed.notify_all()
                    return fired
                if batch[0].due > self._now():
                    self._anchor_time, self._anchor_real = batch[0].due, time.monotonic()
            if len(batch) == 1:
                _fire(batch[0])
            else:  # started together, as real time would; the jump goes on when all have finished
                wait_for_all([self._pool.submit(_fire, timer) for timer in batch])
            fired += len(batch)

    def _pop_batch(self, limit: float) -> list[Timer]:
        """The next timer due by ``limit`` and every other due within ``SIMULTANEOUS_S`` of it (and by ``limit``)."""
        first = self._pop_due(limit)
        if first is None:
            return []
        batch = [first]
        while (following := self._pop_due(min(first.due + SIMULTANEOUS_S, limit))) is not None:
            batch.append(following)
        return batch

    def _pop_due(self, limit: float) -> Timer | None:
        while self._timers and self._timers[0][0] <= limit:
            _, _, timer = heapq.heappop(self._timers)
            if not timer.cancelled:
                return timer
        return None

    def pending(self) -> int:
        """Timers not fired yet."""
        with self._changed:
            return sum(1 for _, _, timer in self._timers if not timer.cancelled)

    def _run(self) -> None:
        """Fire timers as real time reaches them (on the worker pool, so a slow one delays no other)."""
        while True:
            with self._changed:
                if self._stopped:
                    return
                if self._paused:
                    self._changed.wait(0.05)
                    continue
                timer = self._pop_due(self._now())
                if timer is None:
                    wait = None
                    if self._timers:
                        wait = max((self._timers[0][0] - self._now()) / self._scale, 0.001)
                    self._changed.wait(min(wait, 1.0) if wait is not None else 1.0)
                    continue
            try:
                self._pool.submit(_fire, timer)
            except RuntimeError:  # stopped meanwhile
                return

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._timers.clear()
            self._changed.notify_all()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _fire(timer: Timer) -> None:
    try:
        timer.callback(timer.due)
    except Exception:  # noqa: BLE001 - one failing timer must not stop the clock
        import logging

        logging.getLogger(__name__).exception("a workbook timer failed")
