"""SnapStart's runtime pieces on their own (no moto): the template process (snapshot.py), restored environments
(restored.py), and what the runtime client does in template mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import psutil
import pytest

from helpers.runtime import os_process, restored
from helpers.runtime.environment import EnvironmentSettings
from helpers.runtime.log_lines import parse_report
from helpers.runtime.restored import FRESH_INIT_NOTE, RESTORE_FAILED, RESTORE_TIMEOUT, RestoredEnvironment
from helpers.runtime.snapshot import SNAPSHOT_NOT_READY, SnapshotNotReady, SnapshotTemplate
from helpers.runtime.spec import FunctionSpec, InvocationRequest

pytestmark = pytest.mark.skipif(not os_process.CAN_FORK, reason="restores by fork")

IDS = ("import os, uuid\nfrom snapshot_restore_py import register_after_restore, register_before_snapshot\n"
       "ID = uuid.uuid4().hex\norder = []\n"
       "@register_before_snapshot\ndef first():\n    order.append('before 1')\n"
       "@register_before_snapshot\ndef second():\n    order.append('before 2')\n"
       "@register_after_restore\ndef third():\n    order.append('after 1')\n    print('restored', os.getpid())\n"
       "@register_after_restore\ndef fourth():\n    order.append('after 2')\n"
       "def handler(event, context):\n"
       "    if event.get('exit'):\n        os._exit(event['exit'])\n"
       "    if event.get('sleep'):\n        import time; time.sleep(event['sleep'])\n"
       "    return {'id': ID, 'pid': os.getpid(), 'order': order, 'type': os.environ['AWS_LAMBDA_INITIALIZATION_TYPE'],"
       " 'api': os.environ['AWS_LAMBDA_RUNTIME_API'], 'stream': os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME')}\n")


class Source:
    """A version's snapshot as the data plane hands it to restored environments."""

    def __init__(self, template: SnapshotTemplate | None) -> None:
        self.held = template

    def template(self) -> SnapshotTemplate:
        if self.held is None:
            raise SnapshotNotReady(SNAPSHOT_NOT_READY)
        return self.held


@pytest.fixture
def version(tmp_path):
    """``version(source)`` -> (template, make_environment) for a function version whose code is ``source``."""
    made: list = []

    def make(source: str, *, timeout_s: int = 3, create: bool = True):
        code = tmp_path / f"code-{len(made)}"
        code.mkdir()
        (code / "fn.py").write_text(source)
        spec = FunctionSpec("fn", "arn:aws:lambda:us-east-1:123456789012:function:fn", "1", "us-east-1",
                            "123456789012", "python3.12", "fn.handler", 128, timeout_s, {}, code, snap_start=True)
        settings = EnvironmentSettings(tmp_path / "work", "http://127.0.0.1:9")
        template = SnapshotTemplate(spec, settings)
        made.append(template)
        outcome = template.create() if create else None
        source_of = Source(template)

        def environment() -> RestoredEnvironment:
            env = RestoredEnvironment(spec, settings, source_of)
            made.append(env)
            return env

        return template, environment, outcome

    yield make
    for item in made:
        item.shutdown()


def status_becomes(pid: int, status: str, within_s: float = 5.0) -> bool:
    """A signal takes effect when the process is next scheduled: wait for it."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == status:
                return True
        except psutil.NoSuchProcess:
            return status == "gone"
        time.sleep(0.01)
    return False


def request(payload: object = None) -> InvocationRequest:
    return InvocationRequest(str(uuid.uuid4()), json.dumps(payload or {}).encode(),
                             "arn:aws:lambda:us-east-1:123456789012:function:fn:1")


def test_the_template_inits_once_runs_before_snapshot_hooks_and_is_frozen(version):
    template, _, outcome = version(IDS)
    assert outcome.ready and template.forks
    kinds = [event.split(" ")[0] for event in outcome.log_events]
    assert kinds == ["INIT_START", "INIT_REPORT"]
    assert status_becomes(template.pid, psutil.STATUS_STOPPED)


def test_restored_copies_share_the_snapshot_and_have_their_own_process(version):
    template, environment, _ = version(IDS)
    first, second = environment(), environment()
    a, b = first.invoke(request()), second.invoke(request())
    one, two = json.loads(a.payload), json.loads(b.payload)
    assert one["id"] == two["id"] and one["pid"] != two["pid"]  # one snapshot, two processes
    assert one["order"] == ["before 2", "before 1", "after 1", "after 2"]  # reverse, then in order
    assert one["type"] == "snap-start" and one["stream"] is None and one["api"] != two["api"]
    for outcome, pid in ((a, one["pid"]), (b, two["pid"])):
        assert psutil.Process(pid).ppid() == template.pid and os.getpgid(pid) == pid
        assert outcome.cold_start and outcome.log_events[0].startswith("RESTORE_START")
        assert outcome.log_events[1] == f"restored {pid}"  # the hook's output is in this environment's log
        assert outcome.log_events[2].startswith("RESTORE_REPORT Restore Duration: ")
        report = parse_report(outcome.log_events[-1])
        assert report.restore_duration_ms > 0 and report.billed_restore_duration_ms >= 1
        assert report.init_duration_ms is None
    warm = first.invoke(request())
    assert json.loads(warm.payload)["pid"] == one["pid"] and not warm.cold_start
    assert status_becomes(template.pid, psutil.STATUS_STOPPED)  # frozen again after forking


def test_a_crash_is_collected_through_the_template_and_the_next_invoke_restores_again(version):
    _, environment, _ = version(IDS)
    env = environment()
    crashed = env.invoke(request({"exit": 9}))
    assert crashed.error_type == "Runtime.ExitError"
    assert json.loads(crashed.payload)["errorMessage"].endswith("exit status 9")  # the template's report
    again = env.invoke(request())
    assert again.error_type is None and not again.log_events[0].startswith("RESTORE_START")
    assert parse_report(again.log_events[-1]).restore_duration_ms is None  # inside the invocation's Duration


def test_a_timeout_kills_the_copy_and_its_group(version):
    _, environment, _ = version(IDS, timeout_s=1)
    env = environment()
    env.invoke(request())
    pid = env.pid
    outcome = env.invoke(request({"sleep": 5}))
    assert outcome.error_type == "Sandbox.Timedout" and not psutil.pid_exists(pid)
    assert env.invoke(request()).error_type is None


def test_an_after_restore_hook_that_fails(version):
    source = ("from snapshot_restore_py import register_after_restore\n"
              "@register_after_restore\ndef broken():\n    raise KeyError('missing')\n"
              "def handler(event, context):\n    return 1\n")
    _, environment, _ = version(source)
    env = environment()
    outcome = env.invoke(request())
    assert outcome.service_error == RESTORE_FAILED and outcome.error_type == "SnapStartException" and env.dead
    assert outcome.log_events[0].startswith("RESTORE_START")
    assert outcome.log_events[1].startswith("[ERROR] KeyError: 'missing'")
    assert outcome.log_events[-1].endswith("\tStatus: error\tError Type: Runtime.AfterRestoreError")


def test_a_restore_past_its_limit(version, monkeypatch):
    monkeypatch.setattr(restored.aws_facts, "RESTORE_LIMIT_S", 0.3)
    source = ("import time\nfrom snapshot_restore_py import register_after_restore\n"
              "register_after_restore(time.sleep, 5)\ndef handler(event, context):\n    return 1\n")
    _, environment, _ = version(source)
    outcome = environment().invoke(request())
    assert outcome.service_error == RESTORE_TIMEOUT
    assert outcome.log_events[-1].startswith("RESTORE_REPORT") and outcome.log_events[-1].endswith("\tStatus: timeout")


def test_a_before_snapshot_hook_that_fails_fails_the_init(version):
    source = ("from snapshot_restore_py import register_before_snapshot\n"
              "register_before_snapshot(int, 'x')\ndef handler(event, context):\n    return 1\n")
    template, _, outcome = version(source)
    assert not outcome.ready and template.dead
    assert outcome.error_type == "Runtime.BeforeSnapshotError"
    assert any(line.startswith("[ERROR] ValueError: invalid literal") for line in outcome.log_events)
    assert outcome.log_events[-1].endswith("\tStatus: error\tError Type: Runtime.BeforeSnapshotError")


def test_no_snapshot_yet_is_an_invoke_error_and_nothing_runs(version):
    template, environment, _ = version(IDS, create=False)
    env = RestoredEnvironment(template.spec, template.settings, Source(None))
    try:
        outcome = env.invoke(request())
    finally:
        env.shutdown()
    assert outcome.service_error == SNAPSHOT_NOT_READY and outcome.log_events == [] and env.dead


def test_a_template_that_cannot_fork_means_a_fresh_init_said_so_in_the_log(version):
    template, environment, _ = version(IDS, create=False)
    template.forks = False  # as on Windows, or with a runtime client that is not the workbook's
    created = template.create()
    assert created.ready and template.pid is None  # the init ran, and was not kept
    assert not any("restored" in line for line in created.log_events)  # its after-restore hooks did not run
    outcome = environment().invoke(request())
    payload = json.loads(outcome.payload)
    assert outcome.log_events[0].startswith("RESTORE_START") and outcome.log_events[1] == FRESH_INIT_NOTE
    assert payload["type"] == "snap-start" and payload["order"] == ["before 2", "before 1", "after 1", "after 2"]
    assert parse_report(outcome.log_events[-1]).restore_duration_ms is not None


def test_nothing_outlives_the_template_and_its_copies(version):
    template, environment, _ = version(IDS)
    envs = [environment(), environment()]
    for env in envs:
        env.invoke(request())
    pids = [template.pid] + [env.pid for env in envs]
    for env in envs:
        env.shutdown()
    template.shutdown()
    deadline = time.monotonic() + 5
    while any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids):
        assert time.monotonic() < deadline, "a process outlived its environment"
        time.sleep(0.02)


def test_an_idle_copy_ends_when_its_template_is_killed(version):
    """A frozen copy whose template ends is hung up on by the kernel (its process group becomes orphaned), so a
    copy cannot be left stopped forever."""
    template, environment, _ = version(IDS)
    env = environment()
    env.invoke(request())
    pid = env.pid
    assert status_becomes(pid, psutil.STATUS_STOPPED) and status_becomes(template.pid, psutil.STATUS_STOPPED)
    deadline = time.monotonic() + 5  # every thread of the copy has stopped (the kernel looks for a stopped group)
    while not all(open(f"/proc/{pid}/task/{task}/stat").read().rsplit(")", 1)[1].split()[0] == "T"
                  for task in os.listdir(f"/proc/{pid}/task")):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os_process.kill_group(template.pid)
    assert status_becomes(pid, psutil.STATUS_ZOMBIE) or not psutil.pid_exists(pid), "the copy outlived its template"
    assert env.process_exited()


def test_the_client_forks_only_the_calling_thread_and_keeps_the_random_state(tmp_path):
    """client._fork: the copy continues the snapshot's random sequence (Python would reseed it)."""
    script = ("import random, sys, os\nsys.path.insert(0, sys.argv[1])\nfrom helpers.runtime import client\n"
              "random.seed(42)\nrandom.random()\npid = client._fork()\nvalue = random.random()\n"
              "if pid == 0:\n    print('child', value, flush=True)\n    os._exit(0)\n"
              "os.waitpid(pid, 0)\nprint('parent', value, flush=True)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    lines = subprocess.run([sys.executable, "-c", script, root], capture_output=True,
                           text=True, check=True).stdout.split()
    assert lines[1] == lines[3]
