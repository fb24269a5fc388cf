"""helpers/lambda_service/laptop.py and the engine under it: never more environment processes than the cap; the
longest-idle one makes room; past that, invocations wait (and say so on the telemetry stream) instead of failing."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from lambda_fakes import ARN, Recorder, request, version

from helpers.lambda_service import laptop
from helpers.lambda_service.concurrency import ConcurrencyLedger
from helpers.lambda_service.engine import LambdaEngine
from helpers.lambda_service.errors import InvalidParameterValueException
from helpers.lambda_service.laptop import EnvironmentSlots
from helpers.lambda_service.provisioned import ProvisionedConcurrency
from helpers.lambda_service.telemetry import WAIT, Telemetry

MB = 1024 * 1024


def test_the_default_cap_comes_from_free_memory_and_cores():
    assert laptop.default_limit(available_bytes=8 * 1024 * MB, cores=8) == 64  # 4 GB at 64 MB each
    assert laptop.default_limit(available_bytes=64 * 1024 * MB, cores=2) == 128  # 64 per core
    assert laptop.default_limit(available_bytes=100 * MB, cores=1) == laptop.MINIMUM


@pytest.fixture
def setup(clock):
    recorder, telemetry, slots = Recorder(), Telemetry(), EnvironmentSlots(2)
    ledger = ConcurrencyLedger(clock, telemetry, lambda account, region: {})
    engine = LambdaEngine(environments=recorder.environment, specs=recorder.spec, logs=recorder, concurrency=ledger,
                          clock=clock, telemetry=telemetry, slots=slots, idle_timeout_s=600)
    yield engine, recorder, telemetry, slots, ledger
    engine.shutdown()


def other_function():
    return dataclasses.replace(version(), function_name="other", function_arn=ARN + "-other")


def test_past_the_cap_an_invocation_waits_for_an_environment_to_free_up(setup):
    engine, recorder, telemetry, slots, _ = setup
    gate = threading.Event()
    recorder.hold = gate
    holders = [threading.Thread(target=engine.invoke, args=(version(), request())) for _ in range(2)]
    for thread in holders:
        thread.start()
    deadline = time.monotonic() + 5
    while sum(env.invocations for env in recorder.made) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    recorder.hold = None
    third: list = []
    waiter = threading.Thread(target=lambda: third.append(engine.invoke(version(), request())))
    waiter.start()
    deadline = time.monotonic() + 5
    while not telemetry.events(kind=WAIT) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert not third and len(recorder.made) == 2  # waiting, no third process
    gate.set()
    waiter.join(5)
    for thread in holders:
        thread.join(5)
    assert third and third[0].environment_id in {env.id for env in recorder.made}
    assert len(recorder.made) == 2 and slots.peak == 2 and slots.waits == 1
    assert telemetry.events(kind=WAIT)[0].source == "sync"


def test_at_the_cap_the_longest_idle_environment_makes_room(setup):
    engine, recorder, telemetry, slots, _ = setup
    engine.invoke(version(), request())
    engine.invoke(dataclasses.replace(version(), code_digest="x", function_arn=ARN + "-b", function_name="b"),
                  request())
    engine.invoke(other_function(), request())  # no slot free: the first (idle longest) is shut down for it
    assert recorder.made[0].shut_down and not recorder.made[1].shut_down and len(recorder.made) == 3
    assert slots.used == 2 and not telemetry.events(kind=WAIT)


def test_provisioned_concurrency_that_would_hold_the_whole_cap_is_refused(setup, clock):
    engine, recorder, telemetry, slots, ledger = setup
    provisioned = ProvisionedConcurrency(environments=recorder.environment, specs=recorder.spec, logs=recorder,
                                         concurrency=ledger, clock=clock, telemetry=telemetry, slots=slots)
    with pytest.raises(InvalidParameterValueException, match="at most 2 execution environments"):
        provisioned.put(version(number="1"), "live", 2)
    provisioned.put(version(number="1"), "live", 1)
    provisioned.shutdown()


def test_an_instructor_sets_the_cap_for_every_kernel_through_the_environment():
    from helpers.lambda_service.laptop import CAP_VARIABLE, limit_from_environment

    assert limit_from_environment({}) is None
    assert limit_from_environment({CAP_VARIABLE: " 24 "}) == 24
    for bad in ("0", "-3", "lots"):
        with pytest.raises(ValueError, match=CAP_VARIABLE):
            limit_from_environment({CAP_VARIABLE: bad})
