"""A downstream service on this machine for an I/O-bound function to wait on: an HTTP server on loopback that does
real work for each request (it checks a password the way an authentication service does: PBKDF2-HMAC-SHA256 with
many iterations, which is slow on purpose). Nothing sleeps: the time a request takes is that work, measured.

    >>> service = start_downstream()       # once per kernel; again returns the same running service
    >>> service.url                         # http://127.0.0.1:<port>/check
    >>> service.stop()

It runs in threads of the calling process (hashlib's PBKDF2 releases the GIL while it works), so it ends with the
kernel; a function's execution environments are other processes and reach it over loopback like any service.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITERATIONS = 100_000  # PBKDF2 rounds per request: the service's work (some 30 ms on a laptop core)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        started = time.perf_counter()
        digest = hashlib.pbkdf2_hmac("sha256", b"correct horse", b"per-user-salt", self.server.iterations)
        body = json.dumps({"checked": True, "digest": digest.hex()[:16],
                           "service_ms": round((time.perf_counter() - started) * 1000, 2)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet: no access log in the notebook
        pass


class Downstream:
    """A running downstream service."""

    def __init__(self, iterations: int = ITERATIONS) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.iterations = iterations  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="downstream", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/check"
        self.running = True

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self.running:
            self._server.shutdown()
            self._server.server_close()
            self.running = False


_current: Downstream | None = None


def start_downstream(iterations: int = ITERATIONS) -> Downstream:
    """The kernel's downstream service, started if it is not running."""
    global _current
    if _current is None or not _current.running:
        _current = Downstream(iterations)
    return _current


def stop_downstream() -> None:
    """Stop the kernel's downstream service, if one runs."""
    if _current is not None:
        _current.stop()
