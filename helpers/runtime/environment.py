"""One execution environment: an operating-system process running a runtime client against its own Runtime API.

Lifecycle, as on AWS (``../shared/reference/lambda-facts.md`` §4):

* **Init** (cold start): a new interpreter starts, the runtime imports the handler; the environment is ready when
  the runtime first asks for ``/invocation/next``. ``Init Duration`` is that time, measured.
* **Invoke**: one request at a time. Module globals survive between invocations, also after a handled exception.
* **Reset** after a timeout, a crash or running out of memory: the process is killed from outside (handler code
  cannot catch that), and the next invoke starts a new process in the same environment (same log stream, same
  temporary directory, which survives like ``/tmp``), as a *suppressed init*: no INIT_START, its time in Duration.
* **Shutdown**: the process is killed and the environment's directory removed.

The environment's stdout and stderr go to a file in its directory; the engine reads what each phase added.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil

from . import log_lines, metering, platform_errors
from .process_probe import ProcessProbe
from .runtime_api import NextEvent, RuntimeAPIServer

INIT_LIMIT_S = 10.0  # on-demand functions: the init phase may take at most 10 s, then it is retried in the invoke
CLIENT_SCRIPT = Path(__file__).with_name("client.py")
GUARD_SCRIPT = Path(__file__).parent.parent / "guard.py"
_SLICE_S = 0.05  # how often a waiting invoke checks the process (alive? memory? time?)
_OUTPUT_TRIM_BYTES = 1 << 20
_RETRY_INIT_IN_INVOKE = object()


@dataclass(frozen=True)
class FunctionSpec:
    """What an execution environment runs: one version of one function, frozen when the environment starts."""

    function_name: str
    function_arn: str  # unqualified
    version: str  # "$LATEST" or "1", "2", ...
    region: str
    account_id: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    variables: Mapping[str, str]
    code_dir: Path
    opt_dir: Path | None = None
    fingerprint: str = ""

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"


@dataclass(frozen=True)
class EnvironmentSettings:
    """What the engine gives every environment it starts."""

    workdir: Path
    endpoint_url: str  # the local AWS, for boto3 inside handlers
    runtime_command: Callable[[FunctionSpec], list[str]]
    credentials: Mapping[str, str] = field(default_factory=dict)
    init_limit_s: float = INIT_LIMIT_S
    # Variables that guard what a handler starts, given the environment built so far (helpers/guard_proxy.py)
    guard_environment: Callable[[Mapping[str, str]], Mapping[str, str]] | None = None


@dataclass
class InvocationRequest:
    request_id: str
    payload: bytes
    invoked_function_arn: str
    client_context: str | None = None  # the decoded JSON text of X-Amz-Client-Context
    trace_id: str = ""


@dataclass
class InvocationOutcome:
    """Everything one invocation produced: the payload, the error if any, its log events and its figures."""

    request_id: str
    payload: bytes
    error_type: str | None  # None on success
    log_events: list[str]
    report: log_lines.Report
    measured_ms: float  # raw wall time of the invoke phase, on this machine
    cpu_ms: float  # CPU time the handler's process used during it
    cold_start: bool
    environment_id: str
    log_stream_name: str


@dataclass
class _Slot:
    """The state of the one invocation in flight."""

    request_id: str
    started_at: float | None = None
    ended_at: float | None = None
    kind: str | None = None  # "response" | "error"
    body: bytes = b""
    error_type: str | None = None


def _own_peak_rss_bytes() -> int:
    """This process's highest resident size so far (POSIX; 0 elsewhere): what a child's ru_maxrss starts from."""
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    except (ImportError, OSError, ValueError):
        return 0


def python_runtime_command(spec: FunctionSpec) -> list[str]:
    """Our own runtime client, in this interpreter (the default for every Python function)."""
    argv = [sys.executable, str(CLIENT_SCRIPT), "--guard", str(GUARD_SCRIPT)]
    if spec.opt_dir is not None:
        argv += ["--opt", str(spec.opt_dir)]
    return argv


def runtime_version_string(runtime: str = "python") -> str:
    """What INIT_START names as the runtime version: the program that really runs the code (this Python, the
    machine's Node.js), or for an OS-only runtime its name with v0 (there is no AWS release of it here)."""
    if runtime.startswith("nodejs"):
        from .node import runtime_version_string as node_version

        return node_version()
    if runtime.startswith("provided"):
        return f"provided:{runtime.partition('.')[2] or 'al2'}.v0"
    v = sys.version_info
    return f"python:{v.major}.{v.minor}.v{v.micro}"


class ExecutionEnvironment:
    """One sandbox for one function version; serves one invocation at a time."""

    def __init__(self, spec: FunctionSpec, settings: EnvironmentSettings) -> None:
        self.spec = spec
        self.settings = settings
        self.id = uuid.uuid4().hex
        self.log_stream_name = f"{datetime.now(timezone.utc):%Y/%m/%d}/[{spec.version}]{self.id}"
        self.directory = settings.workdir / "environments" / self.id
        self.tmp_dir = self.directory / "tmp"
        self.tmp_dir.mkdir(parents=True)
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
        self.invocations = 0
        self.last_used = time.monotonic()
        self.dead = False  # shut down, or unusable: the pool drops it
        self._api = RuntimeAPIServer(self)

    # ------------------------------------------------------------------ Runtime API listener (server threads)

    def process_exited(self) -> bool:
        """Did the runtime exit on its own while idle (e.g. a Node.js runtime after an uncaught exception)?"""
        process = self._process
        return process is not None and process.poll() is not None

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

    def _environment_variables(self) -> dict[str, str]:
        spec = self.spec
        env = {key: os.environ[key] for key in _INHERITED if key in os.environ}
        env.update({
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": self.log_stream_name,
            "AWS_LAMBDA_RUNTIME_API": self._api.address,
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            "_AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1",
            "_AWS_XRAY_DAEMON_PORT": "2000",
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "LAMBDA_RUNTIME_DIR": str(CLIENT_SCRIPT.parent),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC" if os.name == "posix" else "UTC",
            # What boto3 in the handler needs to reach the local AWS, and nothing else:
            "AWS_ENDPOINT_URL": self.settings.endpoint_url,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "TMPDIR": str(self.tmp_dir),
            "TEMP": str(self.tmp_dir),
            "TMP": str(self.tmp_dir),
        })
        if os.name == "nt":  # AWS's LANG=en_US.UTF-8 makes Python write UTF-8; Windows needs telling
            env["PYTHONUTF8"] = "1"
        env.update(self.settings.credentials)
        # As AWS: layers' bin/ at the end of PATH; the task root, its lib/ and the layers' lib/ on the library path
        library_path = [str(spec.code_dir), str(spec.code_dir / "lib")]
        if spec.opt_dir is not None:
            env["PATH"] = env.get("PATH", "") + os.pathsep + str(spec.opt_dir / "bin")
            library_path.append(str(spec.opt_dir / "lib"))
        env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [env.get("LD_LIBRARY_PATH", ""), *library_path]))
        env.update(spec.variables)
        if self.settings.guard_environment is not None:
            env.update(self.settings.guard_environment(env))
        return env

    def _start_process(self) -> None:
        with self._changed:
            self._queue.close()
            self._queue = _EventQueue()
            self._ready_at = None
            self._init_error = None
            self._disconnected = False
        with open(self._output_path, "ab") as output:
            # POSIX: its own process group (so a kill reaches the handler's own child processes too), in our
            # session (so that if this process dies while the environment is frozen, the kernel sends the orphaned
            # group SIGHUP and SIGCONT and it ends, rather than staying stopped forever).
            kwargs: dict = {"process_group": 0} if os.name == "posix" else {
                "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
            self._parent_peak_at_spawn = _own_peak_rss_bytes()
            self._process = subprocess.Popen(
                self.settings.runtime_command(self.spec), cwd=self.spec.code_dir, env=self._environment_variables(),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, close_fds=True, **kwargs)
        self._probe = ProcessProbe(self._process.pid)

    def _kill_process(self) -> int | None:
        """Kill the runtime from outside (SIGKILL / TerminateProcess) and reap it; return its exit code."""
        process = self._process
        if process is None:
            return None
        if os.name == "posix":
            try:  # the whole group: the runtime and any process the handler started
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        if process.poll() is None:
            try:
                process.kill()
            except OSError:
                pass
        try:
            returncode = self._reap(process, timeout_s=5)
        except subprocess.TimeoutExpired:
            returncode = None
        with self._changed:
            self._queue.close()
            self._process = None
        return returncode

    def _read_output(self) -> list[str]:
        """The log events the process wrote since the last read: one per line, ``\\r`` marking inner newlines."""
        try:
            data = self._output.read()
        except ValueError:  # the environment was shut down (local AWS stopped) while this invocation ran
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

    def _reap(self, process: subprocess.Popen, timeout_s: float) -> int:
        """Wait for the runtime to exit and collect it. On POSIX, wait4 also gives the process's peak resident
        size, which is no longer readable from /proc once a process has exited (a crash, an init failure)."""
        if os.name != "posix" or process.returncode is not None:
            return process.wait(timeout=timeout_s)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            except ChildProcessError:  # already collected elsewhere
                return process.wait(timeout=timeout_s)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # KiB on Linux, bytes on macOS
                # A forked child's ru_maxrss starts at the parent's own high-water mark: only a figure above that
                # peak (read just before the spawn) says something about the runtime.
                if self._probe is not None and peak > self._parent_peak_at_spawn:
                    self._probe.record_peak(peak)
                return process.returncode
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(process.args, timeout_s)
            time.sleep(0.002)

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

    def _freeze(self) -> None:
        """Between invocations AWS freezes the environment: background threads and processes stop running."""
        self._signal_group(signal.SIGSTOP if os.name == "posix" else None)

    def _thaw(self) -> None:
        self._signal_group(signal.SIGCONT if os.name == "posix" else None)

    def _signal_group(self, sig: int | None) -> None:
        process = self._process
        if sig is not None and process is not None:
            try:
                os.killpg(process.pid, sig)
            except OSError:
                pass

    # ------------------------------------------------------------------ invoke

    @property
    def started(self) -> bool:
        return self._process is not None

    def invoke(self, request: InvocationRequest) -> InvocationOutcome:
        """Run one invocation to the end (response, error, timeout, crash or out of memory)."""
        self.invocations += 1
        events: list[str] = []
        invoke_began = time.perf_counter()
        cold = self._process is None
        init_ms: float | None = None
        try:
            if cold:
                result = self._initialise(request, events)
                if result is _RETRY_INIT_IN_INVOKE:  # init ran past 10 s: retried under the function's timeout
                    invoke_began = time.perf_counter()
                    result = self._initialise(request, events)
                if isinstance(result, InvocationOutcome):
                    return result
                init_ms = result
            else:
                self._thaw()
            events.append(log_lines.start(request.request_id, self.spec.version))
            outcome = self._run(request, events, invoke_began if init_ms is None and cold else None)
        except BaseException:
            # Interrupted (Ctrl-C in a notebook, the engine stopping): the runtime may still be busy with this
            # request, so this environment must never serve another one.
            self.dead = True
            self._kill_process()
            raise
        outcome.cold_start = cold
        if init_ms is not None:
            outcome.report = _with_init(outcome.report, init_ms)
            outcome.log_events[-1] = _report_line(outcome.report)
        self._freeze()
        self._trim_output()
        self.last_used = time.monotonic()
        return outcome

    def _trim_output(self) -> None:
        """Start the output file afresh once it is large (everything in it has been read; the process is frozen)."""
        try:
            if self._output.tell() > _OUTPUT_TRIM_BYTES:
                os.truncate(self._output_path, 0)
                self._output.seek(0)
        except (OSError, ValueError):
            pass

    def _initialise(self, request: InvocationRequest, events: list[str]) -> float | None | object:
        """Start the runtime. Returns the Init Duration (None for a suppressed init), a failed outcome, or
        ``_RETRY_INIT_IN_INVOKE`` when the init phase ran past its 10 s limit."""
        suppressed = self._was_reset
        if not suppressed:
            events.append(log_lines.init_start(runtime_version_string(self.spec.runtime), self.spec.region))
        began = time.perf_counter()
        try:
            self._start_process()
        except OSError as exc:  # e.g. a bootstrap that is not executable
            return self._failed_init(request, events, began, suppressed, platform_errors.INVALID_ENTRYPOINT, "error",
                                     platform_errors.invalid_entrypoint_error(
                                         request.request_id, self.settings.runtime_command(self.spec)[0], exc), 0)
        limit = self.spec.timeout_s if suppressed else self.settings.init_limit_s
        deadline = time.monotonic() + limit

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
            return None if suppressed else (self._ready_at - began) * 1000
        # The init phase failed: the runtime reported an error, exited, or ran out of time.
        if self._init_error is not None:
            error_type, payload = self._init_error
            status = "error"
        elif time.monotonic() >= deadline:
            if not suppressed:  # AWS retries an init that outran 10 s, in the invoke phase
                self._kill_process()
                events.extend(self._read_output())
                events.append(log_lines.init_report((time.perf_counter() - began) * 1000, "init", "timeout", None))
                self._was_reset = True
                return _RETRY_INIT_IN_INVOKE
            error_type, status = platform_errors.TIMEOUT, "timeout"
            payload = platform_errors.timeout_error(request.request_id, limit)
        else:
            process = self._process
            error_type, status = platform_errors.EXIT, "error"
            payload = platform_errors.exit_error(request.request_id, process.poll() if process else None)
        self._kill_process()
        peak = self._probe.peak_rss_bytes() if self._probe else 0
        return self._failed_init(request, events, began, suppressed, error_type, status, payload, peak)

    def _failed_init(self, request: InvocationRequest, events: list[str], began: float, suppressed: bool,
                     error_type: str, status: str, payload: bytes, peak: int) -> InvocationOutcome:
        """The outcome of an invocation whose init phase failed; the environment is not used again."""
        init_ms = (time.perf_counter() - began) * 1000
        events.extend(self._read_output())
        events.append(log_lines.init_report(init_ms, "invoke" if suppressed else "init", status, error_type))
        events.append(log_lines.start(request.request_id, self.spec.version))
        events.append(log_lines.end(request.request_id))
        report = self._make_report(request.request_id, init_ms, None, peak, status, error_type)
        events.append(_report_line(report))
        self.dead = True  # the next invoke starts a fresh environment
        return InvocationOutcome(request.request_id, payload, error_type, events, report, init_ms, 0.0, True,
                                 self.id, self.log_stream_name)

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
            if self._wait(lambda: slot.kind is not None or self._disconnected, min(deadline, time.monotonic() + _SLICE_S)):
                if slot.kind is not None:
                    break
                gone, returncode = self._process_gone()
                if gone:
                    failure, status = (platform_errors.EXIT, platform_errors.exit_error(request.request_id, returncode)), "error"
                    break
            else:
                process = self._process
                returncode = process.poll() if process is not None else None
                if returncode is not None:
                    failure = (platform_errors.EXIT, platform_errors.exit_error(request.request_id, returncode))
                    status = "error"
                    break
            now = time.monotonic()
            elapsed_ms = (spec.timeout_s - (deadline - now)) * 1000
            cpu_ms = (self._probe.cpu_seconds() - cpu_before) * 1000
            if now >= deadline or metering.modelled_duration_ms(elapsed_ms, cpu_ms, spec.memory_mb) >= spec.timeout_s * 1000:
                failure, status = (platform_errors.TIMEOUT, platform_errors.timeout_error(request.request_id, spec.timeout_s)), "timeout"
                break
            self._probe.peak_rss_bytes()
            if self._probe.rss_bytes() > limit_bytes:
                failure, status = (platform_errors.OUT_OF_MEMORY, platform_errors.out_of_memory_error(request.request_id)), "error"
                break
        ended = slot.ended_at or time.perf_counter()
        started = began if began is not None else (slot.started_at or ended)
        measured_ms = max((ended - started) * 1000, 0.0)
        cpu_ms = (self._probe.cpu_seconds() - cpu_before) * 1000
        peak = self._probe.peak_rss_bytes()
        duration_ms = metering.modelled_duration_ms(measured_ms, cpu_ms, spec.memory_mb)
        if failure is None:
            if peak > limit_bytes:  # the kernel's own peak says the limit was crossed between two samples
                failure, status = (platform_errors.OUT_OF_MEMORY, platform_errors.out_of_memory_error(request.request_id)), "error"
            elif duration_ms >= spec.timeout_s * 1000:  # at this memory size's CPU share, AWS would have timed out
                failure, status = (platform_errors.TIMEOUT, platform_errors.timeout_error(request.request_id, spec.timeout_s)), "timeout"
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
        events.append(_report_line(report))
        return InvocationOutcome(request.request_id, payload, error_type, events, report, measured_ms, cpu_ms,
                                 False, self.id, self.log_stream_name)

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

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process else None


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


def _with_init(report: log_lines.Report, init_ms: float) -> log_lines.Report:
    billed = metering.billed_duration_ms(report.duration_ms, init_ms)
    return log_lines.Report(report.request_id, report.duration_ms, billed, report.memory_size_mb,
                            report.max_memory_used_mb, round(init_ms, 2), report.status, report.error_type)


def _report_line(report: log_lines.Report) -> str:
    return log_lines.report(report.request_id, report.duration_ms, report.billed_duration_ms, report.memory_size_mb,
                            report.max_memory_used_mb, report.init_duration_ms, report.status, report.error_type)


# Variables an environment inherits from the engine's process: what an interpreter needs to start, nothing else.
_INHERITED = ("PATH", "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "HOME", "USERPROFILE", "LD_LIBRARY_PATH",
              "DYLD_LIBRARY_PATH", "VIRTUAL_ENV", "PYENV_VERSION", "LC_ALL")


def decode_error(payload: bytes) -> dict:
    """The error document a failed invocation returned (empty if the payload is not one)."""
    try:
        value = json.loads(payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
