"""The Lambda data plane: runs invocations of moto's functions in pools of execution environments.

* One pool per function version. An invocation takes an idle (warm) environment, or starts a new one when every
  warm one is busy: one request per environment at a time, as on AWS.
* New code or configuration retires the old environments (idle ones at once, busy ones when they finish).
* Idle environments are reclaimed after ``idle_timeout_s`` of workbook time. AWS does not publish this figure;
  observers have seen 5 to 60 minutes (``../shared/reference/lambda-facts.md`` §4). The workbook uses 10 minutes.
* Asynchronous invocations go through ``async_invocations`` (retries, dead-letter queues, destinations), on the
  engine's workbook clock.
* Every invocation's log lines are written to CloudWatch Logs in the local AWS: group ``/aws/lambda/<name>``,
  one stream per environment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.clock import WorkbookClock
from helpers.runtime import log_lines
from helpers.runtime.environment import (EnvironmentSettings, ExecutionEnvironment, FunctionSpec, InvocationOutcome,
                                         InvocationRequest, python_runtime_command)

from .async_invocations import AsyncInvocations
from .code_store import CodeStore

DEFAULT_IDLE_TIMEOUT_S = 600.0


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


def default_runtime_command(spec: FunctionSpec) -> list[str]:
    """How an environment starts its runtime: our Python or Node.js client, or a custom runtime's ``bootstrap``."""
    if spec.runtime.startswith("provided"):
        for folder in (spec.code_dir, spec.opt_dir):
            if folder is not None and (folder / "bootstrap").is_file():
                return [str(folder / "bootstrap")]
        raise UnsupportedRuntime(spec, "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")
    if spec.runtime.startswith("nodejs"):  # the machine's own node, running helpers/runtime/node_client.mjs
        from helpers.runtime import node as node_runtime

        node = node_runtime.locate_node()
        if node is None:
            raise UnsupportedRuntime(spec, node_runtime.missing_node_message(spec.runtime))
        return node_runtime.node_runtime_command(spec, node)
    if not spec.runtime.startswith("python"):
        raise UnsupportedRuntime(spec, f"The workbook runs python3.x, nodejs*.x and provided.* functions; there is "
                                       f"no {spec.runtime} runtime on this machine")
    return python_runtime_command(spec)


class UnsupportedRuntime(Exception):
    """The function's runtime cannot start here (no bootstrap, or a language this machine does not run)."""

    def __init__(self, spec: FunctionSpec, message: str) -> None:
        super().__init__(message)
        self.spec = spec


class LambdaEngine:
    """Runs invocations in execution environments; owns every environment process it starts."""

    def __init__(self, workdir: Path, endpoint_url: str, *, credentials: dict[str, str] | None = None,
                 idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
                 runtime_command: Callable[[FunctionSpec], list[str]] = default_runtime_command,
                 clock: WorkbookClock | None = None,
                 guard_environment: Callable[[Mapping[str, str]], Mapping[str, str]] | None = None) -> None:
        self.workdir = workdir
        self.idle_timeout_s = idle_timeout_s
        self.clock = clock or WorkbookClock()
        self.runtime_command = runtime_command
        self._code = CodeStore(workdir / "code")
        self._settings = EnvironmentSettings(workdir, endpoint_url, self._command, dict(credentials or {}),
                                             guard_environment=guard_environment)
        self._pools: dict[tuple[str, str], list[ExecutionEnvironment]] = {}
        self._busy: set[str] = set()
        self._fingerprints: dict[tuple[str, str], str] = {}
        self._streams: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._last_used: dict[str, float] = {}  # environment id -> workbook time it was last released
        self.async_invocations = AsyncInvocations(self, self.clock, endpoint_url, dict(credentials or {}))
        threading.Thread(target=self._reclaim_loop, name="lambda-idle-reclaim", daemon=True).start()

    def _command(self, spec: FunctionSpec) -> list[str]:
        return self.runtime_command(spec)

    # ------------------------------------------------------------------ what a function version is

    def spec_for(self, fn: Any) -> FunctionSpec:
        """Snapshot a moto ``LambdaFunction`` (one version) as the spec its environments run."""
        digest = getattr(fn, "code_digest", "") or hashlib.sha256(fn.code_bytes).hexdigest()
        code_dir = self._code.unpack(digest, fn.code_bytes)
        variables = dict(fn.environment_vars or {})
        layers = [layer["Arn"] for layer in (fn.layers or [])]
        opt_dir = self._layers_dir(fn, layers)
        identity = json.dumps([digest, fn.handler, fn.run_time, fn.memory_size, fn.timeout, variables,
                               layers], sort_keys=True, default=str)
        return FunctionSpec(
            function_name=fn.function_name, function_arn=fn.function_arn, version=str(fn.version),
            region=fn.region, account_id=fn.account_id, runtime=fn.run_time or "", handler=fn.handler or "",
            memory_mb=int(fn.memory_size or 128), timeout_s=int(fn.timeout or 3), variables=variables,
            code_dir=code_dir, opt_dir=opt_dir, fingerprint=hashlib.sha256(identity.encode()).hexdigest())

    def _layers_dir(self, fn: Any, layer_arns: list[str]) -> Path | None:
        """The function's layers merged in order into one folder (its /opt), or None without layers."""
        if not layer_arns:
            return None
        from moto.awslambda.utils import get_backend

        backend = get_backend(fn.account_id, fn.region)
        layers = []
        for arn in layer_arns:
            version = backend.layers_versions_by_arn(arn)
            if version is not None:  # validated when configured; a layer deleted since is skipped
                layers.append((version.code_digest or hashlib.sha256(version.code_bytes).hexdigest(),
                               version.code_bytes))
        return self._code.merge_layers(layers)

    # ------------------------------------------------------------------ invoke

    def invoke(self, fn: Any, request: InvocationRequest) -> InvocationOutcome:
        """Run one synchronous invocation of this moto function version and log it to CloudWatch Logs."""
        spec = self.spec_for(fn)
        try:
            self._command(spec)
        except UnsupportedRuntime as exc:
            return self._unsupported(spec, request, str(exc))
        env = self._acquire(spec)
        try:
            outcome = env.invoke(request)
        finally:
            self._release(env)
        self._write_logs(fn, outcome)
        return outcome

    def invoke_in_background(self, fn: Any, request: InvocationRequest) -> None:
        """Queue an asynchronous invocation (the ``Event`` type): retries, DLQ and destinations included."""
        if not self._stopped.is_set():
            self.async_invocations.submit(fn, request)

    def wait_for_background(self, timeout_s: float = 30.0) -> bool:
        """Wait until no asynchronous attempt is running; True if none is left (later retries do not count)."""
        return self.async_invocations.wait_until_idle(timeout_s)

    def _unsupported(self, spec: FunctionSpec, request: InvocationRequest, message: str) -> InvocationOutcome:
        error = json.dumps({"errorMessage": f"RequestId: {request.request_id} Error: {message}",
                            "errorType": "Runtime.InvalidEntrypoint"}).encode()
        report = log_lines.Report(request.request_id, 0.0, 1, spec.memory_mb, 0, None, "error",
                                  "Runtime.InvalidEntrypoint")
        events = [log_lines.start(request.request_id, spec.version), log_lines.end(request.request_id),
                  log_lines.report(request.request_id, 0.0, 1, spec.memory_mb, 0, None, "error",
                                   "Runtime.InvalidEntrypoint")]
        return InvocationOutcome(request.request_id, error, "Runtime.InvalidEntrypoint", events, report, 0.0, 0.0,
                                 False, "", "")

    # ------------------------------------------------------------------ the pools

    def _acquire(self, spec: FunctionSpec) -> ExecutionEnvironment:
        key = (spec.function_arn, spec.version)
        retired: list[ExecutionEnvironment] = []
        with self._lock:
            if self._stopped.is_set():
                raise RuntimeError("the Lambda engine has been stopped")
            pool = self._pools.setdefault(key, [])
            if self._fingerprints.get(key) != spec.fingerprint:
                self._fingerprints[key] = spec.fingerprint
                retired = [env for env in pool if env.id not in self._busy]
                pool[:] = [env for env in pool if env.id in self._busy]
            exited = [env for env in pool if env.id not in self._busy and not env.dead and env.process_exited()]
            pool[:] = [env for env in pool if env not in exited]  # a runtime that exited while idle is replaced
            retired += exited
            chosen = next((env for env in pool if env.id not in self._busy and not env.dead), None)
            if chosen is None:
                chosen = ExecutionEnvironment(spec, self._settings)
                pool.append(chosen)
            self._busy.add(chosen.id)
        for env in retired:
            env.shutdown()
        return chosen

    def _release(self, env: ExecutionEnvironment) -> None:
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
            env.shutdown()

    def retire(self, function_arn: str) -> int:
        """New code or configuration: shut down idle environments of this function now, busy ones when done."""
        victims: list[ExecutionEnvironment] = []
        with self._lock:
            for (arn, version), pool in self._pools.items():
                if arn != function_arn:
                    continue
                self._fingerprints.pop((arn, version), None)
                victims += [env for env in pool if env.id not in self._busy]
                pool[:] = [env for env in pool if env.id in self._busy]
        for env in victims:
            env.shutdown()
        return len(victims)

    def reclaim_idle(self) -> int:
        """Shut down environments idle (on the workbook clock) for ``idle_timeout_s`` or more; return how many."""
        now = self.clock.now()
        victims: list[ExecutionEnvironment] = []
        with self._lock:
            for pool in self._pools.values():
                for env in list(pool):
                    idle_since = self._last_used.get(env.id, now)
                    if env.id not in self._busy and now - idle_since >= self.idle_timeout_s:
                        pool.remove(env)
                        victims.append(env)
        for env in victims:
            env.shutdown()
        return len(victims)

    def _reclaim_loop(self) -> None:
        while not self._stopped.wait(min(max(self.idle_timeout_s / 4, 0.05), 5.0)):
            self.reclaim_idle()

    def environments(self) -> list[EnvironmentInfo]:
        """Every live environment, warm or busy."""
        now = self.clock.now()
        with self._lock:
            return [EnvironmentInfo(env.id, env.spec.function_name, env.spec.version, env.pid, env.id in self._busy,
                                    env.invocations, now - self._last_used.get(env.id, now), env.log_stream_name)
                    for pool in self._pools.values() for env in pool if not env.dead]

    # ------------------------------------------------------------------ logs

    def _write_logs(self, fn: Any, outcome: InvocationOutcome) -> None:
        """Append the invocation's lines to its environment's stream (re-created if the learner deleted it)."""
        if not outcome.log_stream_name:
            return
        logs = fn.logs_backend
        group, stream = f"/aws/lambda/{fn.function_name}", outcome.log_stream_name
        # Real time, not workbook time: CloudWatch Logs refuses events more than 2 hours in the future, and an
        # advanced workbook clock can be days ahead. (The events themselves carry workbook time.)
        events = [{"timestamp": int(time.time() * 1000), "message": event} for event in outcome.log_events]
        for attempt in range(2):
            try:
                if attempt or (group, stream) not in self._streams:
                    logs.ensure_log_group(group)
                    if stream not in logs.groups[group].streams:
                        logs.create_log_stream(group, stream)
                    self._streams.add((group, stream))
                logs.put_log_events(group, stream, events)
                return
            except Exception:  # noqa: BLE001 - deleted group or stream, or a reset: create them and try again
                self._streams.discard((group, stream))
        logging.getLogger(__name__).warning("could not write the logs of %s to %s", outcome.request_id, group)

    # ------------------------------------------------------------------ stop

    def shutdown(self) -> None:
        """Stop every environment process and remove the engine's files."""
        with self._lock:
            self._stopped.set()
            envs = [env for pool in self._pools.values() for env in pool]
            self._pools.clear()
        for trigger in (getattr(self, "sqs_pollers", None), getattr(self, "stream_pollers", None),
                        getattr(self, "front_door", None), getattr(self, "guard_proxy", None)):
            if trigger is not None:
                trigger.stop()
        for env in envs:
            env.shutdown()
        self.clock.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def new_request_id() -> str:
    return str(uuid.uuid4())
