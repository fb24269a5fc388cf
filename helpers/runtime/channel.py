"""The platform's side of one runtime's conversation over the Runtime API: has it asked for work (ready), what
did it answer for the request in flight, did it report an init error or hang up; with SnapStart, when it asked
``restore/next`` and whether an after-restore hook failed.

The Runtime API server (``runtime_api.py``) calls the ``on_*`` methods from its threads; the environment waits on
the channel for what it needs to know next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .runtime_api import NextEvent


@dataclass
class Answer:
    """The state of the one invocation in flight."""

    request_id: str
    started_at: float | None = None
    ended_at: float | None = None
    kind: str | None = None  # "response" | "error"
    body: bytes = b""
    error_type: str | None = None


class RuntimeChannel:
    """What one runtime process has said so far; thread-safe."""

    def __init__(self, on_init_error: Callable[[], None] = lambda: None) -> None:
        self._changed = threading.Condition()
        self._queue = _EventQueue()
        self._on_init_error = on_init_error  # called before the init error is recorded (to read memory in time)
        self.ready_at: float | None = None
        self.init_error: tuple[str, bytes] | None = None
        self.disconnected = False
        self.answer: Answer | None = None
        self.restore_next_at: float | None = None  # SnapStart: when the runtime asked restore/next
        self.restore_error: tuple[str, bytes] | None = None
        # A snapshot's template: its init ends when it asks restore/next (ready for the snapshot), not /next;
        # one that is not kept (it cannot fork) is never answered, so its after-restore hooks never run.
        self.ready_on_restore_next = False
        self.hold_restore_next = False
        self._closed = False

    def restart(self) -> None:
        """A new runtime process starts: forget what the previous one said."""
        with self._changed:
            self._queue.close()
            self._queue = _EventQueue()
            self.ready_at = None
            self.init_error = None
            self.disconnected = False
            self.restore_next_at = None
            self.restore_error = None
            self._closed = False

    def close(self) -> None:
        """The runtime is gone: release a waiting ``/next`` with no event (and a held ``restore/next``)."""
        with self._changed:
            self._queue.close()
            self._closed = True
            self._changed.notify_all()

    def send(self, event: NextEvent) -> Answer:
        """Hand ``event`` to the runtime's next ``/next``; its answer will be in the returned ``Answer``."""
        answer = Answer(event.request_id)
        with self._changed:
            self.answer = answer
        self._queue.put(event)
        return answer

    def finish(self) -> None:
        with self._changed:
            self.answer = None

    def alive_again(self) -> None:
        """The runtime's connection dropped but the process is still running (a curl bootstrap reconnects)."""
        with self._changed:
            self.disconnected = False

    def wait(self, done: Callable[[], bool], deadline: float) -> bool:
        """Wait until ``done()`` or the deadline (monotonic); True if done."""
        with self._changed:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
            return True

    # ------------------------------------------------------------------ RuntimeAPIListener (server threads)

    def on_next(self) -> NextEvent | None:
        queue = self._queue
        with self._changed:
            self.disconnected = False  # it asks for work: alive (a curl bootstrap opens a connection per request)
            if self.ready_at is None:
                self.ready_at = time.perf_counter()
                self._changed.notify_all()
        event = queue.get()
        if event is not None:
            with self._changed:
                if self.answer is not None and self.answer.request_id == event.request_id:
                    self.answer.started_at = time.perf_counter()
        return event

    def _finish(self, request_id: str, kind: str, body: bytes, error_type: str | None) -> bool:
        with self._changed:
            answer = self.answer
            if answer is None or answer.request_id != request_id or answer.kind is not None:
                return False
            answer.ended_at = time.perf_counter()
            answer.kind, answer.body, answer.error_type = kind, body, error_type
            self._changed.notify_all()
            return True

    def on_response(self, request_id: str, body: bytes, content_type: str) -> bool:
        return self._finish(request_id, "response", body, None)

    def on_error(self, request_id: str, error_type: str, body: bytes) -> bool:
        return self._finish(request_id, "error", body, error_type)

    def on_init_error(self, error_type: str, body: bytes) -> None:
        self._on_init_error()
        with self._changed:
            self.init_error = (error_type, body)
            self._changed.notify_all()

    def on_restore_next(self) -> None:
        with self._changed:
            self.disconnected = False
            self.restore_next_at = time.perf_counter()
            if self.ready_on_restore_next and self.ready_at is None:
                self.ready_at = self.restore_next_at
            self._changed.notify_all()
            while self.hold_restore_next and not self._closed:
                self._changed.wait()

    def on_restore_error(self, error_type: str, body: bytes) -> None:
        with self._changed:
            self.restore_error = (error_type, body)
            self._changed.notify_all()

    def on_disconnect(self) -> None:
        with self._changed:
            self.disconnected = True
            self._changed.notify_all()


class _EventQueue:
    """A one-consumer queue for /next; closing it releases a waiting /next with None."""

    def __init__(self) -> None:
        self._items: list[NextEvent | None] = []
        self._ready = threading.Condition()

    def put(self, item: NextEvent | None) -> None:
        with self._ready:
            self._items.append(item)
            self._ready.notify()

    def close(self) -> None:
        self.put(None)

    def get(self) -> NextEvent | None:
        with self._ready:
            while not self._items:
                self._ready.wait()
            item = self._items.pop(0)
            if item is None:
                self._items.append(None)  # stay closed for any later reader
            return item
