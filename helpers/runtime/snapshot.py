"""SnapStart's snapshot of one published version: a runtime initialised once, kept as a frozen *template process*,
and copied (``fork``, copy-on-write) into every new environment of that version.

    publish ──▶ SnapshotTemplate.create(): INIT_START, the import, the before-snapshot hooks, INIT_REPORT; frozen
    restore ──▶ SnapshotTemplate.restore(...): thawed, forks one copy for the new environment, frozen again;
                the copy takes a process group, an output file, variables and a Runtime API of its own, and runs
                the after-restore hooks before it asks for its first event (``client.serve_restores``)

The template talks to the engine over a socket pair (its control channel, one JSON object per line): restore
requests go in; each copy's pid, and later the copy's exit code and peak memory, come out (the template is the
copy's parent, so it is the one that collects it). A copy is therefore not the engine's child: ``ForkedProcess``
gives it a ``RuntimeProcess``'s interface (poll, reap, kill, freeze, thaw, probe) from those reports and from its
process group.

Where this machine cannot fork (Windows), or the runtime is not the workbook's client (AWS's awslambdaric as the
launcher), the template still runs the init once when the version is published, as AWS does, and then ends:
``forks`` is False, and each restore is a fresh init (``restored.py`` says so in the function's log).

Differences from a microVM snapshot: threads started during init are not copied (a fork copies only the thread
that forks); files the init wrote to /tmp are copied into each new environment's /tmp at its first restore.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import psutil

from helpers import aws_facts

from . import os_process
from .client import TEMPLATE_FD_VARIABLE
from .environment import EnvironmentSettings, ExecutionEnvironment
from .launch import CLIENT_SCRIPT
from .process_probe import ProcessProbe
from .spec import SNAP_START, FunctionSpec, InitOutcome, ServiceError

_REPLY_S = 10.0  # how long a thawed template may take to fork a copy and say so
#: The Invoke API's answer while a version's snapshot is being created (its description in the Lambda API model).
SNAPSHOT_NOT_READY = ServiceError("SnapStartNotReadyException", 409,
                                  "Lambda is initializing your function. You can invoke the function when the "
                                  "function state becomes Active.")


class SnapshotNotReady(Exception):
    """There is no snapshot to restore from (being created, failed, or its template gone): the Invoke API answers
    with ``error`` in place of the function's answer."""

    def __init__(self, error: ServiceError) -> None:
        super().__init__(error.message)
        self.error = error


def runs_workbook_client(settings: EnvironmentSettings, spec: FunctionSpec) -> bool:
    """Is this function's runtime the workbook's own Python client (the one that can serve restores)?"""
    try:
        return str(CLIENT_SCRIPT) in settings.launcher.command(spec)
    except Exception:  # noqa: BLE001 - e.g. UnsupportedRuntime: it cannot start at all, let alone fork
        return False


class SnapshotTemplate(ExecutionEnvironment):
    """A published version's snapshot: an execution environment initialised ahead of any request
    (``AWS_LAMBDA_INITIALIZATION_TYPE=snap-start``), frozen, and forked for each new environment of the version."""

    def __init__(self, spec: FunctionSpec, settings: EnvironmentSettings) -> None:
        super().__init__(spec, settings)
        self._channel.ready_on_restore_next = True  # its init ends when it is ready for the snapshot
        self.forks = os_process.CAN_FORK and runs_workbook_client(settings, spec)
        self._control: _Control | None = None
        self._awake_count = 0
        self._awake_lock = threading.Lock()

    # ------------------------------------------------------------------ creating the snapshot

    def create(self) -> InitOutcome:
        """The init phase ahead of any request, before-snapshot hooks included, within 130 s or the function's
        timeout, whichever is higher. Its log lines end with INIT_REPORT. Where it cannot fork, the initialised
        runtime is not kept (each restore will be a fresh init)."""
        limit_s = max(aws_facts.SNAPSTART_INIT_LIMIT_S, float(self.spec.timeout_s))
        self._channel.hold_restore_next = not self.forks  # not kept: never restored, no after-restore hooks
        outcome = self.init(SNAP_START, limit_s=limit_s)
        if outcome.ready and not self.forks:
            self._kill_process()
        return outcome

    def _start_process(self, *, extra_variables: Mapping[str, str] | None = None,
                       pass_fds: tuple[int, ...] = ()) -> None:
        if not self.forks:
            return super()._start_process(extra_variables=extra_variables, pass_fds=pass_fds)
        ours, theirs = os_process.control_pair()
        try:
            super()._start_process(extra_variables={**(extra_variables or {}),
                                                    TEMPLATE_FD_VARIABLE: str(theirs.fileno())},
                                   pass_fds=(*pass_fds, theirs.fileno()))
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._control = _Control(ours)
        return None

    @property
    def usable(self) -> bool:
        """Can environments be restored from it? (A forking template must still be running.)"""
        if self.dead:
            return False
        if not self.forks:
            return True
        process = self._process
        return process is not None and process.poll() is None and self._control is not None \
            and not self._control.closed

    # ------------------------------------------------------------------ restoring

    def restore(self, *, runtime_api: str, output: Path, variables: Mapping[str, str]) -> ForkedProcess:
        """Fork a copy of the initialised runtime for a new environment: it writes to ``output``, runs with exactly
        ``variables`` and talks to the Runtime API at ``runtime_api``. ``SnapshotGone`` if the template has ended."""
        control = self._control
        if control is None or not self.usable:
            raise SnapshotGone("the snapshot's template process has ended")
        request = {"runtime_api": runtime_api, "output": str(output), "variables": dict(variables),
                   "engine_pid": os.getpid()}
        with self.awake():
            pid = control.restore(request, _REPLY_S)
        return ForkedProcess(pid, self)

    @contextlib.contextmanager
    def awake(self) -> Iterator[None]:
        """Thaw the template for a while (to fork, or to collect a copy that ended); frozen again afterwards."""
        with self._awake_lock:
            self._awake_count += 1
            if self._awake_count == 1 and self._process is not None:
                self._process.thaw()
        try:
            yield
        finally:
            with self._awake_lock:
                self._awake_count -= 1
                if self._awake_count == 0 and self._process is not None:
                    self._process.freeze()

    def exit_of(self, pid: int) -> tuple[int, int] | None:
        """A copy's (exit code, peak resident bytes), once the template has collected it."""
        control = self._control
        return None if control is None else control.exits.get(pid)

    def collect(self, pid: int, timeout_s: float) -> tuple[int, int] | None:
        """Wait (thawed) for the template to collect a copy that has ended; None if it cannot (the template ended)."""
        control = self._control
        if control is None:
            return None
        with self.awake():
            return control.wait_exit(pid, timeout_s)

    def shutdown(self) -> None:
        """Kill the template (environments restored from it live on; a frozen one whose template ends is hung up
        on by the kernel, and the engine restores another) and remove its files."""
        if self._control is not None:
            self._control.close()
        super().shutdown()


class SnapshotGone(Exception):
    """The template process has ended: no copy can be forked from it."""


class ForkedProcess:
    """A runtime forked from a template: the interface of ``runtime_process.RuntimeProcess`` for a process that is
    not the engine's child. Its process group is its pid; its exit code and kernel peak come from the template."""

    def __init__(self, pid: int, template: SnapshotTemplate) -> None:
        self.pid = pid
        self._template = template
        self._returncode: int | None = None
        try:
            self.probe: ProcessProbe = ProcessProbe(pid)
            self._ps: psutil.Process | None = psutil.Process(pid)
        except psutil.Error:  # it ended already (e.g. killed as it started)
            self.probe, self._ps = _GoneProbe(pid), None

    def _running(self) -> bool:
        try:
            return self._ps is not None and self._ps.is_running() and self._ps.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def _record(self, report: tuple[int, int]) -> int:
        code, peak = report
        self.probe.record_peak(peak)
        self._returncode = code
        return code

    def poll(self) -> int | None:
        """Its exit code, or None while it runs (a copy whose template ended unreported exits "without a reason")."""
        if self._returncode is not None:
            return self._returncode
        report = self._template.exit_of(self.pid)
        if report is not None:
            return self._record(report)
        if self._running():
            return None
        report = self._template.collect(self.pid, 0.5)
        if report is not None:
            return self._record(report)
        if self._running():
            return None
        self._returncode = 0  # ended, and nobody can say how: the template that was its parent has gone
        return 0

    def reap(self, timeout_s: float) -> int:
        """Wait up to ``timeout_s`` for it to end (``subprocess.TimeoutExpired`` if it runs on); its exit code."""
        deadline = time.monotonic() + timeout_s
        while True:
            code = self.poll()
            if code is not None:
                return code
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout_s)
            time.sleep(0.002)

    def kill(self) -> int | None:
        """Kill it and every process it started (its process group), from outside; its exit code."""
        os_process.kill_group(self.pid)
        if self._running():  # its group may not exist yet, in the first microseconds after the fork
            with contextlib.suppress(OSError):
                os.kill(self.pid, 9)
        try:
            return self.reap(timeout_s=5)
        except subprocess.TimeoutExpired:
            return None

    def freeze(self) -> None:
        os_process.signal_group(self.pid, "SIGSTOP")

    def thaw(self) -> None:
        os_process.signal_group(self.pid, "SIGCONT")


class _GoneProbe(ProcessProbe):
    """The probe of a copy that ended before it could be looked at: it knows only what its template reports."""

    def __init__(self, pid: int) -> None:  # no psutil.Process for a pid that is gone
        self.pid = pid
        self._sampled_peak = 0
        self._last_cpu = 0.0
        self.read = False

    def rss_bytes(self) -> int:
        return 0

    def peak_rss_bytes(self) -> int:
        self.read = True
        return self._sampled_peak

    def cpu_seconds(self) -> float:
        return self._last_cpu


class _Control:
    """The engine's end of a template's control socket: sends restore requests, collects what the template says."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self._restored: dict[int, int] = {}  # request id -> pid
        self.exits: dict[int, tuple[int, int]] = {}  # pid -> (exit code, peak bytes)
        self.closed = False
        threading.Thread(target=self._read, name="snapshot-control", daemon=True).start()

    def _read(self) -> None:
        try:
            with self._sock.makefile("rb") as reader:
                for line in reader:
                    message = json.loads(line)
                    with self._changed:
                        if "restored" in message:
                            self._restored[message["restored"]] = message["pid"]
                        elif "exited" in message:
                            self.exits[message["exited"]] = (message["code"], message["peak"])
                        self._changed.notify_all()
        except (OSError, ValueError):
            pass
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def restore(self, request: dict, timeout_s: float) -> int:
        """Ask for one copy; its pid."""
        request_id = next(self._ids)
        line = (json.dumps({**request, "id": request_id}) + "\n").encode()
        try:
            with self._send_lock:
                self._sock.sendall(line)
        except OSError:
            raise SnapshotGone("the snapshot's template process has ended") from None
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while request_id not in self._restored:
                remaining = deadline - time.monotonic()
                if self.closed or remaining <= 0:
                    raise SnapshotGone("the snapshot's template process did not answer")
                self._changed.wait(min(remaining, 0.05))
            return self._restored.pop(request_id)

    def wait_exit(self, pid: int, timeout_s: float) -> tuple[int, int] | None:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while pid not in self.exits:
                remaining = deadline - time.monotonic()
                if self.closed or remaining <= 0:
                    return None
                self._changed.wait(min(remaining, 0.05))
            return self.exits[pid]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
