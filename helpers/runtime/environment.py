"""One execution environment: a sandbox for one function version, whose runtime is an operating-system process
that talks to the environment's own Runtime API.

Lifecycle, as on AWS (``../shared/reference/lambda-facts.md`` §4), in two public phases:

* ``init()``: a new interpreter starts and the runtime imports the handler; the environment is ready when the
  runtime first asks for ``/invocation/next``. ``Init Duration`` is that time, measured. An on-demand environment is
  initialised by its first invocation; a provisioned one ahead of any request (``init(PROVISIONED)``).
* ``invoke(request)``: one request at a time. Module globals survive between invocations, also after a handled
  exception. Between invocations the runtime is frozen.
* **Reset** after a timeout, a crash or running out of memory: the process is killed from outside (handler code
  cannot catch that), and the next invoke starts a new process in the same environment (same log stream, same
  temporary directory, which survives like ``/tmp``), as a *suppressed init*: no INIT_START, its time in Duration.
* ``shutdown()``: the process is killed and the environment's directory removed.

The process itself is ``runtime_process.RuntimeProcess``; what it says over the Runtime API is collected by
``channel.RuntimeChannel``. SnapStart's two kinds of environment build on this one: a version's snapshot
(``snapshot.SnapshotTemplate``) and the environments restored from it (``restored.RestoredEnvironment``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from helpers import aws_facts

from . import log_lines, metering, platform_errors
from .channel import Answer, RuntimeChannel
from .launch import CLIENT_SCRIPT, Launcher, UnsupportedRuntime, runtime_version_string
from .process_probe import ProcessProbe
from .runtime_api import NextEvent, RuntimeAPIServer
from .runtime_process import OutputLog, RuntimeProcess
from .spec import ON_DEMAND, FunctionSpec, InitOutcome, InvocationOutcome, InvocationRequest
from .variables import environment_variables

_SLICE_S = 0.05  # how often a waiting phase checks the process (alive? memory? time?)


@dataclass(frozen=True)
class EnvironmentSettings:
    """What the composition root gives every environment it starts."""

    workdir: Path
    endpoint_url: str  # the local AWS, for boto3 inside handlers
    launcher: Launcher = field(default_factory=Launcher)
    credentials: Mapping[str, str] = field(default_factory=dict)
    init_limit_s: float = aws_facts.INIT_LIMIT_S  # on-demand; ahead-of-time inits get PROVISIONED_INIT_LIMIT_S
    # Variables that guard what a handler starts, given the environment built so far (helpers/guard_proxy.py)
    guard_environment: Callable[[Mapping[str, str]], Mapping[str, str]] | None = None


class ExecutionEnvironment:
    """One sandbox for one function version; serves one invocation at a time."""

    def __init__(self, spec: FunctionSpec, settings: EnvironmentSettings) -> None:
        self.spec = spec
        self.settings = settings
        self.id = uuid.uuid4().hex
        self.log_stream_name = f"{datetime.now(timezone.utc):%Y/%m/%d}/[{spec.version}]{self.id}"
        self.directory = settings.workdir / "environments" / self.id
        self.tmp_dir = self.directory / "tmp"
        self.tmp_dir.mkdir(parents=True, mode=0o700)
        os.chmod(self.directory, 0o700)  # readable by its owner only
        self._output = OutputLog(self.directory / "output.log")
        self._process: RuntimeProcess | None = None
        self._probe: ProcessProbe | None = None  # the last process's readings outlive it
        self._channel = RuntimeChannel(on_init_error=self._read_peak)
        self._was_reset = False
        self.initialization_type = ON_DEMAND
        self.invocations = 0
        self.dead = False  # shut down, or unusable: the pool drops it
        self._api = RuntimeAPIServer(self._channel)

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process else None

    @property
    def initialised(self) -> bool:
        """Has the runtime started and asked for its first event?"""
        return self._process is not None and self._channel.ready_at is not None

    def process_exited(self) -> bool:
        """Did the runtime exit on its own while idle (e.g. a Node.js runtime after an uncaught exception)?"""
        process = self._process
        return process is not None and process.poll() is not None

    # ------------------------------------------------------------------ the process

    def _variables(self) -> dict[str, str]:
        """The variables this environment's runtime starts with."""
        env = environment_variables(
            self.spec, log_stream_name=self.log_stream_name, runtime_api=self._api.address,
            endpoint_url=self.settings.endpoint_url, tmp_dir=self.tmp_dir, runtime_dir=CLIENT_SCRIPT.parent,
            initialization_type=self.initialization_type, credentials=self.settings.credentials)
        if self.settings.guard_environment is not None:
            env.update(self.settings.guard_environment(env))
        return env

    def _start_process(self, *, extra_variables: Mapping[str, str] | None = None,
                       pass_fds: tuple[int, ...] = ()) -> None:
        self._channel.restart()
        env = {**self._variables(), **(extra_variables or {})}
        argv = self.settings.launcher.command(self.spec)
        self._process = RuntimeProcess(argv, cwd=self.spec.code_dir, env=env, output_path=self._output.path,
                                       pass_fds=pass_fds)
        self._probe = self._process.probe

    def _kill_process(self) -> int | None:
        """Kill the runtime from outside and reap it; return its exit code."""
        process = self._process
        if process is None:
            return None
        returncode = process.kill()
        self._channel.close()
        self._process = None
        return returncode

    def _process_gone(self) -> tuple[bool, int | None]:
        """Has the runtime process exited? (Checked when its connection drops, and at every slice.)"""
        process = self._process
        if process is None:
            return True, None
        try:
            return True, process.reap(timeout_s=0.2 if self._channel.disconnected else 0)
        except subprocess.TimeoutExpired:
            self._channel.alive_again()
            return False, None

    def _read_peak(self) -> int:
        return self._probe.peak_rss_bytes() if self._probe is not None else 0

    # ------------------------------------------------------------------ init

    def init(self, initialization_type: str = ON_DEMAND, *, limit_s: float | None = None) -> InitOutcome:
        """The init phase on its own: start the runtime and wait until it asks for its first event, fails, or runs
        past ``limit_s`` (on-demand: 10 s; ahead of time: 15 minutes). Returns its duration and log lines (INIT_START
        first; INIT_REPORT when it failed, or when it ran ahead of any request, as AWS writes it for provisioned
        concurrency and SnapStart). An environment initialised ahead of time is frozen until its first invocation."""
        self.initialization_type = initialization_type
        if limit_s is None:
            limit_s = self.settings.init_limit_s if initialization_type == ON_DEMAND \
                else aws_facts.PROVISIONED_INIT_LIMIT_S
        outcome = self._start_runtime(limit_s, suppressed=False)
        if outcome.ready and initialization_type != ON_DEMAND:
            outcome.log_events.append(log_lines.init_report(outcome.init_ms))
            if self._process is not None:
                self._process.freeze()
        elif not outcome.ready:
            self.dead = initialization_type != ON_DEMAND or outcome.status != "timeout"
        return outcome

    def _start_runtime(self, limit_s: float, *, suppressed: bool) -> InitOutcome:
        """Start the runtime; wait until it is ready, reports an init error, exits, or ``limit_s`` passes."""
        events: list[str] = []
        if not suppressed:
            events.append(log_lines.init_start(runtime_version_string(self.spec.runtime), self.spec.region))
        began = time.perf_counter()
        try:
            self._start_process()
        except (OSError, UnsupportedRuntime) as exc:  # e.g. a bootstrap that is not executable, or no node
            return self._failed_init(events, began, platform_errors.INVALID_ENTRYPOINT, "error",
                                     self._entrypoint_error(exc), 0, suppressed)
        channel = self._channel
        deadline = time.monotonic() + limit_s

        def settled() -> bool:
            return channel.ready_at is not None or channel.init_error is not None or channel.disconnected

        while True:
            channel.wait(settled, min(deadline, time.monotonic() + _SLICE_S))
            if channel.ready_at is not None or channel.init_error is not None:
                break
            gone, _ = self._process_gone()
            if gone or time.monotonic() >= deadline:
                break
        events.extend(self._output.read_new())
        if channel.ready_at is not None and channel.init_error is None:
            return InitOutcome(True, (channel.ready_at - began) * 1000, events)
        # The init phase failed: the runtime reported an error, exited, or ran out of time.
        if channel.init_error is not None:
            error_type, body = channel.init_error
            status, payload = "error", (lambda request_id: body)
        elif time.monotonic() >= deadline:
            error_type, status = platform_errors.TIMEOUT, "timeout"
            payload = (lambda request_id: platform_errors.timeout_error(request_id, limit_s))
        else:
            process = self._process
            returncode = process.poll() if process else None
            error_type, status = platform_errors.EXIT, "error"
            payload = (lambda request_id: platform_errors.exit_error(request_id, returncode))
        self._kill_process()
        return self._failed_init(events, began, error_type, status, payload, self._read_peak(), suppressed)

    def _entrypoint_error(self, exc: Exception) -> Callable[[str], bytes]:
        if isinstance(exc, UnsupportedRuntime):
            message = str(exc)
            return lambda request_id: platform_errors.platform_error(
                platform_errors.INVALID_ENTRYPOINT, request_id, message)
        program = self.settings.launcher.command(self.spec)[0]
        return lambda request_id: platform_errors.invalid_entrypoint_error(request_id, program, exc)

    def _failed_init(self, events: list[str], began: float, error_type: str, status: str,
                     payload: Callable[[str], bytes], peak: int, suppressed: bool) -> InitOutcome:
        init_ms = (time.perf_counter() - began) * 1000
        events.extend(self._output.read_new())
        # An init phase that outran its limit says only "timeout"; the invocation that retries it names the type.
        named = None if status == "timeout" and not suppressed else error_type
        events.append(log_lines.init_report(init_ms, "invoke" if suppressed else "init", status, named))
        return InitOutcome(False, init_ms, events, error_type, status, payload, peak)

    # ------------------------------------------------------------------ invoke

    def invoke(self, request: InvocationRequest) -> InvocationOutcome:
        """Run one invocation to the end (response, error, timeout, crash or out of memory). An environment that
        has no runtime yet is initialised first (a cold start; after a reset, a suppressed init)."""
        self.invocations += 1
        events: list[str] = []
        cold = self._process is None
        init_ms: float | None = None
        suppressed_began: float | None = None
        try:
            if cold and not self._was_reset:
                init = self.init(ON_DEMAND)
                events += init.log_events
                if init.ready:
                    init_ms = init.init_ms
                elif init.status == "timeout":  # past 10 s: retried in the invoke phase
                    self._was_reset = True
                else:
                    return self._init_failed_outcome(request, events, init)
            if self._process is None:  # after a reset: a suppressed init, inside this invocation's timeout
                suppressed_began = time.perf_counter()
                init = self._start_runtime(self.spec.timeout_s, suppressed=True)
                events += init.log_events
                if not init.ready:
                    return self._init_failed_outcome(request, events, init)
            elif not cold:
                self._process.thaw()
            events.append(log_lines.start(request.request_id, self.spec.version))
            outcome = self._run(request, events, suppressed_began)
        except BaseException:
            # Interrupted (Ctrl-C in a notebook, the engine stopping): the runtime may still be busy with this
            # request, so this environment must never serve another one.
            self.dead = True
            self._kill_process()
            raise
        outcome.cold_start = cold
        if init_ms is not None:
            outcome.report = outcome.report.with_init(init_ms)
            outcome.log_events[-1] = log_lines.report_line(outcome.report)
        if self._process is not None:
            self._process.freeze()
        self._output.trim()
        return outcome

    def _init_failed_outcome(self, request: InvocationRequest, events: list[str],
                             init: InitOutcome) -> InvocationOutcome:
        """The outcome of an invocation whose init phase failed; the environment is not used again."""
        assert init.error_type is not None and init.status is not None
        events.append(log_lines.start(request.request_id, self.spec.version))
        events.append(log_lines.end(request.request_id))
        report = self._make_report(request.request_id, init.init_ms, init.peak_bytes, init.status, init.error_type)
        events.append(log_lines.report_line(report))
        self.dead = True  # the next invoke starts a fresh environment
        return InvocationOutcome(request.request_id, init.payload(request.request_id), init.error_type, events,
                                 report, init.init_ms, 0.0, True, self.id, self.log_stream_name)

    def _run(self, request: InvocationRequest, events: list[str], began: float | None) -> InvocationOutcome:
        spec = self.spec
        deadline_wall_ms = int(time.time() * 1000) + spec.timeout_s * 1000
        deadline = time.monotonic() + spec.timeout_s
        if began is not None:  # a suppressed init counts against the function's timeout
            deadline -= time.perf_counter() - began
            deadline_wall_ms -= int((time.perf_counter() - began) * 1000)
        probe = self._probe
        assert probe is not None
        cpu_before = probe.cpu_seconds()
        if not probe.read:  # the first reading of this process; later ones are kept from the previous invocation's end
            probe.peak_rss_bytes()  # (after a crash the process can no longer be read; a frozen one cannot grow)
        answer = self._channel.send(NextEvent(request.request_id, request.payload, deadline_wall_ms,
                                              request.invoked_function_arn, request.trace_id, request.client_context))
        failure, status = self._watch(request, answer, deadline, cpu_before)
        ended = answer.ended_at or time.perf_counter()
        started = began if began is not None else (answer.started_at or ended)
        measured_ms = max((ended - started) * 1000, 0.0)
        cpu_ms = (probe.cpu_seconds() - cpu_before) * 1000
        peak = probe.peak_rss_bytes()
        duration_ms = metering.modelled_duration_ms(measured_ms, cpu_ms, spec.memory_mb)
        limit_bytes = spec.memory_mb * 1024 * 1024
        if failure is None:
            if peak > limit_bytes:  # the kernel's own peak says the limit was crossed between two samples
                failure, status = self._memory_failure(request), "error"
            elif duration_ms >= spec.timeout_s * 1000:  # at this memory size's CPU share, AWS would have timed out
                failure, status = self._timeout_failure(request), "timeout"
        if failure is not None:
            self._kill_process()  # handler code cannot catch this
            self._was_reset = True
            if failure[0] == platform_errors.OUT_OF_MEMORY:
                # Sampled every 50 ms, the process can overshoot before it is killed; AWS's memory limit cannot be
                # exceeded at all, so the report shows the limit it was killed at.
                peak = min(probe.peak_rss_bytes(), limit_bytes)
            if status == "timeout":
                duration_ms = spec.timeout_s * 1000.0
            error_type, payload = failure
        else:
            error_type = answer.error_type if answer.kind == "error" else None
            payload = answer.body
        self._channel.finish()
        events.extend(self._output.read_new())
        events.append(log_lines.end(request.request_id))
        report = self._make_report(request.request_id, duration_ms, peak, status,
                                   error_type if status == "error" else None)
        events.append(log_lines.report_line(report))
        return InvocationOutcome(request.request_id, payload, error_type, events, report, measured_ms, cpu_ms,
                                 False, self.id, self.log_stream_name)

    def _watch(self, request: InvocationRequest, answer: Answer, deadline: float,
               cpu_before: float) -> tuple[tuple[str, bytes] | None, str | None]:
        """Wait for the runtime's answer, checking at every slice that it is alive, within its time (on the CPU
        model's clock too) and within its memory; return the platform's failure and status, if it decided one."""
        spec, channel, probe = self.spec, self._channel, self._probe
        assert probe is not None
        while True:
            if channel.wait(lambda: answer.kind is not None or channel.disconnected,
                            min(deadline, time.monotonic() + _SLICE_S)):
                if answer.kind is not None:
                    return None, None
                gone, returncode = self._process_gone()
                if gone:
                    return self._exit_failure(request, returncode), "error"
            else:
                process = self._process
                returncode = process.poll() if process is not None else None
                if returncode is not None:
                    return self._exit_failure(request, returncode), "error"
            now = time.monotonic()
            elapsed_ms = (spec.timeout_s - (deadline - now)) * 1000
            cpu_ms = (probe.cpu_seconds() - cpu_before) * 1000
            if now >= deadline or \
                    metering.modelled_duration_ms(elapsed_ms, cpu_ms, spec.memory_mb) >= spec.timeout_s * 1000:
                return self._timeout_failure(request), "timeout"
            probe.peak_rss_bytes()
            if probe.rss_bytes() > spec.memory_mb * 1024 * 1024:
                return self._memory_failure(request), "error"

    @staticmethod
    def _exit_failure(request: InvocationRequest, returncode: int | None) -> tuple[str, bytes]:
        return platform_errors.EXIT, platform_errors.exit_error(request.request_id, returncode)

    def _timeout_failure(self, request: InvocationRequest) -> tuple[str, bytes]:
        return platform_errors.TIMEOUT, platform_errors.timeout_error(request.request_id, self.spec.timeout_s)

    @staticmethod
    def _memory_failure(request: InvocationRequest) -> tuple[str, bytes]:
        return platform_errors.OUT_OF_MEMORY, platform_errors.out_of_memory_error(request.request_id)

    def _make_report(self, request_id: str, duration_ms: float, peak_bytes: int, status: str | None,
                     error_type: str | None) -> log_lines.Report:
        return log_lines.Report(request_id, round(duration_ms, 2), metering.billed_duration_ms(duration_ms, None),
                                self.spec.memory_mb, metering.mib(peak_bytes), None, status, error_type)

    # ------------------------------------------------------------------ shutdown

    def shutdown(self) -> None:
        """Kill the process, close the Runtime API and remove the environment's files."""
        self.dead = True
        self._kill_process()
        self._api.close()
        self._output.close()
        shutil.rmtree(self.directory, ignore_errors=True)
