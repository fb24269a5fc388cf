"""helpers/observe/waiting.py: wait_until polls until its condition holds, or gives up at its deadline."""

from __future__ import annotations

import time

from helpers.observe import wait_until


def test_wait_until_returns_as_soon_as_the_condition_holds():
    answers = iter([False, 0, [], "yes"])
    started = time.monotonic()
    assert wait_until(lambda: next(answers), timeout_s=5, interval_s=0.01) is True
    assert time.monotonic() - started < 1


def test_wait_until_gives_up_at_its_deadline():
    started = time.monotonic()
    assert wait_until(lambda: False, timeout_s=0.2, interval_s=0.05) is False
    assert 0.2 <= time.monotonic() - started < 1
