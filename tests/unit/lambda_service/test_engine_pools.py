"""helpers/lambda_service/engine.py: which environment runs each invocation, with environments injected (no processes).

Warm reuse, a busy environment making a new one, new code retiring the old ones, idle reclaim on the workbook clock,
an environment whose runtime exited being replaced, and a failed one being dropped.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers.clock import WorkbookClock
from helpers.lambda_service.concurrency import ConcurrencyLedger
from helpers.lambda_service.engine import LambdaEngine
from helpers.lambda_service.functions import FunctionVersion
from helpers.lambda_service.telemetry import Telemetry
from helpers.runtime import log_lines
from helpers.runtime.spec import FunctionSpec, InvocationOutcome, InvocationRequest

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


@dataclass
class FakeEnvironment:
    """An environment that answers at once, or waits for ``release`` when ``hold`` is set."""

    spec: FunctionSpec
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    dead: bool = False
    invocations: int = 0
    log_stream_name: str = "stream"
    exited: bool = False
    shut_down: bool = False
    hold: threading.Event | None = None
    die_in_invoke: bool = False  # as after a timeout or a failed init: unusable once this invocation ends
    pid: int | None = 1

    def init(self, initialization_type: str = "on-demand"):
        raise AssertionError("the pools initialise environments through invoke")

    def invoke(self, request: InvocationRequest) -> InvocationOutcome:
        self.invocations += 1
        if self.hold is not None:
            self.hold.wait(5)
        self.dead = self.die_in_invoke
        report = log_lines.Report(request.request_id, 1.0, 1, self.spec.memory_mb, 10)
        return InvocationOutcome(request.request_id, b'"ok"', None, [f"line of {self.id}"], report, 1.0, 0.5,
                                 self.invocations == 1, self.id, self.log_stream_name)

    def process_exited(self) -> bool:
        return self.exited

    def shutdown(self) -> None:
        self.shut_down = True
        self.dead = True


class Recorder:
    """Stands for the environment factory, the spec builder and CloudWatch Logs."""

    def __init__(self) -> None:
        self.made: list[FakeEnvironment] = []
        self.logged: list[tuple[str, str, list[str]]] = []
        self.hold: threading.Event | None = None
        self.die_in_invoke = False

    def environment(self, spec: FunctionSpec) -> FakeEnvironment:
        env = FakeEnvironment(spec, hold=self.hold, die_in_invoke=self.die_in_invoke)
        self.made.append(env)
        return env

    @staticmethod
    def spec(function: FunctionVersion) -> FunctionSpec:
        return FunctionSpec(**function.settings(), code_dir=Path("/code"), fingerprint=function.code_digest)

    def append(self, *, account_id, region, group, stream, messages) -> None:
        self.logged.append((group, stream, list(messages)))


def version(code: str = "v1", number: str = "$LATEST") -> FunctionVersion:
    return FunctionVersion("fn", ARN, number, "us-east-1", "123456789012", "python3.12", "app.handler", 128, 3, {},
                           (), code, b"")


def request() -> InvocationRequest:
    return InvocationRequest(str(uuid.uuid4()), b"{}", ARN)


@pytest.fixture
def clock():
    made = WorkbookClock()
    yield made
    made.stop()


@pytest.fixture
def pools(clock):
    recorder = Recorder()
    ledger = ConcurrencyLedger(clock, Telemetry(), lambda account, region: {})
    engine = LambdaEngine(environments=recorder.environment, specs=recorder.spec, logs=recorder,
                          concurrency=ledger, clock=clock, idle_timeout_s=600)
    yield engine, recorder
    engine.shutdown()


def test_a_warm_environment_is_reused(pools):
    engine, recorder = pools
    first = engine.invoke(version(), request())
    second = engine.invoke(version(), request())
    assert len(recorder.made) == 1 and first.environment_id == second.environment_id
    assert first.cold_start and not second.cold_start


def test_every_invocation_is_logged_to_its_environments_stream(pools):
    engine, recorder = pools
    engine.invoke(version(), request())
    assert recorder.logged == [("/aws/lambda/fn", "stream", [f"line of {recorder.made[0].id}"])]


def test_a_busy_environment_makes_the_next_request_start_another(pools):
    engine, recorder = pools
    gate = threading.Event()
    recorder.hold = gate
    busy = threading.Thread(target=engine.invoke, args=(version(), request()))
    busy.start()
    deadline = time.monotonic() + 5
    while not (recorder.made and recorder.made[0].invocations) and time.monotonic() < deadline:
        time.sleep(0.001)
    recorder.hold = None
    engine.invoke(version(), request())
    assert len(recorder.made) == 2
    assert sorted(info.busy for info in engine.environments()) == [False, True]
    gate.set()
    busy.join(5)
    engine.invoke(version(), request())  # both idle now: a warm one serves it
    assert len(recorder.made) == 2


def test_new_code_retires_the_idle_environments(pools):
    engine, recorder = pools
    engine.invoke(version("v1"), request())
    engine.invoke(version("v2"), request())
    assert len(recorder.made) == 2 and recorder.made[0].shut_down and not recorder.made[1].shut_down


def test_retire_stops_one_version_and_leaves_the_others(pools):
    engine, recorder = pools
    engine.invoke(version(number="$LATEST"), request())
    engine.invoke(version(number="1"), request())
    assert engine.retire(ARN, "$LATEST") == 1
    assert recorder.made[0].shut_down and not recorder.made[1].shut_down
    assert engine.retire(ARN) == 1 and recorder.made[1].shut_down


def test_idle_environments_are_reclaimed_on_the_workbook_clock(pools, clock):
    engine, recorder = pools
    engine.invoke(version(), request())
    assert engine.reclaim_idle() == 0
    clock.advance(600)
    assert engine.reclaim_idle() == 1 and recorder.made[0].shut_down
    assert engine.environments() == []
    assert engine.invoke(version(), request()).cold_start  # the next request is cold again


def test_an_environment_whose_runtime_exited_while_idle_is_replaced(pools):
    engine, recorder = pools
    engine.invoke(version(), request())
    recorder.made[0].exited = True
    engine.invoke(version(), request())
    assert len(recorder.made) == 2 and recorder.made[0].shut_down


def test_a_dead_environment_is_dropped_after_its_invocation(pools):
    engine, recorder = pools
    recorder.die_in_invoke = True
    engine.invoke(version(), request())
    assert recorder.made[0].shut_down and engine.environments() == []
    recorder.die_in_invoke = False
    assert engine.invoke(version(), request()).cold_start and len(recorder.made) == 2


def test_a_stopped_engine_refuses_invocations(pools):
    engine, recorder = pools
    engine.invoke(version(), request())
    engine.shutdown()
    assert recorder.made[0].shut_down
    with pytest.raises(RuntimeError, match="stopped"):
        engine.invoke(version(), request())
