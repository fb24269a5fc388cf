"""The runtime client (helpers/runtime/client.py), tested in-process against awslambdaric 4.2.2's behaviour.

Facts: /work/notes/awslambdaric-facts.md and ../shared/reference/runtime-fidelity-and-emulators.md §2.2-2.3.
"""

from __future__ import annotations

import collections
import importlib
import io
import sys
import textwrap
import traceback
import types
import uuid
from decimal import Decimal

import pytest

from helpers.runtime import client
from helpers.runtime.client import FaultError, LambdaContext, _Marshaller

NBSP = "\u00a0"


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def code_dir(tmp_path, monkeypatch):
    """A fresh folder first on sys.path; every module imported from it is forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(str(tmp_path)) or name.startswith("wbtest_"):
            del sys.modules[name]


@pytest.fixture
def modname():
    """A module name no other test (or installed package) uses."""
    return f"wbtest_{uuid.uuid4().hex[:12]}"


def write(root, relative_path, source):
    path = root / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    importlib.invalidate_caches()
    return path


@pytest.fixture
def logged(monkeypatch):
    """log_error(error) -> what it wrote to sys.stdout (patched inside the test, where pytest leaves it alone)."""

    def log(error):
        buffer = io.StringIO()
        monkeypatch.setattr(sys, "stdout", buffer)
        client.log_error(error)
        return buffer.getvalue()

    return log


class FakeRuntimeAPI:
    """Stands in for RuntimeAPIClient: serves one invocation and records what the client posts back."""

    def __init__(self, body=b"{}", headers=None):
        self.headers = {"lambda-runtime-aws-request-id": "req-1", "lambda-runtime-deadline-ms": "0"}
        self.headers.update(headers or {})
        self.body = body
        self.errors, self.responses = [], []

    def next_invocation(self):
        return 200, dict(self.headers), self.body

    def post_error(self, request_id, error, error_type):
        self.errors.append((request_id, error, error_type))

    def post_response(self, request_id, body, content_type="application/json"):
        self.responses.append((request_id, body, content_type))


@pytest.fixture
def run_once(monkeypatch):
    """handle_one(handler) against a fake Runtime API, leaving the process's env and globals as they were."""
    monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)
    monkeypatch.setattr(client, "_current_request_id", "")

    def run(handler, body=b"{}", marshaller=None):
        api = FakeRuntimeAPI(body)
        monkeypatch.setattr(sys, "stdout", io.StringIO())  # handle_one logs the [ERROR] line there
        client.handle_one(api, handler, marshaller or _Marshaller(ensure_ascii=False))
        return api

    return run


def dividing_handler(event, context):
    return event["n"] / event["d"]


# --------------------------------------------------------------------------- load_handler: init errors


def test_handler_without_a_dot_is_malformed():
    with pytest.raises(FaultError) as excinfo:
        client.load_handler("x")
    assert excinfo.value.error_type == "Runtime.MalformedHandlerName"
    assert excinfo.value.message == "Bad handler 'x': not enough values to unpack (expected 2, got 1)"
    assert excinfo.value.stack_trace == []


@pytest.mark.parametrize("handler, module", [("sys.handler", "sys"), ("sys.sub.handler", "sys.sub"),
                                             ("builtins.handler", "builtins")])
def test_built_in_module_names_conflict(handler, module):
    with pytest.raises(FaultError) as excinfo:
        client.load_handler(handler)
    assert excinfo.value.error_type == "Runtime.BuiltInModuleConflict"
    assert excinfo.value.message == f"Cannot use built-in module {module} as a handler module"
    assert excinfo.value.stack_trace == []


def test_missing_module_is_an_import_module_error(code_dir, modname):
    with pytest.raises(FaultError) as excinfo:
        client.load_handler(f"{modname}.handler")
    assert excinfo.value.error_type == "Runtime.ImportModuleError"
    assert excinfo.value.message == f"Unable to import module '{modname}': No module named '{modname}'"
    assert excinfo.value.stack_trace == []


def test_import_error_inside_the_module_is_an_import_module_error(code_dir, modname):
    write(code_dir, f"{modname}.py", f"import {modname}_dependency\n")
    with pytest.raises(FaultError) as excinfo:
        client.load_handler(f"{modname}.handler")
    assert excinfo.value.error_type == "Runtime.ImportModuleError"
    assert excinfo.value.message == f"Unable to import module '{modname}': No module named '{modname}_dependency'"


def test_syntax_error_names_the_file_and_line_in_the_runtime_format(code_dir, modname):
    source = "x = 1\ndef f(:\n    pass\n"
    path = write(code_dir, f"{modname}.py", source)
    try:
        compile(source, str(path), "exec")
    except SyntaxError as exc:
        expected_detail = str(exc)
    with pytest.raises(FaultError) as excinfo:
        client.load_handler(f"{modname}.handler")
    assert excinfo.value.error_type == "Runtime.UserCodeSyntaxError"
    assert excinfo.value.message == f"Syntax error in module '{modname}': {expected_detail}"
    # Capital "Line", no comma, and the source line keeps its newline (awslambdaric's own format).
    assert excinfo.value.stack_trace == [f'  File "{path}" Line 2\n    def f(:\n']


def test_missing_function_is_handler_not_found(code_dir, modname):
    write(code_dir, f"{modname}.py", "def handler(event, context):\n    return 1\n")
    with pytest.raises(FaultError) as excinfo:
        client.load_handler(f"{modname}.nope")
    assert excinfo.value.error_type == "Runtime.HandlerNotFound"
    assert excinfo.value.message == f"Handler 'nope' missing on module '{modname}'"
    assert excinfo.value.stack_trace == []


def test_existing_function_is_returned(code_dir, modname):
    write(code_dir, f"{modname}.py", "def handler(event, context):\n    return event['x'] * 2\n")
    assert client.load_handler(f"{modname}.handler")({"x": 21}, None) == 42


def test_slash_in_the_module_path_imports_the_dotted_module(code_dir, modname):
    write(code_dir, f"{modname}/__init__.py", "")
    write(code_dir, f"{modname}/mod.py", "def fn(event, context):\n    return __name__\n")
    assert client.load_handler(f"{modname}/mod.fn")({}, None) == f"{modname}.mod"


def test_slash_module_path_is_kept_as_written_in_messages(code_dir, modname):
    write(code_dir, f"{modname}/__init__.py", "")
    write(code_dir, f"{modname}/mod.py", "")
    with pytest.raises(FaultError) as excinfo:
        client.load_handler(f"{modname}/mod.missing")
    assert excinfo.value.message == f"Handler 'missing' missing on module '{modname}/mod'"


def test_other_exception_at_import_keeps_its_type_and_the_importlib_frames(code_dir, modname):
    path = write(code_dir, f"{modname}.py", "raise RuntimeError('Runtime startup fails')\n")
    with pytest.raises(RuntimeError) as excinfo:
        client.load_handler(f"{modname}.handler")
    # Drop this test's own frame, so the trace starts in client.py as it does when main() catches the error.
    exc = excinfo.value.with_traceback(excinfo.value.__traceback__.tb_next)
    assert exc.__traceback__.tb_frame.f_code.co_filename == client.__file__
    error = client.error_from_exception(exc, "")
    assert (error["errorMessage"], error["errorType"], error["requestId"]) == (
        "Runtime startup fails", "RuntimeError", "")
    assert not any(client.__file__ in entry for entry in error["stackTrace"])
    assert any("importlib" in entry for entry in error["stackTrace"])  # AWS keeps them too
    assert error["stackTrace"][-1] == (f'  File "{path}", line 1, in <module>\n'
                                       "    raise RuntimeError('Runtime startup fails')\n")


# --------------------------------------------------------------------------- error documents


def test_make_error_key_order():
    error = client.make_error("boom", "ValueError", [], "req-1")
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert error == {"errorMessage": "boom", "errorType": "ValueError", "requestId": "req-1", "stackTrace": []}


def test_make_error_without_request_id_has_an_empty_one():
    assert client.make_error("boom", "ValueError", [], None)["requestId"] == ""


def test_fault_error_becomes_its_own_type_and_message():
    error = client.error_from_exception(FaultError("Runtime.UnmarshalError", "Unable to unmarshal input: x"), "r")
    assert error == {"errorMessage": "Unable to unmarshal input: x", "errorType": "Runtime.UnmarshalError",
                     "requestId": "r", "stackTrace": []}


def test_key_error_message_is_the_repr_of_the_key():
    try:
        {}["k"]
    except KeyError as exc:
        error = client.error_from_exception(exc, "r")
    assert (error["errorMessage"], error["errorType"]) == ("'k'", "KeyError")


def test_stack_trace_has_no_caret_lines():
    try:
        dividing_handler({"n": 1, "d": 0}, None)
    except ZeroDivisionError as exc:
        caught = exc
    assert "^" in "".join(traceback.format_exception(caught))  # Python itself would draw them
    trace = client.error_from_exception(caught, "r")["stackTrace"]
    assert trace and not any("^" in entry or "~" in entry for entry in trace)


def test_handler_error_trace_starts_at_user_code(run_once):
    api = run_once(dividing_handler, body=b'{"n": 1, "d": 0}')
    request_id, error, error_type = api.errors[0]
    assert (request_id, error_type) == ("req-1", "ZeroDivisionError")
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert error["errorMessage"] == "division by zero"
    assert error["requestId"] == "req-1"
    # The runtime's own frame (handle_one in client.py) is stripped: only the handler's frame is left.
    assert len(error["stackTrace"]) == 1
    entry = error["stackTrace"][0]
    assert entry.startswith(f'  File "{__file__}", line ')
    assert entry.endswith(', in dividing_handler\n    return event["n"] / event["d"]\n')
    assert api.responses == []


def test_unserialisable_result_is_a_marshal_error(run_once):
    api = run_once(lambda event, context: {1, 2})
    assert api.errors == [("req-1", {
        "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
        "errorType": "Runtime.MarshalError", "requestId": "req-1", "stackTrace": []}, "Runtime.MarshalError")]


def test_result_is_posted_as_json_with_decimals_exact(run_once):
    api = run_once(lambda event, context: {"price": Decimal("1.10")})
    assert api.responses == [("req-1", b'{"price": 1.10}', "application/json")]


def test_bytes_result_is_posted_raw_as_application_unknown(run_once):
    api = run_once(lambda event, context: b"\x00raw")
    assert api.responses == [("req-1", b"\x00raw", "application/unknown")]


# --------------------------------------------------------------------------- log_error: the [ERROR] log event


def test_log_error_writes_one_event_with_carriage_returns_and_nbsp_indent(logged):
    output = logged({"errorMessage": "bad value", "errorType": "ValueError", "requestId": "r", "stackTrace": [
        '  File "/var/task/h.py", line 8, in h\n    raise ValueError("bad value")\n']})
    assert output == (
        "[ERROR] ValueError: bad value\r"
        "Traceback (most recent call last):\r"
        f'{NBSP * 2}File "/var/task/h.py", line 8, in h\r'
        f'{NBSP * 4}raise ValueError("bad value")\n')


def test_log_error_with_empty_trace_still_prints_the_traceback_line(logged):
    output = logged(client.make_error("Unable to import module 'm': No module named 'm'",
                                       "Runtime.ImportModuleError", [], ""))
    assert output == ("[ERROR] Runtime.ImportModuleError: Unable to import module 'm': No module named 'm'"
                                 "\rTraceback (most recent call last):\n")


@pytest.mark.parametrize("error_type, message, head", [
    ("ValueError", "", "[ERROR] ValueError"),
    ("", "just a message", "[ERROR] just a message"),
    ("", "", "[ERROR]"),
])
def test_log_error_head_line_without_type_or_message(logged, error_type, message, head):
    output = logged({"errorMessage": message, "errorType": error_type, "stackTrace": None})
    assert output == head + "\n"


def test_log_error_only_replaces_leading_ascii_spaces(logged):
    output = logged({"errorMessage": "m", "errorType": "T", "stackTrace": ["   a  b\t c\n\tx\n"]})
    lines = output.split("\r")
    assert lines[2:] == [f"{NBSP * 3}a  b\t c", "\tx\n"]


def test_log_error_keeps_an_empty_trace_entry_as_an_empty_line(logged):
    output = logged({"errorMessage": "m", "errorType": "T", "stackTrace": ["", "  File x\n"]})
    assert output == f"[ERROR] T: m\rTraceback (most recent call last):\r\r{NBSP * 2}File x\n"


def test_log_error_ends_with_exactly_one_newline(logged):
    output = logged({"errorMessage": "m", "errorType": "T", "stackTrace": ["  a\n", "  b\n"]})
    assert output.endswith("\n") and output.count("\n") == 1


# --------------------------------------------------------------------------- _Marshaller: the runtime's JSON rules


def test_decimal_keeps_its_exact_digits():
    assert _Marshaller(ensure_ascii=True).dumps(Decimal("1.10")) == "1.10"


def test_nested_decimals_become_numbers():
    value = {"a": [Decimal("1"), {"b": Decimal("2.500")}], "c": Decimal("1E+2"), "d": Decimal("-0.0")}
    assert _Marshaller(ensure_ascii=True).dumps(value) == '{"a": [1, {"b": 2.500}], "c": 1E+2, "d": -0.0}'


def test_decimal_nan_is_nan():
    assert _Marshaller(ensure_ascii=True).dumps([Decimal("NaN"), float("nan")]) == "[NaN, NaN]"


def test_ensure_ascii_true_escapes_non_ascii():
    assert _Marshaller(ensure_ascii=True).dumps({"name": "é"}) == '{"name": "\\u00e9"}'


def test_ensure_ascii_false_keeps_non_ascii():
    assert _Marshaller(ensure_ascii=False).dumps({"name": "é"}) == '{"name": "é"}'


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_set_is_not_serialisable(ensure_ascii):
    with pytest.raises(TypeError) as excinfo:
        _Marshaller(ensure_ascii=ensure_ascii).dumps({"s": {1}})
    assert str(excinfo.value) == "Object of type set is not JSON serializable"


def test_negative_decimal_nan_is_nan():
    assert _Marshaller(ensure_ascii=True).dumps({"d": Decimal("-NaN")}) == '{"d": NaN}'


def test_namedtuple_becomes_an_object():
    Point = collections.namedtuple("Point", "a b")
    assert _Marshaller(ensure_ascii=True).dumps(Point(1, 2)) == '{"a": 1, "b": 2}'


def test_bytes_inside_a_result_become_a_string():
    assert _Marshaller(ensure_ascii=True).dumps({"b": b"abc"}) == '{"b": "abc"}'


# --------------------------------------------------------------------------- LambdaContext


def make_context(deadline_ms=0, client_context=None, cognito_identity=None):
    return LambdaContext("req-1", deadline_ms, "arn:aws:lambda:us-east-1:123456789012:function:f",
                         client_context, cognito_identity, None)


def test_memory_limit_is_the_string_from_the_environment(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "f")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
    context = make_context()
    assert context.memory_limit_in_mb == "1024"
    assert (context.function_name, context.function_version) == ("f", "$LATEST")


def test_remaining_time_is_an_int_of_milliseconds(monkeypatch):
    monkeypatch.setattr(client, "time", types.SimpleNamespace(time=lambda: 1000.0004))
    remaining = make_context(deadline_ms=1_002_500).get_remaining_time_in_millis()
    assert remaining == 2500 and type(remaining) is int


def test_remaining_time_is_never_negative(monkeypatch):
    monkeypatch.setattr(client, "time", types.SimpleNamespace(time=lambda: 1000.0))
    assert make_context(deadline_ms=999_000).get_remaining_time_in_millis() == 0


def test_identity_is_always_a_cognito_identity():
    identity = make_context().identity
    assert isinstance(identity, client.CognitoIdentity)
    assert (identity.cognito_identity_id, identity.cognito_identity_pool_id) == (None, None)


def test_identity_is_read_from_the_header():
    identity = make_context(cognito_identity='{"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}').identity
    assert (identity.cognito_identity_id, identity.cognito_identity_pool_id) == ("id-1", "pool-1")


def test_client_context_is_none_without_the_header():
    assert make_context().client_context is None


def test_client_context_is_parsed_from_the_header():
    context = make_context(client_context='{"custom": {"k": "v"}, "env": {"platform": "Android"}, '
                                          '"client": {"app_title": "Shop", "installation_id": "i-1"}}')
    client_context = context.client_context
    assert client_context.custom == {"k": "v"}
    assert client_context.env == {"platform": "Android"}
    assert client_context.client.app_title == "Shop"
    assert client_context.client.installation_id == "i-1"
    assert client_context.client.app_version_name is None


def test_client_context_without_client_key_has_no_client():
    assert make_context(client_context='{"custom": {"k": "v"}}').client_context.client is None


# --------------------------------------------------------------------------- SnapStart: runtime hooks


class HookRegistry:
    """What snapshot_restore_py keeps: (func, args, kwargs) in order of registration."""

    def __init__(self):
        self.before, self.after = [], []

    def get_before_snapshot(self):
        return self.before

    def get_after_restore(self):
        return self.after


class RestoreAPI:
    def __init__(self):
        self.calls = []

    def restore_next(self):
        self.calls.append(("restore_next",))

    def post_init_error(self, error, error_type):
        self.calls.append(("init_error", error, error_type))

    def post_restore_error(self, error, error_type):
        self.calls.append(("restore_error", error, error_type))


@pytest.fixture
def hooks(monkeypatch):
    registry = HookRegistry()
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", registry)
    monkeypatch.delenv(client.TEMPLATE_FD_VARIABLE, raising=False)

    def exit_(code):
        raise SystemExit(code)

    monkeypatch.setattr(client.os, "_exit", exit_)
    return registry


def test_hooks_run_in_awss_order_with_their_arguments(hooks):
    ran = []
    hooks.before += [(ran.append, ("before 1",), {}), (ran.append, ("before 2",), {})]
    hooks.after += [(lambda value, suffix="": ran.append(value + suffix), ("after 1",), {"suffix": "!"}),
                    (ran.append, ("after 2",), {})]
    api = RestoreAPI()
    assert client.snap_start(api) is api
    assert ran == ["before 2", "before 1", "after 1!", "after 2"]  # before: last first; after: in order
    assert api.calls == [("restore_next",)]
    assert hooks.before == []  # each before-snapshot hook runs once


def test_a_failing_before_snapshot_hook_is_an_init_error(hooks, monkeypatch):
    def close():
        raise ValueError("still open")

    monkeypatch.setattr(sys, "stdout", io.StringIO())  # patched inside the test, where pytest leaves it alone
    hooks.before.append((close, (), {}))
    api = RestoreAPI()
    with pytest.raises(SystemExit) as exited:
        client.snap_start(api)
    assert exited.value.code == 64
    (kind, error, error_type), = api.calls  # no restore/next: the snapshot is never taken
    assert kind == "init_error" and error_type == "Runtime.BeforeSnapshotError"
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "still open"
    assert sys.stdout.getvalue().startswith("[ERROR] ValueError: still open\rTraceback")


def test_a_failing_after_restore_hook_is_a_restore_error(hooks, monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.StringIO())

    def reconnect():
        raise ConnectionError("no route")

    hooks.after.append((reconnect, (), {}))
    api = RestoreAPI()
    with pytest.raises(SystemExit) as exited:
        client.snap_start(api)
    assert exited.value.code == 65
    assert api.calls[0] == ("restore_next",)
    assert api.calls[1][0] == "restore_error" and api.calls[1][2] == "Runtime.AfterRestoreError"
    assert api.calls[1][1]["errorType"] == "ConnectionError"


def test_without_hooks_snapstart_only_asks_restore_next(monkeypatch):
    monkeypatch.delitem(sys.modules, "snapshot_restore_py", raising=False)
    monkeypatch.delenv(client.TEMPLATE_FD_VARIABLE, raising=False)
    api = RestoreAPI()
    client.snap_start(api)
    assert api.calls == [("restore_next",)]


def test_the_hooks_library_is_one_of_the_runtimes_packages():
    assert "snapshot_restore_py" in client.RUNTIME_PACKAGES
