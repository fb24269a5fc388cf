"""What the database itself says: how many connections the functions hold (``pg_stat_activity``), over time, and
how many orders they wrote.

    >>> app_connections(db)                        # connections role ``app`` holds right now
    3
    >>> with ConnectionSampler(db) as sampler:     # sample every 20 ms while a burst runs
    ...     burst(...)
    >>> sampler.peak, sampler.samples[:2]
    (6, [(0.0, 0), (0.021, 4)])
"""

from __future__ import annotations

import threading
import time
from typing import Any

from .server import PostgresServer

_COUNT_APP = "SELECT count(*) FROM pg_stat_activity WHERE usename = :user"


def app_connections(server: PostgresServer) -> int:
    """How many connections the functions' role holds now, as the server counts them."""
    admin = server.connect(admin=True)
    try:
        return int(admin.run(_COUNT_APP, user=server.app_user)[0][0])
    finally:
        admin.close()


def order_count(server: PostgresServer) -> int:
    """How many rows the ``orders`` table has (read on a superuser connection, so never refused)."""
    admin = server.connect(admin=True, database=server.database)
    try:
        return int(admin.run("SELECT count(*) FROM orders")[0][0])
    finally:
        admin.close()


class ConnectionSampler:
    """Counts the functions' connections every ``interval_s`` on one superuser connection (a reserved slot, so it
    is never refused), in a background thread, between ``with`` and its end."""

    def __init__(self, server: PostgresServer, interval_s: float = 0.02) -> None:
        self._server = server
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Any = None
        self.samples: list[tuple[float, int]] = []  # (seconds since the start, connections)

    @property
    def peak(self) -> int:
        return max((count for _, count in self.samples), default=0)

    def __enter__(self) -> ConnectionSampler:
        self._connection = self._server.connect(admin=True)
        self._started = time.perf_counter()
        self._sample()
        self._thread = threading.Thread(target=self._run, name="pg-connection-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._sample()
        self._connection.close()

    def _sample(self) -> None:
        count = int(self._connection.run(_COUNT_APP, user=self._server.app_user)[0][0])
        self.samples.append((round(time.perf_counter() - self._started, 4), count))

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self._sample()
