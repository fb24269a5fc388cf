"""One incarnation of an environment's runtime: its operating-system process, what it writes, its memory and CPU.

An environment starts a new one at every cold start and after every reset (a timeout, a crash, running out of
memory); its output file lasts as long as the environment.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from . import os_process
from .process_probe import ProcessProbe

_OUTPUT_TRIM_BYTES = 1 << 20


class RuntimeProcess:
    """A running runtime, started in a process group of its own with stdout and stderr to ``output_path``."""

    def __init__(self, argv: list[str], *, cwd: Path, env: Mapping[str, str], output_path: Path,
                 pass_fds: tuple[int, ...] = ()) -> None:
        with open(output_path, "ab") as output:
            # A forked child's ru_maxrss starts at this process's own high-water mark (as it was at the fork):
            # only a figure above this process's peak says something about the runtime (see ``reap``).
            self._process = os_process.spawn(argv, cwd=cwd, env=env, output=output, pass_fds=pass_fds)
        self.probe = ProcessProbe(self._process.pid)

    @property
    def pid(self) -> int:
        return self._process.pid

    def poll(self) -> int | None:
        """Its exit code, or None while it runs."""
        return self._process.poll()

    def reap(self, timeout_s: float) -> int:
        """Wait up to ``timeout_s`` for it to exit and collect it (``subprocess.TimeoutExpired`` if it runs on);
        its peak memory from the kernel is kept, as /proc can no longer be read once it has gone."""
        returncode, peak = os_process.reap(self._process, timeout_s)
        if peak > os_process.own_peak_rss_bytes():  # read now: other threads may have grown it since the spawn
            self.probe.record_peak(peak)
        return returncode

    def kill(self) -> int | None:
        """Kill it and every process it started, from outside (handler code cannot catch this); its exit code."""
        os_process.kill(self._process)
        try:
            return self.reap(timeout_s=5)
        except subprocess.TimeoutExpired:
            return None

    def freeze(self) -> None:
        os_process.freeze(self._process)

    def thaw(self) -> None:
        os_process.thaw(self._process)


class OutputLog:
    """An environment's stdout and stderr, read phase by phase: each read returns what was written since the last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.touch()
        self._file = open(path, "rb")  # noqa: SIM115 - kept open for the environment's life

    def read_new(self) -> list[str]:
        """The log events written since the last read: one per line, ``\\r`` marking inner newlines."""
        try:
            data = self._file.read()
        except ValueError:  # closed: the environment was shut down (local AWS stopped) while this phase ran
            return []
        if not data:
            return []
        text = data.decode("utf-8", errors="replace")
        return [line.replace("\r", "\n") for line in text.split("\n") if line]

    def trim(self) -> None:
        """Start the file afresh once it is large (call it when everything is read and the runtime is frozen)."""
        try:
            if self._file.tell() > _OUTPUT_TRIM_BYTES:
                os.truncate(self.path, 0)
                self._file.seek(0)
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        self._file.close()
