"""One execution environment on its own (no moto): lifecycle details that are awkward to reach through boto3."""

from __future__ import annotations

import _thread
import json
import os
import threading
import time
import uuid

import psutil
import pytest

from helpers.runtime.environment import EnvironmentSettings, ExecutionEnvironment
from helpers.runtime.spec import FunctionSpec, InvocationRequest
from helpers.runtime.log_lines import parse_report


@pytest.fixture
def make_env(tmp_path):
    made: list[ExecutionEnvironment] = []

    def make(source: str, *, timeout_s: int = 3, memory_mb: int = 128, init_limit_s: float = 10.0):
        code = tmp_path / f"code-{len(made)}"
        code.mkdir()
        (code / "fn.py").write_text(source)
        spec = FunctionSpec("fn", "arn:aws:lambda:us-east-1:123456789012:function:fn", "$LATEST", "us-east-1",
                            "123456789012", "python3.12", "fn.handler", memory_mb, timeout_s, {}, code)
        settings = EnvironmentSettings(tmp_path / "work", "http://127.0.0.1:9", init_limit_s=init_limit_s)
        env = ExecutionEnvironment(spec, settings)
        made.append(env)
        return env

    yield make
    for env in made:
        env.shutdown()


def request(payload: object = None) -> InvocationRequest:
    return InvocationRequest(str(uuid.uuid4()), json.dumps(payload or {}).encode(),
                             "arn:aws:lambda:us-east-1:123456789012:function:fn")


def test_an_init_past_the_limit_is_retried_in_the_invoke_phase(make_env):
    env = make_env("import time\ntime.sleep(0.6)\ndef handler(event, context):\n    return 'ok'\n",
                   timeout_s=5, init_limit_s=0.3)
    outcome = env.invoke(request())
    assert outcome.payload == b'"ok"' and outcome.error_type is None
    kinds = [event.split(" ")[0] for event in outcome.log_events]
    assert kinds == ["INIT_START", "INIT_REPORT", "START", "END", "REPORT"]
    assert outcome.log_events[1].endswith("\tPhase: init\tStatus: timeout")
    report = parse_report(outcome.log_events[-1])
    assert report.init_duration_ms is None and report.duration_ms >= 600  # the retried init counts as Duration


def test_frozen_between_invocations(make_env):
    env = make_env("import threading, time\nticks = 0\ndef tick():\n    global ticks\n    while True:\n"
                   "        ticks += 1\n        time.sleep(0.01)\nthreading.Thread(target=tick, daemon=True).start()\n"
                   "def handler(event, context):\n    return ticks\n")
    first = int(env.invoke(request()).payload)
    if os.name == "posix":  # SIGSTOP is delivered asynchronously: give the kernel a moment
        deadline = time.monotonic() + 2
        while psutil.Process(env.pid).status() != psutil.STATUS_STOPPED and time.monotonic() < deadline:
            time.sleep(0.01)
        assert psutil.Process(env.pid).status() == psutil.STATUS_STOPPED
    time.sleep(0.5)
    second = int(env.invoke(request()).payload)
    assert second - first < 10  # about 50 ticks if it had kept running while idle


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_a_timeout_kills_the_handlers_own_child_processes(make_env):
    env = make_env("import subprocess, sys, time\ndef handler(event, context):\n"
                   "    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
                   "    print('child', child.pid, flush=True)\n    time.sleep(10)\n", timeout_s=1)
    outcome = env.invoke(request())
    assert outcome.error_type == "Sandbox.Timedout"
    (line,) = [event for event in outcome.log_events if event.startswith("child ")]
    child = int(line.split()[1])
    deadline = time.monotonic() + 5
    while psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the handler's child process outlived the reset"
        time.sleep(0.05)


def test_a_crash_still_reports_its_memory_and_cpu(make_env):
    env = make_env("import os\ndef handler(event, context):\n    os._exit(3)\n")
    outcome = env.invoke(request())
    assert outcome.error_type == "Runtime.ExitError"
    assert outcome.cpu_ms >= 0 and outcome.report.max_memory_used_mb > 0


def test_an_interrupted_invoke_retires_the_environment(make_env):
    env = make_env("import time\ndef handler(event, context):\n    time.sleep(event.get('s', 0))\n    return 'done'\n")
    env.invoke(request())
    pid = env.pid
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        env.invoke(request({"s": 3}))
    assert env.dead and env.pid is None
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_large_output_is_trimmed_once_read(make_env):
    env = make_env("def handler(event, context):\n    print('x' * 1000 * event['kb'])\n    return 'ok'\n")
    outcome = env.invoke(request({"kb": 1500}))
    assert any(len(event) == 1_500_000 for event in outcome.log_events)
    assert os.path.getsize(env.directory / "output.log") == 0
    again = env.invoke(request({"kb": 1}))
    assert any(len(event) == 1000 for event in again.log_events)


def test_remaining_time_follows_the_cpu_model(make_env):
    """At 128 MB, CPU time counts 13.8 times: the context's clock and the platform's timeout agree."""
    env = make_env("import time\ndef handler(event, context):\n    before = context.get_remaining_time_in_millis()\n"
                   "    end = time.thread_time() + 0.05\n    while time.thread_time() < end:\n        pass\n"
                   "    return before - context.get_remaining_time_in_millis()\n", timeout_s=10, memory_mb=128)
    used = int(env.invoke(request()).payload)
    assert used >= 50 * 1769 / 128 * 0.9  # 50 ms of CPU at 128 MB: about 690 ms of the function's time


def test_an_init_failure_still_reports_its_memory(make_env):
    env = make_env("def handler(event, context)\n    return 1\n")  # a syntax error: the runtime exits at once
    outcome = env.invoke(request())
    assert outcome.error_type == "Runtime.UserCodeSyntaxError"
    assert outcome.report.max_memory_used_mb > 0


def test_out_of_memory_reports_the_limit_it_was_killed_at(make_env):
    env = make_env("def handler(event, context):\n    chunks = []\n    while True:\n"
                   "        chunks.append(bytearray(8 * 1024 * 1024))\n", memory_mb=128, timeout_s=20)
    outcome = env.invoke(request())
    assert outcome.error_type == "Runtime.OutOfMemory"
    assert outcome.report.max_memory_used_mb == 128
