"""The laptop's own limit: how many execution environment processes may live at once.

AWS runs a thousand environments for an account without blinking; a laptop cannot. Past this cap the engine does
not start another process: it first shuts down the environment that has been idle longest (of any function; never
a provisioned one), and if none is idle the invocation **waits** until one frees up. Nothing is refused or lost for
it, and every wait is published on the telemetry stream (kind ``wait``), so a notebook can show when the laptop,
not Lambda, was the limit. A model (``helpers/simulate``) goes where the cap stops the real thing.

The default comes from the machine: half of the memory free at start-up at ``ENVIRONMENT_BUDGET_MB`` per
environment (a Python runtime that imports boto3 is about 70 MB; a trivial one about 15 MB), and at most
``PER_CORE`` per core, never fewer than ``MINIMUM``. ``start(max_environments=N)``, ``--max-environments N``,
``cloud.environment_slots.limit = N`` or, for every kernel on a shared machine, the environment variable
``LAMBDA_WORKBOOK_MAX_ENVIRONMENTS`` set another.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import psutil

ENVIRONMENT_BUDGET_MB = 64
PER_CORE = 64
MINIMUM = 8


def default_limit(available_bytes: int | None = None, cores: int | None = None) -> int:
    """The cap for this machine: from its free memory and its cores."""
    available = psutil.virtual_memory().available if available_bytes is None else available_bytes
    cores = (os.cpu_count() or 1) if cores is None else cores
    by_memory = int(available * 0.5) // (ENVIRONMENT_BUDGET_MB * 1024 * 1024)
    return max(MINIMUM, min(by_memory, cores * PER_CORE))


CAP_VARIABLE = "LAMBDA_WORKBOOK_MAX_ENVIRONMENTS"


def limit_from_environment(environ: dict[str, str] | None = None) -> int | None:
    """The cap an instructor set for every learner's kernel (``LAMBDA_WORKBOOK_MAX_ENVIRONMENTS``), or None."""
    value = (os.environ if environ is None else environ).get(CAP_VARIABLE, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{CAP_VARIABLE} must be a whole number of at least 1, not {value!r}")
    return int(value)


class EnvironmentSlots:
    """A count of live environment processes against the cap. ``take`` waits for a slot; ``give`` frees one."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the cap on live environments must be at least 1")
        self._limit = limit
        self._used = 0
        self._changed = threading.Condition()
        self.peak = 0  # the most ever live at once
        self.waits = 0  # how many times an invocation or allocation had to wait

    @property
    def limit(self) -> int:
        return self._limit

    @limit.setter
    def limit(self, value: int) -> None:
        if value < 1:
            raise ValueError("the cap on live environments must be at least 1")
        with self._changed:
            self._limit = value
            self._changed.notify_all()

    @property
    def used(self) -> int:
        with self._changed:
            return self._used

    def try_take(self) -> bool:
        """Take a slot if one is free now."""
        with self._changed:
            if self._used >= self._limit:
                return False
            self._used += 1
            self.peak = max(self.peak, self._used)
            return True

    def take(self, *, make_room: Callable[[], bool], on_wait: Callable[[], None],
             stopped: Callable[[], bool] = lambda: False) -> bool:
        """Take a slot: a free one, else one that ``make_room`` frees (by shutting an idle environment down),
        else wait for one, calling ``on_wait`` once. False if ``stopped`` says to give up."""
        waited = False
        while not stopped():
            if self.try_take():
                return True
            if make_room():
                continue
            if not waited:
                waited = True
                self.note_wait()
                on_wait()
            self.wait(0.25)
        return False

    def note_wait(self) -> None:
        with self._changed:
            self.waits += 1

    def give(self) -> None:
        """An environment process is gone."""
        with self._changed:
            self._used = max(self._used - 1, 0)
            self._changed.notify_all()

    def notify(self) -> None:
        """Something a waiter may use changed (an environment became idle)."""
        with self._changed:
            self._changed.notify_all()

    def wait(self, timeout_s: float) -> None:
        with self._changed:
            self._changed.wait(timeout_s)
