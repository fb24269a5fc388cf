"""helpers/lambda_service/engine.py: which environment runs each invocation, with environments injected (no processes).

Warm reuse, a busy environment making a new one, new code retiring the old ones, idle reclaim on the workbook clock,
an environment whose runtime exited being replaced, and a failed one being dropped.
"""

from __future__ import annotations

import threading
import time

import pytest
from lambda_fakes import ARN, Recorder, request, version

from helpers.lambda_service.concurrency import ConcurrencyLedger
from helpers.lambda_service.engine import LambdaEngine
from helpers.lambda_service.laptop import EnvironmentSlots
from helpers.lambda_service.telemetry import INVOCATION, Telemetry


@pytest.fixture
def telemetry():
    return Telemetry()


@pytest.fixture
def pools(clock, telemetry):
    recorder = Recorder()
    ledger = ConcurrencyLedger(clock, telemetry, lambda account, region: {})
    engine = LambdaEngine(environments=recorder.environment, specs=recorder.spec, logs=recorder,
                          concurrency=ledger, clock=clock, telemetry=telemetry, slots=EnvironmentSlots(100),
                          idle_timeout_s=600)
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


def test_every_invocation_that_ran_is_published_with_its_figures(pools, telemetry):
    engine, _ = pools
    engine.invoke(version(), request(), source="sqs")
    engine.invoke(version(), request())
    cold, warm = telemetry.events(kind=INVOCATION)
    assert (cold.function_name, cold.source, cold.init_ms, cold.provisioned) == ("fn", "sqs", 5.0, False)
    assert (warm.source, warm.init_ms, warm.billed_ms, warm.memory_mb) == ("sync", None, 1, 128)
    assert cold.environment == warm.environment == "stream"  # the log stream of the environment it ran in


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
