"""Waiting, with a deadline, for something to happen in the background (a poller, an asynchronous invocation)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(condition: Callable[[], Any], timeout_s: float = 15.0, interval_s: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout_s`` (real seconds) have passed; return whether it came true."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)
