"""The loop both kinds of pollers share: watch the event source mappings of one kind of source, and start the
workers each one needs (new mappings, or more workers when a mapping's concurrency is raised). A worker ends by
itself when its mapping is deleted."""

from __future__ import annotations

import threading
from collections.abc import Callable

from helpers.moto_seam.state import MotoState
from helpers.moto_seam.views import MappingView

WATCH_INTERVAL_S = 0.2


class MappingWatch:
    """Runs ``worker(mapping_uuid, index)`` threads, ``wanted(mapping)`` of them per mapping of ``source``."""

    def __init__(self, state: MotoState, source: str, name: str, *, wanted: Callable[[MappingView], int],
                 worker: Callable[[str, int], None], started: Callable[[MappingView], None]) -> None:
        self._state = state
        self._source = source
        self._name = name
        self._wanted = wanted
        self._worker = worker
        self._started = started
        self._workers: dict[str, int] = {}  # mapping uuid -> workers started
        self.stopped = threading.Event()
        threading.Thread(target=self._watch, name=f"{name}-mappings", daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()

    def _watch(self) -> None:
        while not self.stopped.wait(WATCH_INTERVAL_S):
            mappings = self._state.mappings(self._source)
            live = {mapping.uuid for mapping in mappings}
            for gone in set(self._workers) - live:  # deleted: its workers have ended or are ending
                del self._workers[gone]
            for mapping in mappings:
                if mapping.uuid not in self._workers:
                    self._workers[mapping.uuid] = 0
                    self._started(mapping)
                while self._workers[mapping.uuid] < self._wanted(mapping):
                    index = self._workers[mapping.uuid]
                    threading.Thread(target=self._worker, args=(mapping.uuid, index), daemon=True,
                                     name=f"{self._name}-{mapping.uuid[:8]}-{index}").start()
                    self._workers[mapping.uuid] += 1
