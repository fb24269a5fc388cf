"""helpers/lambda_service/provisioned.py: configs, their allocation on the workbook clock, and the engine serving
invocations from provisioned environments first (fake environments, no processes)."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from lambda_fakes import ARN, Recorder, request, version

from helpers.clock import WorkbookClock
from helpers.lambda_service.concurrency import RESERVED_LIMIT, ConcurrencyLedger, Throttled
from helpers.lambda_service.engine import LambdaEngine
from helpers.lambda_service.laptop import EnvironmentSlots
from helpers.lambda_service.errors import InvalidParameterValueException
from helpers.lambda_service.provisioned import FAILED, IN_PROGRESS, INIT_FAILURE, READY, ProvisionedConcurrency
from helpers.lambda_service.telemetry import INVOCATION, PROVISIONED, Telemetry

DELAY_S = 60


class Cloud:
    def __init__(self, clock: WorkbookClock, reservations: dict[str, int] | None = None, slots: int = 100) -> None:
        self.clock = clock
        self.recorder = Recorder()
        self.telemetry = Telemetry()
        self.slots = EnvironmentSlots(slots)
        self.ledger = ConcurrencyLedger(clock, self.telemetry, lambda account, region: reservations or {},
                                        account_limit=100)
        self.provisioned = ProvisionedConcurrency(environments=self.recorder.environment, specs=self.recorder.spec,
                                                  logs=self.recorder, concurrency=self.ledger, clock=clock,
                                                  telemetry=self.telemetry, slots=self.slots,
                                                  make_room=lambda: self.engine.evict_longest_idle(),
                                                  allocation_delay_s=DELAY_S)
        self.engine = LambdaEngine(environments=self.recorder.environment, specs=self.recorder.spec,
                                   logs=self.recorder, concurrency=self.ledger, clock=clock, telemetry=self.telemetry,
                                   slots=self.slots, provisioned=self.provisioned, idle_timeout_s=600)

    def stop(self) -> None:
        self.engine.shutdown()
        self.provisioned.shutdown()


@pytest.fixture
def cloud(clock):
    made = Cloud(clock)
    yield made
    made.stop()


def v1(reserved: int | None = None):
    return dataclasses.replace(version(number="1"), reserved_concurrency=reserved)


def test_a_config_is_in_progress_then_ready_after_the_delay_with_every_environment_initialised(cloud, clock):
    first = cloud.provisioned.put(v1(), "live", 3)
    assert (first.status, first.requested, first.allocated, first.available) == (IN_PROGRESS, 3, 0, 0)
    clock.advance(DELAY_S - 1)
    assert cloud.provisioned.get(ARN, "live").status == IN_PROGRESS and not cloud.recorder.made
    clock.advance(1)
    ready = cloud.provisioned.get(ARN, "live")
    assert (ready.status, ready.allocated, ready.available, ready.version) == (READY, 3, 3, "1")
    assert [env.initialised_as for env in cloud.recorder.made] == ["provisioned-concurrency"] * 3
    assert [lines for _, _, lines in cloud.recorder.logged] == [["INIT_START", "INIT_REPORT Init Duration: 5.00 ms"]] * 3
    assert [event.reason for event in cloud.telemetry.events(kind=PROVISIONED)] == [IN_PROGRESS, READY]


def test_invocations_through_the_alias_use_provisioned_environments_then_spill_over(cloud, clock):
    cloud.provisioned.put(v1(), "live", 1)
    clock.advance(DELAY_S)
    warm = cloud.engine.invoke(v1(), request("live"))
    assert not warm.cold_start and warm.report.init_duration_ms is None
    assert warm.environment_id == cloud.recorder.made[0].id

    gate = threading.Event()
    cloud.recorder.made[0].hold = gate  # the provisioned environment is busy ...
    busy = threading.Thread(target=cloud.engine.invoke, args=(v1(), request("live")))
    busy.start()
    deadline = time.monotonic() + 5
    while cloud.recorder.made[0].invocations < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    spilled = cloud.engine.invoke(v1(), request("live"))  # ... so this one starts an on-demand environment
    gate.set()
    busy.join(5)
    assert spilled.cold_start and spilled.report.init_duration_ms == 5.0
    assert [event.provisioned for event in cloud.telemetry.events(kind=INVOCATION)] == [True, False, True]


def test_other_qualifiers_do_not_use_the_alias_environments(cloud, clock):
    cloud.provisioned.put(v1(), "live", 1)
    clock.advance(DELAY_S)
    assert cloud.engine.invoke(v1(), request("1")).cold_start  # the version itself has no config
    assert cloud.engine.invoke(version(), request()).cold_start  # nor $LATEST


def test_nothing_is_served_before_the_config_is_ready(cloud, clock):
    cloud.provisioned.put(v1(), "live", 1)
    assert cloud.engine.invoke(v1(), request("live")).cold_start


def test_provisioned_environments_are_not_reclaimed_for_idleness(cloud, clock):
    cloud.provisioned.put(v1(), "live", 2)
    clock.advance(DELAY_S + 3600)
    assert cloud.engine.reclaim_idle() == 0
    assert [info.provisioned for info in cloud.engine.environments()] == [True, True]
    assert not any(env.shut_down for env in cloud.recorder.made)


def test_a_failed_init_makes_the_config_failed_and_keeps_nothing(cloud, clock):
    cloud.recorder.fail_init = True
    cloud.provisioned.put(v1(), "live", 2)
    clock.advance(DELAY_S)
    failed = cloud.provisioned.get(ARN, "live")
    assert (failed.status, failed.status_reason, failed.available) == (FAILED, INIT_FAILURE, 0)
    assert all(env.shut_down for env in cloud.recorder.made)


def test_deleting_the_config_shuts_its_environments_down_and_frees_the_concurrency(cloud, clock):
    cloud.provisioned.put(v1(), "live", 2)
    clock.advance(DELAY_S)
    assert cloud.provisioned.delete(ARN, "live") and not cloud.provisioned.delete(ARN, "live")
    assert all(env.shut_down for env in cloud.recorder.made) and cloud.provisioned.get(ARN, "live") is None
    assert cloud.ledger.unreserved_limit("123456789012", "us-east-1") == 100


def test_moving_the_alias_reallocates_for_the_new_version(cloud, clock):
    cloud.provisioned.put(v1(), "live", 1)
    clock.advance(DELAY_S)
    v2 = dataclasses.replace(version(number="2"), code_digest="v2")
    cloud.provisioned.alias_moved(v2, "live")
    assert cloud.recorder.made[0].shut_down and cloud.provisioned.get(ARN, "live").status == IN_PROGRESS
    clock.advance(DELAY_S)
    moved = cloud.provisioned.get(ARN, "live")
    assert (moved.status, moved.version, moved.available) == (READY, "2", 1)
    assert not cloud.engine.invoke(v2, request("live")).cold_start


def test_an_environment_that_dies_is_replaced(cloud, clock):
    cloud.provisioned.put(v1(), "live", 1)
    clock.advance(DELAY_S)
    cloud.recorder.made[0].die_in_invoke = True
    cloud.engine.invoke(v1(), request("live"))
    deadline = time.monotonic() + 5
    while len(cloud.recorder.made) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)
    assert cloud.recorder.made[0].shut_down and not cloud.recorder.made[1].shut_down
    assert cloud.provisioned.get(ARN, "live").available == 1


def test_provisioned_concurrency_comes_out_of_the_reservation(clock):
    cloud = Cloud(clock, reservations={ARN: 3})
    try:
        with pytest.raises(InvalidParameterValueException, match="reservedConcurrentExecution"):
            cloud.provisioned.put(v1(reserved=3), "live", 4)
        cloud.provisioned.put(v1(reserved=3), "live", 2)
        clock.advance(DELAY_S)
        lease = cloud.ledger.admit(v1(reserved=3), "sync")  # on-demand: 3 - 2 = 1 left
        with pytest.raises(Throttled) as throttle:
            cloud.ledger.admit(v1(reserved=3), "sync")
        assert throttle.value.reason == RESERVED_LIMIT
        cloud.ledger.release(lease)
    finally:
        cloud.stop()


def test_provisioned_concurrency_of_an_unreserved_function_leaves_the_minimum_unreserved(cloud):
    with pytest.raises(InvalidParameterValueException, match=r"unreserved concurrency \[90\]"):
        cloud.provisioned.put(v1(), "live", 91)  # quota 100, minimum unreserved 10
    cloud.provisioned.put(v1(), "live", 90)
    with pytest.raises(InvalidParameterValueException):
        cloud.provisioned.put(dataclasses.replace(v1(), function_arn=ARN + "2"), "live", 1)
    cloud.provisioned.put(v1(), "live", 40)  # lowering a config frees what it claimed
    cloud.provisioned.put(dataclasses.replace(v1(), function_arn=ARN + "2"), "live", 50)
