"""The Lambda data plane's pools: which execution environment runs each invocation.

* One pool per function version. An invocation takes an idle (warm) environment, or starts a new one when every
  warm one is busy: one request per environment at a time, as on AWS.
* New code or configuration retires the old environments (idle ones at once, busy ones when they finish).
* Idle environments are reclaimed after ``idle_timeout_s`` of workbook time. AWS does not publish this figure;
  observers have seen 5 to 60 minutes (``../shared/reference/lambda-facts.md`` §4). The workbook uses 10 minutes.
* Every invocation's log lines go to CloudWatch Logs: group ``/aws/lambda/<name>``, one stream per environment.
* An invocation through an alias or version with provisioned concurrency takes one of its ready environments
  first (``provisioned.py``); only when all are busy does it spill over to these pools.
* The laptop is not AWS: past a cap on live environment processes (``laptop.py``) the longest-idle environment
  makes room, or the invocation waits for one; never more processes than the cap.
* Every invocation that ran is published on the telemetry stream with its figures (for metrics and the bill).

Environments come from an injected factory, so the pool logic can be tested without processes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from helpers import arns, aws_facts
from helpers.clock import WorkbookClock
from helpers.runtime.spec import FunctionSpec, InitOutcome, InvocationOutcome, InvocationRequest

from .concurrency import ConcurrencyLedger, Lease
from .functions import FunctionVersion
from .laptop import EnvironmentSlots
from .ports import LogSink
from .telemetry import INVOCATION, WAIT, Telemetry, TelemetryEvent

DEFAULT_IDLE_TIMEOUT_S = aws_facts.IDLE_RECLAIM_S


class Environment(Protocol):
    """What the pools need of an execution environment (``helpers.runtime.environment.ExecutionEnvironment``)."""

    id: str
    spec: FunctionSpec
    dead: bool
    invocations: int
    log_stream_name: str

    @property
    def pid(self) -> int | None: ...

    def init(self, initialization_type: str = ...) -> InitOutcome: ...

    def invoke(self, request: InvocationRequest) -> InvocationOutcome: ...

    def process_exited(self) -> bool: ...

    def shutdown(self) -> None: ...


EnvironmentFactory = Callable[[FunctionSpec], Environment]
SpecFactory = Callable[[FunctionVersion], FunctionSpec]


class ProvisionedPool(Protocol):
    """Environments kept ready by provisioned concurrency (``provisioned.ProvisionedConcurrency``)."""

    def take(self, function: FunctionVersion, qualifier: str | None) -> Environment | None: ...

    def give_back(self, env: Environment) -> None: ...

    def environments(self) -> list[tuple[Environment, bool]]: ...


@dataclass(frozen=True)
class EnvironmentInfo:
    """A snapshot of one execution environment, for notebooks and tests."""

    id: str
    function_name: str
    version: str
    pid: int | None
    busy: bool
    invocations: int
    idle_s: float
    log_stream_name: str
    provisioned: bool = False  # kept ready by provisioned concurrency


class LambdaEngine:
    """Runs invocations in pools of execution environments; owns every environment it starts."""

    def __init__(self, *, environments: EnvironmentFactory, specs: SpecFactory, logs: LogSink,
                 concurrency: ConcurrencyLedger, clock: WorkbookClock, telemetry: Telemetry,
                 slots: EnvironmentSlots, provisioned: ProvisionedPool | None = None,
                 idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S) -> None:
        self.clock = clock
        self.idle_timeout_s = idle_timeout_s
        self._new_environment = environments
        self._spec_for = specs
        self._logs = logs
        self._concurrency = concurrency
        self._telemetry = telemetry
        self._slots = slots
        self._provisioned = provisioned
        self._pools: dict[tuple[str, str], list[Environment]] = {}
        self._busy: set[str] = set()
        self._fingerprints: dict[tuple[str, str], str] = {}
        self._last_used: dict[str, float] = {}  # environment id -> workbook time it was last released
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        threading.Thread(target=self._reclaim_loop, name="lambda-idle-reclaim", daemon=True).start()

    # ------------------------------------------------------------------ invoke

    def invoke(self, function: FunctionVersion, request: InvocationRequest, *,
               source: str = "sync") -> InvocationOutcome:
        """Run one invocation of this function version to its end and log it to CloudWatch Logs; ``Throttled`` if
        Lambda's concurrency rules refuse it (``source`` names who invoked: sync, async, sqs, stream, http)."""
        spec = self._spec_for(function)
        env = self._provisioned.take(function, _qualifier(request)) if self._provisioned is not None else None
        lease = self._concurrency.admit(function, source, provisioned=env is not None)
        try:
            if env is None:
                env, give_back = self._acquire(spec, lease), self._release
            else:
                give_back = self._provisioned.give_back  # type: ignore[union-attr]
            try:
                outcome = env.invoke(request)
            finally:
                give_back(env)
        finally:
            self._concurrency.release(lease)
        self._write_logs(spec, outcome.log_stream_name, outcome.log_events)
        report = outcome.report
        self._telemetry.publish(TelemetryEvent(
            self.clock.now(), INVOCATION, function.function_name, function.version, source=source,
            duration_ms=report.duration_ms, billed_ms=report.billed_duration_ms, memory_mb=report.memory_size_mb,
            init_ms=report.init_duration_ms, provisioned=lease.provisioned, error=outcome.error_type is not None,
            environment=outcome.log_stream_name))
        return outcome

    def _write_logs(self, spec: FunctionSpec, stream: str, lines: list[str]) -> None:
        if stream and lines:
            self._logs.append(account_id=spec.account_id, region=spec.region, group=spec.log_group_name,
                              stream=stream, messages=lines)

    # ------------------------------------------------------------------ the pools

    def _acquire(self, spec: FunctionSpec, lease: Lease) -> Environment:
        """A warm environment of this version, or a new one; at the laptop's cap, the longest-idle environment of
        any function makes room, or the invocation waits for one to free up (``laptop.py``)."""
        key = (spec.function_arn, spec.version)
        waited = False
        while True:
            retired: list[Environment] = []
            try:
                with self._lock:
                    if self._stopped.is_set():
                        raise RuntimeError("the Lambda engine has been stopped")
                    pool = self._pools.setdefault(key, [])
                    if self._fingerprints.get(key) != spec.fingerprint:
                        self._fingerprints[key] = spec.fingerprint
                        retired = [env for env in pool if env.id not in self._busy]
                        pool[:] = [env for env in pool if env.id in self._busy]
                    exited = [env for env in pool
                              if env.id not in self._busy and not env.dead and env.process_exited()]
                    pool[:] = [env for env in pool if env not in exited]  # a runtime that exited while idle
                    retired += exited
                    chosen = next((env for env in pool if env.id not in self._busy and not env.dead), None)
                    if chosen is not None:
                        self._busy.add(chosen.id)
                        return chosen
                    starting = self._slots.try_take()
                    if starting:
                        self._scale_out(lease)
            finally:
                for env in retired:
                    self._forget(env)
            if starting:  # made outside the lock, so that a burst of cold starts is not made one at a time
                return self._start_environment(spec, key)
            if self.evict_longest_idle():
                continue
            if not waited:
                waited = True
                self._slots.note_wait()
                self._telemetry.publish(TelemetryEvent(self.clock.now(), WAIT, spec.function_name, spec.version,
                                                       source=lease.source, value=self._slots.limit))
            self._slots.wait(0.25)

    def _scale_out(self, lease: Lease) -> None:
        """(Under the lock, holding a new slot.) Throttled past the scaling rate, giving the slot back."""
        try:
            self._concurrency.scale_out(lease)
        except BaseException:
            self._slots.give()
            raise

    def _start_environment(self, spec: FunctionSpec, key: tuple[str, str]) -> Environment:
        """(Holding a slot.) A new environment, busy in its pool from the start."""
        try:
            env = self._new_environment(spec)
        except BaseException:
            self._slots.give()
            raise
        with self._lock:
            stopped = self._stopped.is_set()
            if not stopped:
                self._pools.setdefault(key, []).append(env)
                self._busy.add(env.id)
        if stopped:
            self._forget(env)
            raise RuntimeError("the Lambda engine has been stopped")
        return env

    def evict_longest_idle(self) -> bool:
        """Shut down the environment idle longest, of any function, to make room under the laptop's cap; False if
        every environment is busy."""
        with self._lock:
            idle = [(self._last_used.get(env.id, 0.0), index, pool, env)
                    for index, pool in enumerate(self._pools.values()) for env in pool if env.id not in self._busy]
            if not idle:
                return False
            _, _, pool, victim = min(idle, key=lambda entry: (entry[0], entry[1]))
            pool.remove(victim)
        self._forget(victim)
        return True

    def _release(self, env: Environment) -> None:
        key = (env.spec.function_arn, env.spec.version)
        drop = False
        with self._lock:
            self._busy.discard(env.id)
            self._last_used[env.id] = self.clock.now()
            pool = self._pools.get(key, [])
            if env.dead or self._fingerprints.get(key) != env.spec.fingerprint or self._stopped.is_set():
                drop = True
                if env in pool:
                    pool.remove(env)
        if drop:
            self._forget(env)
        else:
            self._slots.notify()  # an invocation waiting at the cap may take it

    def _forget(self, env: Environment) -> None:
        with self._lock:
            self._last_used.pop(env.id, None)
        env.shutdown()
        self._slots.give()

    def retire(self, function_arn: str, version: str | None = None) -> int:
        """New code or configuration (of one version; of every version if None, as when a function is deleted):
        shut down its idle environments now, busy ones when they finish."""
        victims: list[Environment] = []
        with self._lock:
            for (arn, pool_version), pool in self._pools.items():
                if arn != function_arn or version not in (None, pool_version):
                    continue
                self._fingerprints.pop((arn, pool_version), None)
                victims += [env for env in pool if env.id not in self._busy]
                pool[:] = [env for env in pool if env.id in self._busy]
        for env in victims:
            self._forget(env)
        return len(victims)

    def reclaim_idle(self) -> int:
        """Shut down environments idle (on the workbook clock) for ``idle_timeout_s`` or more; return how many."""
        now = self.clock.now()
        victims: list[Environment] = []
        with self._lock:
            for pool in self._pools.values():
                for env in list(pool):
                    idle_since = self._last_used.get(env.id, now)
                    if env.id not in self._busy and now - idle_since >= self.idle_timeout_s:
                        pool.remove(env)
                        victims.append(env)
        for env in victims:
            self._forget(env)
        return len(victims)

    def _reclaim_loop(self) -> None:
        while not self._stopped.wait(min(max(self.idle_timeout_s / 4, 0.05), 5.0)):
            self.reclaim_idle()

    def environments(self) -> list[EnvironmentInfo]:
        """Every live environment, warm or busy."""
        now = self.clock.now()
        with self._lock:
            on_demand = [EnvironmentInfo(env.id, env.spec.function_name, env.spec.version, env.pid,
                                         env.id in self._busy, env.invocations, now - self._last_used.get(env.id, now),
                                         env.log_stream_name)
                         for pool in self._pools.values() for env in pool if not env.dead]
        provisioned = self._provisioned.environments() if self._provisioned is not None else []
        return on_demand + [EnvironmentInfo(env.id, env.spec.function_name, env.spec.version, env.pid, busy,
                                            env.invocations, 0.0, env.log_stream_name, provisioned=True)
                            for env, busy in provisioned if not env.dead]

    # ------------------------------------------------------------------ stop

    def shutdown(self) -> None:
        """Stop every environment process."""
        with self._lock:
            self._stopped.set()
            envs = [env for pool in self._pools.values() for env in pool]
            self._pools.clear()
            self._last_used.clear()
        for env in envs:
            env.shutdown()
            self._slots.give()


def _qualifier(request: InvocationRequest) -> str | None:
    """The alias or version an invocation named (None for an unqualified ARN, that is $LATEST)."""
    return arns.split_qualifier(request.invoked_function_arn)[1]
