"""An execution environment of a SnapStart version: its runtime is restored from the version's snapshot instead of
being initialised.

Its first invocation starts with the **restore phase** (AWS's "Monitoring for Lambda SnapStart"):

    RESTORE_START Runtime Version: ...        the template is forked into this environment (``snapshot.py``)
    <what the after-restore hooks print>
    RESTORE_REPORT Restore Duration: 41.20 ms
    START ... END ...
    REPORT ... Max Memory Used: 52 MB\tRestore Duration: 41.20 ms\tBilled Restore Duration: 13 ms\t

Restore Duration is measured: from the restore request until the restored runtime asks for its first event. Billed
Restore Duration is the runtime's own part of it (from the copy's first word on its new Runtime API, through the
after-restore hooks). There is no Init Duration: the init ran when the version was published.

A restore must finish within 10 s. If it does not, or an after-restore hook fails, or the runtime exits, the log
says ``RESTORE_REPORT ... Status: timeout`` (or ``Status: error`` with its error type), the environment is not used,
and the Invoke API answers ``SnapStartTimeoutException`` or ``SnapStartException`` in place of the function's answer.
While the version's snapshot is still being created the answer is ``SnapStartNotReadyException``.

After a timeout, a crash or running out of memory the environment is reset as any other, and its next invocation
restores the snapshot again inside that invocation (no RESTORE_START; its time is in Duration), as a suppressed
init would. Where this machine cannot fork (Windows), each restore is a fresh init of the function, labelled so in
the log.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from helpers import aws_facts

from . import log_lines, metering, platform_errors
from .environment import EnvironmentSettings, ExecutionEnvironment
from .launch import UnsupportedRuntime, runtime_version_string
from .snapshot import SNAPSHOT_NOT_READY, SnapshotGone, SnapshotNotReady, SnapshotTemplate
from .spec import SNAP_START, FunctionSpec, InvocationOutcome, InvocationRequest, ServiceError

#: The platform's line in the log of an environment that could not be restored by forking (Windows).
FRESH_INIT_NOTE = ("[lambda-workbook] SnapStart: this machine cannot fork a snapshot (no fork() on Windows), so this "
                   "environment ran the function's init again, before-snapshot hooks included; Restore Duration "
                   "includes that init.")
#: The Invoke API's errors for a failed restore (their descriptions in the Lambda API model).
RESTORE_TIMEOUT = ServiceError("SnapStartTimeoutException", 408,
                               "Lambda couldn't restore the snapshot within the timeout limit.")
RESTORE_FAILED = ServiceError("SnapStartException", 400,
                              "The afterRestore() runtime hook encountered an error. For more information, check the "
                              "Amazon CloudWatch logs.")


class SnapshotSource(Protocol):
    """Where a restored environment finds its version's snapshot (``lambda_service/snapstart.py``)."""

    def template(self) -> SnapshotTemplate:
        """The snapshot to restore from; ``SnapshotNotReady`` while it is being created, or if it failed."""
        ...


@dataclass
class RestoreOutcome:
    """What the restore phase produced."""

    ready: bool
    restore_ms: float
    log_events: list[str] = field(default_factory=list)
    billed_restore_ms: int = 0
    service_error: ServiceError | None = None


class RestoredEnvironment(ExecutionEnvironment):
    """One sandbox of a SnapStart version, whose runtime is a copy of the version's snapshot."""

    def __init__(self, spec: FunctionSpec, settings: EnvironmentSettings, snapshot: SnapshotSource) -> None:
        super().__init__(spec, settings)
        self.initialization_type = SNAP_START  # AWS_LAMBDA_INITIALIZATION_TYPE; no log group and stream variables
        self._snapshot = snapshot
        self._tmp_copied = False
        self.forked = False  # was the runtime forked from a template (False: a fresh init)?

    # ------------------------------------------------------------------ the process: a copy of the template

    def _start_process(self, *, extra_variables: Mapping[str, str] | None = None,
                       pass_fds: tuple[int, ...] = ()) -> None:
        """Restore: fork the template into this environment, or where that cannot be done, start a fresh runtime
        (which inits, runs the hooks, and asks restore/next itself). A first restore without a snapshot raises
        ``SnapshotNotReady``; a restore after a reset falls back to a fresh init."""
        template = self._template()
        if template is not None and template.forks:
            if not self._tmp_copied:  # what the init left in /tmp is part of the snapshot
                shutil.copytree(template.tmp_dir, self.tmp_dir, dirs_exist_ok=True)
                self._tmp_copied = True
            self._channel.restart()
            try:
                self._process = template.restore(  # type: ignore[assignment] - a ForkedProcess
                    runtime_api=self._api.address, output=self._output.path,
                    variables={**self._variables(), **(extra_variables or {})})
            except SnapshotGone:
                if not self._was_reset:
                    raise SnapshotNotReady(SNAPSHOT_NOT_READY) from None
            else:
                self._probe = self._process.probe
                self.forked = True
                return None
        self.forked = False
        return super()._start_process(extra_variables=extra_variables, pass_fds=pass_fds)

    def _template(self) -> SnapshotTemplate | None:
        try:
            return self._snapshot.template()
        except SnapshotNotReady:
            if not self._was_reset:
                raise
            return None

    # ------------------------------------------------------------------ invoke: a restore phase first

    def invoke(self, request: InvocationRequest) -> InvocationOutcome:
        """Run one invocation; a new environment restores its snapshot first (see the module docstring)."""
        if self._process is not None or self._was_reset:
            return super().invoke(request)  # warm; or after a reset, a restore inside this invocation
        try:
            restore = self.restore()
        except BaseException:
            self.dead = True
            self._kill_process()
            raise
        if not restore.ready:
            return self._restore_failed(request, restore)
        outcome = super().invoke(request)  # the restored runtime is waiting for its first event
        outcome.cold_start = True
        outcome.log_events[0:0] = restore.log_events
        outcome.report = outcome.report.with_restore(restore.restore_ms, restore.billed_restore_ms)
        outcome.log_events[-1] = log_lines.report_line(outcome.report)
        return outcome

    def restore(self) -> RestoreOutcome:
        """The restore phase on its own: until the restored runtime asks for its first event, an after-restore hook
        fails, the runtime exits, or 10 s pass."""
        events = [log_lines.restore_start(runtime_version_string(self.spec.runtime), self.spec.region)]
        began = time.perf_counter()
        try:
            self._start_process()
        except SnapshotNotReady as exc:
            self.dead = True
            return RestoreOutcome(False, 0.0, [], service_error=exc.error)  # nothing ran: no log lines
        except (OSError, UnsupportedRuntime):
            return self._failed_restore(events, began, "error", platform_errors.INVALID_ENTRYPOINT)
        if not self.forked:
            events.append(FRESH_INIT_NOTE)
        channel = self._channel
        deadline = time.monotonic() + aws_facts.RESTORE_LIMIT_S

        def settled() -> bool:
            return channel.ready_at is not None or channel.restore_error is not None \
                or channel.init_error is not None or channel.disconnected

        while True:
            channel.wait(settled, min(deadline, time.monotonic() + 0.05))
            if channel.ready_at is not None or channel.restore_error is not None or channel.init_error is not None:
                break
            gone, _ = self._process_gone()
            if gone or time.monotonic() >= deadline:
                break
        events.extend(self._output.read_new())
        if channel.ready_at is not None and channel.restore_error is None and channel.init_error is None:
            restore_ms = (channel.ready_at - began) * 1000
            # Billed: the runtime's own part (a fresh init is all the runtime's own)
            runtime_began = channel.restore_next_at if self.forked and channel.restore_next_at else began
            billed = metering.billed_restore_duration_ms((channel.ready_at - runtime_began) * 1000)
            events.append(log_lines.restore_report(restore_ms))
            return RestoreOutcome(True, restore_ms, events, billed)
        if channel.restore_error is not None:
            return self._failed_restore(events, began, "error", channel.restore_error[0])
        if channel.init_error is not None:  # a fresh init that failed, or its before-snapshot hooks
            return self._failed_restore(events, began, "error", channel.init_error[0])
        if time.monotonic() >= deadline:
            return self._failed_restore(events, began, "timeout", None)
        return self._failed_restore(events, began, "error", platform_errors.EXIT)

    def _failed_restore(self, events: list[str], began: float, status: str,
                        error_type: str | None) -> RestoreOutcome:
        restore_ms = (time.perf_counter() - began) * 1000
        self._kill_process()
        self.dead = True  # the next invocation gets another environment
        events.extend(self._output.read_new())
        events.append(log_lines.restore_report(restore_ms, status, error_type))
        return RestoreOutcome(False, restore_ms, events,
                              service_error=RESTORE_TIMEOUT if status == "timeout" else RESTORE_FAILED)

    def _restore_failed(self, request: InvocationRequest, restore: RestoreOutcome) -> InvocationOutcome:
        """The invocation of an environment whose restore failed: the Invoke API's error, the restore's log lines."""
        error = restore.service_error
        assert error is not None
        self.invocations += 1
        payload = json.dumps({"Type": "User", "message": error.message}).encode()
        report = log_lines.Report(request.request_id, 0.0, 0, self.spec.memory_mb, 0,
                                  status="timeout" if error is RESTORE_TIMEOUT else "error", error_type=error.name)
        return InvocationOutcome(request.request_id, payload, error.name, restore.log_events, report,
                                 restore.restore_ms, 0.0, True, self.id, self.log_stream_name, service_error=error)
