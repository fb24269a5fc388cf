"""The workbook's Python runtime client: the program that runs inside every execution environment.

It does what AWS's Python runtime does inside a Lambda sandbox, talking to the engine only through the
Lambda Runtime API (``AWS_LAMBDA_RUNTIME_API``):

1. set up ``sys.path`` (``LAMBDA_TASK_ROOT`` first, then layers; of the installed packages only the AWS SDK, as
   on AWS) and logging (a root handler with the runtime's format and
   no level, so ``logger.info`` prints nothing until a level is set: the runtime's famous trap);
2. import the handler named by ``_HANDLER`` (init); an init failure is posted to ``/runtime/init/error``;
3. loop: ``GET /runtime/invocation/next`` -> call ``handler(event, context)`` -> ``POST .../response`` or
   ``POST .../error``.

SnapStart (``AWS_LAMBDA_INITIALIZATION_TYPE=snap-start``), as AWS's runtime does it: after the import, the
``before_snapshot`` hooks of ``snapshot_restore_py`` run (in reverse order of registration), the runtime asks
``GET /runtime/restore/next`` (ready for the snapshot), and once restored runs the ``after_restore`` hooks (in order
of registration) before its first ``/next``. A hook that raises is reported to ``/runtime/init/error``
(``Runtime.BeforeSnapshotError``, exit 64) or ``/runtime/restore/error`` (``Runtime.AfterRestoreError``, exit 65).
Started as a *template* (``_LAMBDA_WORKBOOK_TEMPLATE_FD`` names a control socket), the initialised runtime becomes
the version's snapshot: it waits for restore requests and forks one copy per new environment (``serve_restores``).

It is started as ``python client.py [--opt DIR] [--guard FILE]`` and uses the standard library only, so that a
cold start costs an interpreter start plus the handler's own imports. Any other runtime client (AWS's
``awslambdaric``, a custom runtime's ``bootstrap``) can run in its place against the same Runtime API.
"""

import json
import os
import socket
import sys
import time
import traceback

TEMPLATE_FD_VARIABLE = "_LAMBDA_WORKBOOK_TEMPLATE_FD"  # helpers/runtime/snapshot.py sets it
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux

RUNTIME_API_VERSION = "2018-06-01"
MB_PER_VCPU = 1769  # helpers/aws_facts.py's figure, copied (this file is stdlib-only); tests/unit/test_aws_facts.py checks it
LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
LOG_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


# --------------------------------------------------------------------------- Runtime API over one socket


class RuntimeAPIClient:
    """A minimal HTTP/1.1 keep-alive client for the Runtime API (loopback, one request at a time)."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.host = host or "127.0.0.1"
        self.port = int(port)
        self.sock = None
        self.reader = None

    def _connect(self):
        sock = socket.create_connection((self.host, self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.reader = sock, sock.makefile("rb")

    def request(self, method, path, body=b"", headers=None):
        """Send one request; return (status, headers with lower-case names, body). Exit if the API is gone."""
        if self.sock is None:
            self._connect()
        lines = [f"{method} /{RUNTIME_API_VERSION}/runtime/{path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(body)}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        try:
            self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            status_line = self.reader.readline()
            if not status_line:
                raise ConnectionError("Runtime API closed the connection")
            status = int(status_line.split(None, 2)[1])
            response_headers = {}
            while True:
                line = self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                response_headers[name.strip().lower()] = value.strip()
            length = int(response_headers.get("content-length", "0"))
            return status, response_headers, self.reader.read(length) if length else b""
        except (OSError, ValueError, IndexError):
            # The engine has gone away (local AWS stopped, or its process was killed): so does this environment.
            os._exit(0)

    def next_invocation(self):
        return self.request("GET", "invocation/next")

    def post_response(self, request_id, body, content_type="application/json"):
        self.request("POST", f"invocation/{request_id}/response", body, {"Content-Type": content_type})

    def post_error(self, request_id, error, error_type):
        self.request("POST", f"invocation/{request_id}/error", _to_json(error).encode("utf-8"),
                     {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type})

    def post_init_error(self, error, error_type):
        self.request("POST", "init/error", _to_json(error).encode("utf-8"),
                     {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type})

    def restore_next(self):
        """SnapStart: ready for the snapshot; returns once this runtime is restored."""
        self.request("GET", "restore/next")

    def post_restore_error(self, error, error_type):
        self.request("POST", "restore/error", _to_json(error).encode("utf-8"),
                     {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type})

    def close(self):
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
            self.sock = self.reader = None


# --------------------------------------------------------------------------- errors, as the runtime formats them


class FaultError(Exception):
    """A failure the runtime itself names (``Runtime.*``), as opposed to an exception from user code."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type, self.message, self.stack_trace = error_type, message, stack_trace or []


def _user_frames(tb):
    """The stack trace entries AWS returns: traceback.format_list, minus the runtime's own leading frames."""
    frames = traceback.extract_tb(tb)
    here = os.path.abspath(__file__)
    while frames and os.path.abspath(frames[0].filename) == here:
        frames.pop(0)
    # Plain (file, line, function, text) tuples: AWS's traces carry no column markers (no ^^^ lines).
    return traceback.format_list([(f.filename, f.lineno, f.name, f.line) for f in frames])


def make_error(message, error_type, stack_trace, request_id):
    """The error document, with AWS's key order: errorMessage, errorType, requestId, stackTrace."""
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id or "", "stackTrace": stack_trace}


def error_from_exception(exc, request_id):
    if isinstance(exc, FaultError):
        return make_error(exc.message, exc.error_type, exc.stack_trace, request_id)
    return make_error(str(exc), type(exc).__name__, _user_frames(exc.__traceback__), request_id)


def log_error(error):
    """Write the runtime's ``[ERROR]`` line: one log event whose lines are joined with ``\\r`` on stdout."""
    head = "[ERROR]"
    if error.get("errorType"):
        head += " " + error["errorType"]
    if error.get("errorMessage"):
        head += (":" if error.get("errorType") else "") + " " + error["errorMessage"]
    lines = [head]
    if error.get("stackTrace") is not None:
        lines.append("Traceback (most recent call last):")
        for entry in error["stackTrace"]:
            lines.extend(_nbsp_indent(line) for line in (entry.splitlines() or [""]))
    _write_event("\r".join(lines))


def _nbsp_indent(line):
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def _write_event(text):
    sys.stdout.write(text.replace("\n", "\r") + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- JSON marshalling, the runtime's rules


class _Marshaller:
    """JSON encoding with the runtime's rules (AWS's runtime uses simplejson): Decimal becomes a number with its
    exact digits (NaN for any NaN), a namedtuple becomes an object, bytes inside a value become a UTF-8 string;
    non-ASCII is escaped before python3.12 and kept from python3.12 on; anything else that is not JSON is a
    MarshalError."""

    def __init__(self, ensure_ascii):
        self.ensure_ascii = ensure_ascii

    def dumps(self, value):
        decimals = []

        def default(obj):
            if type(obj).__name__ == "Decimal" and type(obj).__module__ in ("decimal", "_decimal", "_pydecimal"):
                decimals.append("NaN" if obj.is_nan() else str(obj))
                return f"\x00decimal{len(decimals) - 1}\x00"
            if isinstance(obj, (bytes, bytearray)):
                return bytes(obj).decode("utf-8")
            raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

        text = json.dumps(_namedtuples_as_objects(value), default=default, ensure_ascii=self.ensure_ascii)
        for index, digits in enumerate(decimals):
            text = text.replace(f'"\\u0000decimal{index}\\u0000"', digits, 1)
        return text


def _namedtuples_as_objects(value):
    """simplejson writes a namedtuple as an object; the json module would write a list."""
    if isinstance(value, dict):
        return {key: _namedtuples_as_objects(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {key: _namedtuples_as_objects(item) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_namedtuples_as_objects(item) for item in value]
    return value


def _to_json(value):
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- the context object


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, identity_id=None, pool_id=None):
        self.cognito_identity_id = identity_id
        self.cognito_identity_pool_id = pool_id

    def __repr__(self):
        return (f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
                f"cognito_identity_pool_id={self.cognito_identity_pool_id}])")


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")

    def __init__(self, fields):
        self.installation_id = fields.get("installation_id")
        self.app_title = fields.get("app_title")
        self.app_version_name = fields.get("app_version_name")
        self.app_version_code = fields.get("app_version_code")
        self.app_package_name = fields.get("app_package_name")

    def __repr__(self):
        return (f"Client([installation_id={self.installation_id},app_title={self.app_title},"
                f"app_version_name={self.app_version_name},app_version_code={self.app_version_code},"
                f"app_package_name={self.app_package_name}])")


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, fields):
        client = fields.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = fields.get("custom")
        self.env = fields.get("env")

    def __repr__(self):
        return f"ClientContext([client={self.client},custom={self.custom},env={self.env}])"


class LambdaContext:
    """The ``context`` argument: the same fields and types as the real Python runtime's object."""

    def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context, cognito_identity, tenant_id,
                 cpu_clock=None):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self._deadline_ms = deadline_ms
        self._cpu_clock = cpu_clock
        identity = json.loads(cognito_identity) if cognito_identity else {}
        self.identity = CognitoIdentity(identity.get("cognitoIdentityId"), identity.get("cognitoIdentityPoolId"))
        self.client_context = ClientContext(json.loads(client_context)) if client_context else None

    def get_remaining_time_in_millis(self):
        """Milliseconds left before the function times out (an int, never below 0).

        Below 1,769 MB the engine counts CPU time as AWS's smaller CPU share would take it (metering.py), and
        so does this clock: the handler sees the same deadline as the platform that enforces it.
        """
        stretched = self._cpu_clock.stretched_ms() if self._cpu_clock is not None else 0
        return max(self._deadline_ms - int(time.time() * 1000) - int(stretched), 0)

    def log(self, message):
        sys.stdout.write(str(message))
        sys.stdout.flush()

    def __repr__(self):
        return (f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
                f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
                f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
                f"identity={self.identity},tenant_id={self.tenant_id}])")


class ModelledCPUClock:
    """The CPU time the handler's thread used since the invocation began, stretched by AWS's CPU share."""

    def __init__(self, memory_mb):
        self.factor = max(MB_PER_VCPU / memory_mb - 1.0, 0.0) if memory_mb > 0 else 0.0
        try:  # the main thread's CPU clock: what the engine measures (Linux: /proc/<pid>/schedstat)
            import threading

            clock_id = time.pthread_getcpuclockid(threading.main_thread().ident)
            self._read = lambda: time.clock_gettime(clock_id)
        except (AttributeError, OSError):
            self._read = time.process_time
        self.started = self._read()

    def restart(self):
        self.started = self._read()

    def stretched_ms(self):
        return (self._read() - self.started) * 1000 * self.factor if self.factor else 0.0


# --------------------------------------------------------------------------- logging, as the runtime sets it up


_current_request_id = ""


def _install_logging():
    """A root handler that writes the runtime's line format to stdout; no level is set (root stays WARNING)."""
    import logging

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _current_request_id
            return True

    class LambdaHandler(logging.Handler):
        def emit(self, record):
            try:
                _write_event(self.format(record).rstrip("\n"))
            except Exception:  # noqa: BLE001 - a logging failure must never break the invocation
                self.handleError(record)

    formatter = logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT)
    formatter.converter = time.gmtime
    handler = LambdaHandler()
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


# --------------------------------------------------------------------------- init: find and import the handler


def load_handler(handler_name):
    """Import the handler module and return the handler function, or raise FaultError/another exception."""
    try:
        module_path, function_name = handler_name.rsplit(".", 1)
    except ValueError as exc:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{handler_name}': {exc}") from None
    if module_path.split(".")[0] in sys.builtin_module_names:
        raise FaultError("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_path} as a handler module")
    import importlib

    try:  # "pkg/mod.handler" names the module pkg.mod; messages keep the name as written
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as exc:
        raise FaultError("Runtime.ImportModuleError", f"Unable to import module '{module_path}': {exc}") from None
    except SyntaxError as exc:
        entry = f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}'
        raise FaultError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_path}': {exc}", [entry]) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise FaultError("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_path}'") from None


def _report_init_error(api, exc):
    error = error_from_exception(exc, "")
    timestamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
    _write_event(f"[WARNING]\t{timestamp}\t\tLAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in "
                 "the function code. However, in rare cases, a Lambda runtime update can cause unexpected function "
                 "behavior. For functions using managed runtimes, runtime updates can be triggered by a function "
                 "change, or can be applied automatically. To determine if the runtime has been updated, check the "
                 "runtime version in the INIT_START log entry. If this error correlates with a change in the runtime "
                 "version, you may be able to mitigate this error by temporarily rolling back to the previous runtime "
                 "version. For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html")
    log_error(error)
    api.post_init_error(error, error["errorType"])


# --------------------------------------------------------------------------- the invoke loop


def handle_one(api, handler, marshaller, cpu_clock=None):
    """Wait for one event, run the handler, and post its result or error."""
    global _current_request_id
    _status, headers, body = api.next_invocation()
    if cpu_clock is not None:
        cpu_clock.restart()
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    _current_request_id = request_id
    if "lambda-runtime-trace-id" in headers:
        os.environ["_X_AMZN_TRACE_ID"] = headers["lambda-runtime-trace-id"]
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        for name, header in (("Client Context", "lambda-runtime-client-context"),
                             ("Cognito Identity", "lambda-runtime-cognito-identity")):
            try:
                json.loads(headers.get(header) or "null")
            except ValueError as exc:
                raise FaultError("Runtime.LambdaContextUnmarshalError", f"Unable to parse {name} JSON: {exc}") from None
        context = LambdaContext(request_id, int(headers.get("lambda-runtime-deadline-ms", "0")),
                                headers.get("lambda-runtime-invoked-function-arn"),
                                headers.get("lambda-runtime-client-context"),
                                headers.get("lambda-runtime-cognito-identity"),
                                headers.get("lambda-runtime-aws-tenant-id"), cpu_clock)
        try:
            event = json.loads(body) if body else {}
        except ValueError as exc:
            raise FaultError("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from None
        result = handler(event, context)
        if isinstance(result, bytes):  # bytes go back as they are, untouched by JSON
            payload, content_type = result, "application/unknown"
        else:
            try:
                payload, content_type = marshaller.dumps(result).encode("utf-8"), "application/json"
            except (TypeError, ValueError, OverflowError, RecursionError) as exc:
                raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - every handler failure is reported, as the real runtime does
        error = error_from_exception(exc, request_id)
        log_error(error)
        sys.stdout.flush()
        api.post_error(request_id, error, error["errorType"])
        return
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    api.post_response(request_id, payload, content_type)


def _watch_parent(engine_pid=None):
    """Exit when the engine's process is gone, even while a handler is busy (POSIX: the parent pid changes; a
    restored copy, whose parent is its template, watches the engine's pid itself)."""
    import threading

    parent = os.getppid()

    def gone():
        if engine_pid is None:
            return os.getppid() != parent
        try:
            os.kill(engine_pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # it exists (not ours to signal)
            pass
        return False

    def watch():
        while True:
            time.sleep(0.5)
            if gone():
                os._exit(0)

    if os.name == "posix":
        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


# --------------------------------------------------------------------------- SnapStart: runtime hooks and restores


def _runtime_hooks():
    """AWS's hook registry, if the function's code registered any (``snapshot_restore_py``; never imported here
    otherwise: importing it costs a function without hooks nothing)."""
    return sys.modules.get("snapshot_restore_py")


def run_before_snapshot(hooks):
    """The before-snapshot hooks, last registered first."""
    registered = hooks.get_before_snapshot()
    while registered:
        func, args, kwargs = registered.pop()
        func(*args, **kwargs)


def run_after_restore(hooks):
    """The after-restore hooks, in order of registration."""
    for func, args, kwargs in hooks.get_after_restore():
        func(*args, **kwargs)


def _hook_failure(exc):
    """The error document of a failing hook (its own exception type), logged as the runtime logs errors."""
    error = error_from_exception(exc, "")
    log_error(error)
    sys.stdout.flush()
    return error


def snap_start(api, control=None):
    """SnapStart's phases around the snapshot; returns the Runtime API client of the restored runtime. ``control``:
    the template's control socket (a file descriptor), when this runtime is to be the version's snapshot."""
    hooks = _runtime_hooks()
    try:
        if hooks is not None:
            run_before_snapshot(hooks)
    except Exception as exc:  # noqa: BLE001 - any hook failure fails the init
        api.post_init_error(_hook_failure(exc), "Runtime.BeforeSnapshotError")
        os._exit(64)
    api.restore_next()  # a template: "ready for the snapshot"; otherwise answered once restored
    if control is not None:
        api = serve_restores(control, api)  # returns in each restored copy only
    try:
        if hooks is not None:
            run_after_restore(hooks)
    except Exception as exc:  # noqa: BLE001 - any hook failure fails the restore
        api.post_restore_error(_hook_failure(exc), "Runtime.AfterRestoreError")
        os._exit(65)
    return api


def serve_restores(control_fd, api):
    """The template's loop: on each restore request from the engine, fork a copy of this initialised runtime
    (copy-on-write) for a new environment; report each copy's pid, and its exit (code and peak memory) when it
    ends. Exits when the engine closes the control socket. Returns only in a copy, as that copy's Runtime API client.

    A request is one JSON line: {"id", "runtime_api", "output", "variables", "unset", "engine_pid"}."""
    import select
    import signal

    control = socket.socket(fileno=control_fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    pending = b""
    while True:
        readable, _, _ = select.select([control, wake_read], [], [], 1.0)
        if wake_read in readable:
            os.read(wake_read, 4096)
        _report_exits(control)
        if control not in readable:
            continue
        data = control.recv(65536)
        if not data:  # the engine is gone, or the version deleted
            os._exit(0)
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = _fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for fd in (wake_read, wake_write):
                    os.close(fd)
                control.close()
                return _become_restored(request, api)
            try:
                os.setpgid(pid, pid)  # also done by the child: whichever runs first
            except OSError:
                pass
            _send(control, {"restored": request["id"], "pid": pid})


def _fork():
    """os.fork, with this process's output flushed first (or the copy writes it again); a fork copies only this
    thread, which is what the template means to copy (no warning about other threads)."""
    import warnings

    sys.stdout.flush()
    sys.stderr.flush()
    random_state = sys.modules["random"].getstate() if "random" in sys.modules else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0 and random_state is not None:
        # Python reseeds its global random generator in a forked child; a restored snapshot does not: every
        # restored environment continues from the snapshot's state (the uniqueness pitfall, as on AWS).
        sys.modules["random"].setstate(random_state)
    return pid


def _become_restored(request, api):
    """In the copy: a process group and output of its own, the new environment's variables and Runtime API."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    output = os.open(request["output"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    for name in request.get("unset", ()):
        os.environ.pop(name, None)
    os.environ.update(request["variables"])
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None  # gettempdir() found the template's folder: look again (TMPDIR)
    _watch_parent(engine_pid=request["engine_pid"])
    api.close()  # the template's connection: the copy talks to its own environment's Runtime API
    restored = RuntimeAPIClient(request["runtime_api"])
    restored.restore_next()  # the restore/next the snapshot was taken in, answered in this environment
    return restored


def _report_exits(control):
    """Collect every copy that has ended and tell the engine (exit code, and peak memory from the kernel)."""
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return
        _send(control, {"exited": pid, "code": os.waitstatus_to_exitcode(status),
                        "peak": usage.ru_maxrss * _RSS_UNIT})


def _send(control, message):
    try:
        control.sendall((json.dumps(message) + "\n").encode())
    except OSError:
        os._exit(0)  # the engine is gone


# What AWS's Python runtime provides besides the standard library: the AWS SDK and the packages it needs.
# Anything else a handler imports must come with its zip or a layer, as on AWS.
# ``snapshot_restore_py`` is AWS's SnapStart runtime hooks library, part of the Python runtimes from python3.12.
RUNTIME_PACKAGES = frozenset({"boto3", "botocore", "jmespath", "s3transfer", "urllib3", "dateutil", "six",
                              "snapshot_restore_py"})


class _RuntimePackageFinder:
    """Finds the runtime's packages (RUNTIME_PACKAGES) in the interpreter's site-packages, and nothing else there."""

    def __init__(self, folders):
        self.folders = folders

    def find_spec(self, name, path=None, target=None):
        if path is not None or name not in RUNTIME_PACKAGES:
            return None
        import importlib.machinery

        return importlib.machinery.PathFinder.find_spec(name, self.folders)


def _hide_installed_packages():
    """Take site-packages off sys.path (and editable installs off sys.meta_path), then let only the SDK back in."""
    import site
    import sysconfig

    def norm(folder):
        return os.path.normcase(os.path.abspath(folder))

    def inside(entry, folder):
        return entry == folder or entry.startswith(folder.rstrip(os.sep) + os.sep)

    folders = [norm(folder) for folder in site.getsitepackages() + [site.getusersitepackages()]]
    # On Windows getsitepackages() also names sys.prefix, which holds the standard library: never hide that.
    stdlib = [norm(sysconfig.get_paths()[name]) for name in ("stdlib", "platstdlib")]
    folders = [folder for folder in folders if not any(inside(lib, folder) for lib in stdlib)] + [
        norm(os.path.join(folder, "site-packages")) for folder in folders
        if any(inside(lib, folder) for lib in stdlib)]
    sys.path[:] = [entry for entry in sys.path
                   if not any(inside(norm(entry or os.getcwd()), folder) for folder in folders)]
    sys.meta_path[:] = [finder for finder in sys.meta_path
                        if "__editable__" not in getattr(finder, "__module__", "")
                        and "__editable__" not in getattr(type(finder), "__module__", "")]
    sys.path_importer_cache.clear()
    sys.meta_path.append(_RuntimePackageFinder([folder for folder in folders if os.path.isdir(folder)]))


def _set_up_paths(opt_dir):
    # Running this file put its own folder first on sys.path; the handler must not see the runtime's modules.
    here = os.path.dirname(os.path.abspath(__file__))
    while sys.path and os.path.abspath(sys.path[0] or os.getcwd()) == here:
        sys.path.pop(0)
    _hide_installed_packages()
    front = [os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())]
    if opt_dir:
        # python/lib/python3.N/site-packages of the function's runtime (AWS_Lambda_python3.12 -> python3.12), as
        # `pip install -t python/lib/python3.12/site-packages` lays a layer out for it
        runtime = os.environ.get("AWS_EXECUTION_ENV", "").rsplit("_", 1)[-1]
        version = runtime if runtime.startswith("python3.") else f"python{sys.version_info[0]}.{sys.version_info[1]}"
        front.append(os.path.join(opt_dir, "python", "lib", version, "site-packages"))
        front.append(os.path.join(opt_dir, "python"))
    sys.path[0:0] = front


def _load_guard(guard_file):
    """Install the workbook's safety guard (helpers/guard.py), so that nothing in the handler's process can reach
    anything but loopback (the sitecustomize of helpers/runtime/guard_site may already have loaded it)."""
    module = sys.modules.get("_lambda_workbook_guard")
    if module is None:
        import importlib.util

        spec = importlib.util.spec_from_file_location("_lambda_workbook_guard", guard_file)
        module = importlib.util.module_from_spec(spec)
        sys.modules["_lambda_workbook_guard"] = module
        spec.loader.exec_module(module)
    module.install()


def _template_control():
    """The control socket's descriptor when started as a template (hidden from the function's code and from the
    programs it starts)."""
    value = os.environ.pop(TEMPLATE_FD_VARIABLE, None)
    if value is None:
        return None
    os.set_inheritable(int(value), False)
    return int(value)


def main(argv):
    control = _template_control()
    opt_dir = argv[argv.index("--opt") + 1] if "--opt" in argv else None
    if "--guard" in argv:
        _load_guard(argv[argv.index("--guard") + 1])
    _set_up_paths(opt_dir)
    sys.stdout.reconfigure(line_buffering=True)
    _watch_parent()
    api = RuntimeAPIClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    _install_logging()
    runtime = os.environ.get("AWS_EXECUTION_ENV", "")
    minor = runtime.rsplit("python3.", 1)[-1]
    marshaller = _Marshaller(ensure_ascii=not (minor.isdigit() and int(minor) >= 12))
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as exc:  # noqa: BLE001 - any init failure is reported to the Runtime API
        _report_init_error(api, exc)
        sys.stdout.flush()
        os._exit(1)
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
        api = snap_start(api, control)
    memory = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
    cpu_clock = ModelledCPUClock(int(memory)) if memory.isdigit() else None
    while True:
        handle_one(api, handler, marshaller, cpu_clock)


if __name__ == "__main__":
    main(sys.argv)
