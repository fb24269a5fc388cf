"""SnapStart in the data plane: one snapshot per published version, made when the version is published.

* ``published(version)``: a version with SnapStart on is initialised ahead of any request, in the background (its
  configuration shows ``State: Pending`` meanwhile, then ``Active``, or ``Failed`` if its init failed); the init's
  log lines go to a log stream of their own in the function's group, as AWS writes them.
* ``source(spec)``: what a new environment of the version restores from (``runtime/restored.py``). Invoking the
  version before its snapshot is ready is ``SnapStartNotReadyException``. A template process that ended is made
  again.
* ``discard(arn, version)``: the version (or the whole function) was deleted; ``stop()``: the local AWS stops.
  Either ends the template processes.

The snapshot itself is a ``runtime/snapshot.py`` template, built by an injected factory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from helpers.runtime.snapshot import SNAPSHOT_NOT_READY, SnapshotNotReady, SnapshotTemplate
from helpers.runtime.spec import FunctionSpec, ServiceError

from .functions import FunctionVersion
from .ports import LogSink

TemplateFactory = Callable[[FunctionSpec], SnapshotTemplate]
SpecFactory = Callable[[FunctionVersion], FunctionSpec]

PENDING, ACTIVE, FAILED = "Pending", "Active", "Failed"
#: Invoking a version whose snapshot failed (the workbook's wording of AWS's state conflict; not re-verified).
SNAPSHOT_FAILED = ServiceError("ResourceConflictException", 409,
                               "The operation cannot be performed at this time. The function is currently in the "
                               "following state: Failed")


@dataclass(frozen=True)
class VersionState:
    """What a SnapStart version's configuration shows: State, StateReason, StateReasonCode."""

    state: str
    reason: str | None = None
    reason_code: str | None = None


class VersionSnapshot:
    """The snapshot of one version: being created, ready (its template), or failed."""

    def __init__(self, spec: FunctionSpec, new_template: TemplateFactory, logs: LogSink) -> None:
        self.spec = spec
        self._new_template = new_template
        self._logs = logs
        self._lock = threading.Lock()
        self._template: SnapshotTemplate | None = None
        self.state = VersionState(PENDING, "The function is being created.", "Creating")
        self._discarded = False
        self._start()

    def _start(self) -> None:
        self.state = VersionState(PENDING, "The function is being created.", "Creating")
        threading.Thread(target=self._create, name=f"snapshot-{self.spec.function_name}:{self.spec.version}",
                         daemon=True).start()

    def _create(self) -> None:
        template = self._new_template(self.spec)
        with self._lock:
            if self._discarded:
                template.shutdown()
                return
            self._template = template
        outcome = template.create()
        self._logs.append(account_id=self.spec.account_id, region=self.spec.region, group=self.spec.log_group_name,
                          stream=template.log_stream_name, messages=outcome.log_events)
        with self._lock:
            if self._discarded:
                template.shutdown()
            elif outcome.ready:
                self.state = VersionState(ACTIVE)
            else:
                template.shutdown()
                self._template = None
                code = "FunctionError.InitTimeout" if outcome.status == "timeout" else "FunctionError"
                self.state = VersionState(FAILED, f"The function could not be initialised for its snapshot: "
                                                  f"{outcome.error_type or outcome.status}. Check its log.", code)

    def template(self) -> SnapshotTemplate:
        """The template to restore from (``runtime.restored.SnapshotSource``)."""
        with self._lock:
            if self.state.state == ACTIVE and self._template is not None and not self._template.usable:
                self._template.shutdown()  # it ended (killed, out of memory): snapshot the version again
                self._template = None
                self._start()
            if self.state.state == PENDING or self._template is None and self.state.state == ACTIVE:
                raise SnapshotNotReady(SNAPSHOT_NOT_READY)
            if self.state.state == FAILED or self._template is None:
                raise SnapshotNotReady(SNAPSHOT_FAILED)
            return self._template

    @property
    def template_pid(self) -> int | None:
        template = self._template
        return None if template is None else template.pid

    def discard(self) -> None:
        with self._lock:
            self._discarded = True
            template, self._template = self._template, None
        if template is not None:
            template.shutdown()


class Snapshots:
    """Every SnapStart version's snapshot, for one local AWS."""

    def __init__(self, *, templates: TemplateFactory, specs: SpecFactory, logs: LogSink) -> None:
        self._new_template = templates
        self._spec_for = specs
        self._logs = logs
        self._versions: dict[tuple[str, str], VersionSnapshot] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def published(self, function: FunctionVersion) -> None:
        """A version was published: snapshot it if it has SnapStart on (once: publishing again with nothing changed
        returns the same version)."""
        if not function.snap_start:
            return
        self._snapshot_of(self._spec_for(function))

    def _snapshot_of(self, spec: FunctionSpec) -> VersionSnapshot:
        key = (spec.function_arn, spec.version)
        with self._lock:
            if self._stopped:
                raise RuntimeError("the local AWS has been stopped")
            snapshot = self._versions.get(key)
            if snapshot is None or snapshot.spec.fingerprint != spec.fingerprint:
                if snapshot is not None:  # the same number, another version (it was deleted and published anew)
                    snapshot.discard()
                snapshot = self._versions[key] = VersionSnapshot(spec, self._new_template, self._logs)
            return snapshot

    def source(self, spec: FunctionSpec) -> VersionSnapshot:
        """What the environments of this SnapStart version restore from (started now if it was never made)."""
        return self._snapshot_of(spec)

    def state(self, function_arn: str, version: str) -> VersionState | None:
        """The version's state as its configuration shows it (None: no snapshot, the control plane's own state)."""
        with self._lock:
            snapshot = self._versions.get((function_arn, version))
        return None if snapshot is None else snapshot.state

    def discard(self, function_arn: str, version: str | None = None) -> None:
        """A version was deleted (every version, if None: the function was deleted): end its snapshot."""
        with self._lock:
            keys = [key for key in self._versions if key[0] == function_arn and version in (None, key[1])]
            gone = [self._versions.pop(key) for key in keys]
        for snapshot in gone:
            snapshot.discard()

    def template_pids(self) -> dict[tuple[str, str], int | None]:
        """(function ARN, version) -> the pid of its snapshot's template process (None while there is none), for
        notebooks and tests."""
        with self._lock:
            snapshots = dict(self._versions)
        return {key: snapshot.template_pid for key, snapshot in snapshots.items()}

    def stop(self) -> None:
        """End every snapshot's template process (the local AWS stops or resets)."""
        with self._lock:
            self._stopped = True
            gone = list(self._versions.values())
            self._versions.clear()
        for snapshot in gone:
            snapshot.discard()
