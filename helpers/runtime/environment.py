"""One execution environment: an operating-system process running a runtime client against its own Runtime API.

Lifecycle, as on AWS (``../shared/reference/lambda-facts.md`` §4), in two public phases:

* ``init()``: a new interpreter starts and the runtime imports the handler; the environment is ready when the
  runtime first asks for ``/invocation/next``. ``Init Duration`` is that time, measured. An on-demand environment is
  initialised by its first invocation; a provisioned one ahead of any request (``init(PROVISIONED)``).
* ``invoke(request)``: one request at a time. Module globals survive between invocations, also after a handled
  exception.
* **Reset** after a timeout, a crash or running out of memory: the process is killed from outside (handler code
  cannot catch that), and the next invoke starts a new process in the same environment (same log stream, same
  temporary directory, which survives like ``/tmp``), as a *suppressed init*: no INIT_START, its time in Duration.
* ``shutdown()``: the process is killed and the environment's directory removed.

The environment's stdout and stderr go to a file in its directory; each phase reads what it added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from helpers import aws_facts

from . import log_lines, metering, os_process, platform_errors
from .launch import CLIENT_SCRIPT, Launcher, UnsupportedRuntime, runtime_version_string
from .process_probe import ProcessProbe
from .runtime_api import NextEvent, RuntimeAPIServer
from .spec import ON_DEMAND, FunctionSpec, InitOutcome, InvocationOutcome, InvocationRequest
from .variables import environment_variables

_SLICE_S = 0.05  # how often a waiting phase checks the process (alive? memory? time?)
_OUTPUT_TRIM_BYTES = 1 << 20


@dataclass(frozen=True)
class EnvironmentSettings:
    """What the composition root gives every environment it starts."""

    workdir: Path
    endpoint_url: str  # the local AWS, for boto3 inside handlers
    launcher: Launcher = field(default_factory=Launcher)
    credentials: Mapping[str, str] = field(default_factory=dict)
    init_limit_s: float = aws_facts.INIT_LIMIT_S  # on-demand; ahead-of-time inits get PROVISIONED_INIT_LIMIT_S


@dataclass
class _Slot:
    """The state of the one invocation in flight."""

    request_id: str
    started_at: float | None = None
    ended_at: float | None = None
    kind: str | None = None  # "response" | "error"
    body: bytes = b""
    error_type: str | None = None


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
        self._output_path = self.directory / "output.log"
        self._output_path.touch()
        self._output = open(self._output_path, "rb")  # noqa: SIM115 - kept open for the environment's life
        self._changed = threading.Condition()
        self._process: subprocess.Popen | None = None
        self._probe: ProcessProbe | None = None
        self._parent_peak_at_spawn = 0
        self._queue: _EventQueue = _EventQueue()
        self._ready_at: float | None = None
        self._init_error: tuple[str, bytes] | None = None
        self._disconnected = False
        self._slot: _Slot | None = None
        self._was_reset = False
        self.initialization_type = ON_DEMAND
        self.invocations = 0
        self.dead = False  # shut down, or unusable: the pool drops it
        self._api = RuntimeAPIServer(self)

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process else None

    @property
    def initialised(self) -> bool:
        """Has the runtime started and asked for its first event?"""
        return self._process is not None and self._ready_at is not None

    def process_exited(self) -> bool:
        """Did the runtime exit on its own while idle (e.g. a Node.js runtime after an uncaught exception)?"""
        process = self._process
        return process is not None and process.poll() is not None

    # ------------------------------------------------------------------ Runtime API listener (server threads)

    def on_next(self) -> NextEvent | None:
        queue = self._queue
        with self._changed:
            self._disconnected = False  # it asks for work: alive (a curl bootstrap opens a connection per request)
            if self._ready_at is None:
                self._ready_at = time.perf_counter()
                self._changed.notify_all()
        event = queue.get()
        if event is not None:
            with self._changed:
                if self._slot is not None and self._slot.request_id == event.request_id:
                    self._slot.started_at = time.perf_counter()
        return event

    def _finish(self, request_id: str, kind: str, body: bytes, error_type: str | None) -> bool:
        with self._changed:
            slot = self._slot
            if slot is None or slot.request_id != request_id or slot.kind is not None:
                return False
            slot.ended_at = time.perf_counter()
            slot.kind, slot.body, slot.error_type = kind, body, error_type
            self._changed.notify_all()
            return True

    def on_response(self, request_id: str, body: bytes, content_type: str) -> bool:
        return self._finish(request_id, "response", body, None)

    def on_error(self, request_id: str, error_type: str, body: bytes) -> bool:
        return self._finish(request_id, "error", body, error_type)

    def on_init_error(self, error_type: str, body: bytes) -> None:
        if self._probe is not None:  # the runtime waits for our answer: read its peak while it is still alive
            self._probe.peak_rss_bytes()
        with self._changed:
            self._init_error = (error_type, body)
            self._changed.notify_all()

    def on_disconnect(self) -> None:
        with self._changed:
            self._disconnected = True
            self._changed.notify_all()

    # ------------------------------------------------------------------ the process

    def _start_process(self) -> None:
        with self._changed:
            self._queue.close()
            self._queue = _EventQueue()
            self._ready_at = None
            self._init_error = None
            self._disconnected = False
        env = environment_variables(
            self.spec, log_stream_name=self.log_stream_name, runtime_api=self._api.address,
            endpoint_url=self.settings.endpoint_url, tmp_dir=self.tmp_dir, runtime_dir=CLIENT_SCRIPT.parent,
            initialization_type=self.initialization_type, credentials=self.settings.credentials)
        argv = self.settings.launcher.command(self.spec)
        with open(self._output_path, "ab") as output:
            self._parent_peak_at_spawn = os_process.own_peak_rss_bytes()
            self._process = os_process.spawn(argv, cwd=self.spec.code_dir, env=env, output=output)
        self._probe = ProcessProbe(self._process.pid)

    def _kill_process(self) -> int | None:
        """Kill the runtime from outside and reap it; return its exit code."""
        process = self._process
        if process is None:
            return None
        os_process.kill(process)
        try:
            returncode = self._reap(process, timeout_s=5)
        except subprocess.TimeoutExpired:
            returncode = None
        with self._changed:
            self._queue.close()
            self._process = None
        return returncode

    def _reap(self, process: subprocess.Popen, timeout_s: float) -> int:
        returncode, peak = os_process.reap(process, timeout_s)
        # A forked child's ru_maxrss starts at the parent's own high-water mark: only a figure above that peak
        # (read just before the spawn) says something about the runtime.
        if self._probe is not None and peak > self._parent_peak_at_spawn:
            self._probe.record_peak(peak)
        return returncode

    def _process_gone(self) -> tuple[bool, int | None]:
        """Has the runtime process exited? (Checked when its connection drops, and at every slice.)"""
        process = self._process
        if process is None:
            return True, None
        try:
            return True, self._reap(process, timeout_s=0.2 if self._disconnected else 0)
        except subprocess.TimeoutExpired:
            with self._changed:
                self._disconnected = False
            return False, None

    def _read_output(self) -> list[str]:
        """The log events the process wrote since the last read: one per line, ``\\r`` marking inner newlines."""
        try:
            data = self._output.read()
        except ValueError:  # the environment was shut down (local AWS stopped) while this phase ran
            return []
        if not data:
            return []
        text = data.decode("utf-8", errors="replace")
        return [line.replace("\r", "\n") for line in text.split("\n") if line]

    def _wait(self, done: Callable[[], bool], deadline: float) -> bool:
        """Wait until ``done()`` or the deadline (monotonic); True if done."""
        with self._changed:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, _SLICE_S))
            return True

    def _freeze(self) -> None:
        """Between invocations AWS freezes the environment: background threads and processes stop running."""
        if self._process is not None:
            os_process.freeze(self._process)

    def _thaw(self) -> None:
        if self._process is not None:
            os_process.thaw(self._process)

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
            self._freeze()
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
        deadline = time.monotonic() + limit_s

        def settled() -> bool:
            return self._ready_at is not None or self._init_error is not None or self._disconnected

        while True:
            self._wait(settled, min(deadline, time.monotonic() + _SLICE_S))
            if self._ready_at is not None or self._init_error is not None:
                break
            gone, _ = self._process_gone()
            if gone or time.monotonic() >= deadline:
                break
        events.extend(self._read_output())
        if self._ready_at is not None and self._init_error is None:
            return InitOutcome(True, (self._ready_at - began) * 1000, events)
        # The init phase failed: the runtime reported an error, exited, or ran out of time.
        if self._init_error is not None:
            error_type, body = self._init_error
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
        peak = self._probe.peak_rss_bytes() if self._probe else 0
        return self._failed_init(events, began, error_type, status, payload, peak, suppressed)

    def _entrypoint_error(self, exc: Exception) -> Callable[[str], bytes]:
        if isinstance(exc, UnsupportedRuntime):
            message = str(exc)
            return lambda request_id: platform_errors.platform_error(
                platform_errors.INVALID_ENTRYPOINT, request_id, message)
        program = self._program_name()
        return lambda request_id: platform_errors.invalid_entrypoint_error(request_id, program, exc)

    def _program_name(self) -> str:
        try:
            return self.settings.launcher.command(self.spec)[0]
        except UnsupportedRuntime:
            return self.spec.runtime

    def _failed_init(self, events: list[str], began: float, error_type: str, status: str,
                     payload: Callable[[str], bytes], peak: int, suppressed: bool) -> InitOutcome:
        init_ms = (time.perf_counter() - began) * 1000
        events.extend(self._read_output())
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
        invoke_began = time.perf_counter()
        cold = self._process is None
        init_ms: float | None = None
        suppressed_began: float | None = None
        try:
            if cold and self._was_reset:  # after a reset: a suppressed init, inside this invocation's timeout
                suppressed_began = invoke_began
                init = self._start_runtime(self.spec.timeout_s, suppressed=True)
                events += init.log_events
                if not init.ready:
                    return self._init_failed_outcome(request, events, init, suppressed=True)
            elif cold:
                init = self.init(ON_DEMAND)
                events += init.log_events
                if not init.ready and init.status == "timeout":  # past 10 s: retried in the invoke phase
                    self._was_reset = True
                    suppressed_began = time.perf_counter()
                    init = self._start_runtime(self.spec.timeout_s, suppressed=True)
                    events += init.log_events
                    if not init.ready:
                        return self._init_failed_outcome(request, events, init, suppressed=True)
                elif not init.ready:
                    return self._init_failed_outcome(request, events, init, suppressed=False)
                else:
                    init_ms = init.init_ms
            else:
                self._thaw()
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
        self._freeze()
        self._trim_output()
        return outcome

    def _init_failed_outcome(self, request: InvocationRequest, events: list[str], init: InitOutcome, *,
                             suppressed: bool) -> InvocationOutcome:
        """The outcome of an invocation whose init phase failed; the environment is not used again."""
        assert init.error_type is not None and init.status is not None
        events.append(log_lines.start(request.request_id, self.spec.version))
        events.append(log_lines.end(request.request_id))
        report = self._make_report(request.request_id, init.init_ms, None, init.peak_bytes, init.status,
                                   init.error_type)
        events.append(log_lines.report_line(report))
        self.dead = True  # the next invoke starts a fresh environment
        payload = init.payload(request.request_id)
        return InvocationOutcome(request.request_id, payload, init.error_type, events, report, init.init_ms, 0.0,
                                 True, self.id, self.log_stream_name)

    def _trim_output(self) -> None:
        """Start the output file afresh once it is large (everything in it has been read; the process is frozen)."""
        try:
            if self._output.tell() > _OUTPUT_TRIM_BYTES:
                os.truncate(self._output_path, 0)
                self._output.seek(0)
        except (OSError, ValueError):
            pass

    def _run(self, request: InvocationRequest, events: list[str], began: float | None) -> InvocationOutcome:
        spec = self.spec
        slot = _Slot(request.request_id)
        deadline_wall_ms = int(time.time() * 1000) + spec.timeout_s * 1000
        deadline = time.monotonic() + spec.timeout_s
        if began is not None:  # a suppressed init counts against the function's timeout
            deadline -= time.perf_counter() - began
            deadline_wall_ms -= int((time.perf_counter() - began) * 1000)
        assert self._probe is not None
        cpu_before = self._probe.cpu_seconds()
        self._probe.peak_rss_bytes()  # readings are kept: after a crash the process can no longer be read
        with self._changed:
            self._slot = slot
        self._queue.put(NextEvent(request.request_id, request.payload, deadline_wall_ms, request.invoked_function_arn,
                                  request.trace_id, request.client_context))
        limit_bytes = spec.memory_mb * 1024 * 1024
        failure: tuple[str, bytes] | None = None  # (error type, payload) decided by the platform
        status = None
        while True:
            if self._wait(lambda: slot.kind is not None or self._disconnected,
                          min(deadline, time.monotonic() + _SLICE_S)):
                if slot.kind is not None:
                    break
                gone, returncode = self._process_gone()
                if gone:
                    failure, status = self._exit_failure(request, returncode), "error"
                    break
            else:
                process = self._process
                returncode = process.poll() if process is not None else None
                if returncode is not None:
                    failure, status = self._exit_failure(request, returncode), "error"
                    break
            now = time.monotonic()
            elapsed_ms = (spec.timeout_s - (deadline - now)) * 1000
            cpu_ms = (self._probe.cpu_seconds() - cpu_before) * 1000
            if now >= deadline or \
                    metering.modelled_duration_ms(elapsed_ms, cpu_ms, spec.memory_mb) >= spec.timeout_s * 1000:
                failure, status = self._timeout_failure(request), "timeout"
                break
            self._probe.peak_rss_bytes()
            if self._probe.rss_bytes() > limit_bytes:
                failure, status = self._memory_failure(request), "error"
                break
        ended = slot.ended_at or time.perf_counter()
        started = began if began is not None else (slot.started_at or ended)
        measured_ms = max((ended - started) * 1000, 0.0)
        cpu_ms = (self._probe.cpu_seconds() - cpu_before) * 1000
        peak = self._probe.peak_rss_bytes()
        duration_ms = metering.modelled_duration_ms(measured_ms, cpu_ms, spec.memory_mb)
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
                peak = min(self._probe.peak_rss_bytes(), limit_bytes)
            if status == "timeout":
                duration_ms = spec.timeout_s * 1000.0
            error_type, payload = failure
        else:
            error_type = slot.error_type if slot.kind == "error" else None
            payload = slot.body
        with self._changed:
            self._slot = None
        events.extend(self._read_output())
        events.append(log_lines.end(request.request_id))
        report = self._make_report(request.request_id, duration_ms, None, peak, status,
                                   error_type if status == "error" else None)
        events.append(log_lines.report_line(report))
        return InvocationOutcome(request.request_id, payload, error_type, events, report, measured_ms, cpu_ms,
                                 False, self.id, self.log_stream_name)

    @staticmethod
    def _exit_failure(request: InvocationRequest, returncode: int | None) -> tuple[str, bytes]:
        return platform_errors.EXIT, platform_errors.exit_error(request.request_id, returncode)

    def _timeout_failure(self, request: InvocationRequest) -> tuple[str, bytes]:
        return platform_errors.TIMEOUT, platform_errors.timeout_error(request.request_id, self.spec.timeout_s)

    @staticmethod
    def _memory_failure(request: InvocationRequest) -> tuple[str, bytes]:
        return platform_errors.OUT_OF_MEMORY, platform_errors.out_of_memory_error(request.request_id)

    def _make_report(self, request_id: str, duration_ms: float, init_ms: float | None, peak_bytes: int,
                     status: str | None, error_type: str | None) -> log_lines.Report:
        return log_lines.Report(request_id, round(duration_ms, 2), metering.billed_duration_ms(duration_ms, init_ms),
                                self.spec.memory_mb, metering.mib(peak_bytes), init_ms, status, error_type)

    # ------------------------------------------------------------------ shutdown

    def shutdown(self) -> None:
        """Kill the process, close the Runtime API and remove the environment's files."""
        self.dead = True
        self._kill_process()
        self._api.close()
        self._output.close()
        shutil.rmtree(self.directory, ignore_errors=True)


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
