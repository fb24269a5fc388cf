"""helpers/lambda_service/concurrency.py: Lambda's concurrency rules, one by one (no processes, no moto)."""

from __future__ import annotations

import pytest

from helpers.clock import WorkbookClock
from helpers.lambda_service.concurrency import (ACCOUNT_LIMIT, RESERVED_LIMIT, SCALING_LIMIT, ConcurrencyLedger,
                                                Throttled)
from helpers.lambda_service.errors import InvalidParameterValueException
from helpers.lambda_service.functions import FunctionVersion
from helpers.lambda_service.telemetry import CONCURRENCY, THROTTLE, Telemetry

ACCOUNT, REGION = "123456789012", "us-east-1"


def function(name: str, reserved: int | None = None) -> FunctionVersion:
    return FunctionVersion(name, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}", "$LATEST", REGION, ACCOUNT,
                           "python3.12", "app.handler", 128, 3, {}, (), "digest", b"", reserved_concurrency=reserved)


@pytest.fixture
def clock():
    made = WorkbookClock(start=1_000_000.0)
    yield made
    made.stop()


@pytest.fixture
def make(clock):
    reservations: dict[str, int] = {}

    def make_ledger(limit: int = 1000, scaling_rate: int = 1000) -> tuple[ConcurrencyLedger, Telemetry, dict]:
        telemetry = Telemetry()
        ledger = ConcurrencyLedger(clock, telemetry, lambda account, region: reservations, account_limit=limit,
                                   scaling_rate=scaling_rate)
        return ledger, telemetry, reservations
    return make_ledger


def reason(ledger, fn, source="sync"):
    with pytest.raises(Throttled) as throttled:
        ledger.admit(fn, source)
    return throttled.value.reason


def test_the_account_quota_caps_functions_without_a_reservation(make):
    ledger, _, _ = make(limit=3)
    leases = [ledger.admit(function("a"), "sync") for _ in range(3)]
    assert reason(ledger, function("a")) == ACCOUNT_LIMIT
    ledger.release(leases[0])
    ledger.admit(function("a"), "sync")  # one freed, one admitted
    assert ledger.in_flight(ACCOUNT, REGION) == 3


def test_a_reservation_is_a_cap_and_a_guarantee(make):
    ledger, _, reservations = make(limit=10)
    reservations[function("quiet").function_arn] = 2
    quiet = function("quiet", reserved=2)
    ledger.admit(quiet, "sync"), ledger.admit(quiet, "sync")
    assert reason(ledger, quiet) == RESERVED_LIMIT  # the cap
    noisy = [ledger.admit(function("noisy"), "sync") for _ in range(8)]  # the unreserved pool: 10 - 2
    assert reason(ledger, function("noisy")) == ACCOUNT_LIMIT and reason(ledger, function("other")) == ACCOUNT_LIMIT
    assert len(noisy) == 8 and ledger.unreserved_limit(ACCOUNT, REGION) == 8


def test_reserved_zero_turns_a_function_off(make):
    ledger, _, _ = make()
    assert reason(ledger, function("off", reserved=0)) == RESERVED_LIMIT


@pytest.mark.parametrize(("limit", "allowed", "refused", "minimum"), [(1000, 900, 901, 100), (20, 18, 19, 2),
                                                                       (5, 4, 5, 1), (10_000, 9_900, 9_901, 100)])
def test_reservations_leave_the_minimum_unreserved(make, limit, allowed, refused, minimum):
    ledger, _, _ = make(limit=limit)
    arn = function("f").function_arn
    ledger.check_reservation(ACCOUNT, REGION, arn, allowed)
    with pytest.raises(InvalidParameterValueException, match=rf"below its minimum value of \[{minimum}\]"):
        ledger.check_reservation(ACCOUNT, REGION, arn, refused)


def test_a_reservation_is_checked_against_the_others_not_against_its_old_value(make):
    ledger, _, reservations = make(limit=20)
    reservations[function("f").function_arn] = 10
    reservations[function("g").function_arn] = 5
    ledger.check_reservation(ACCOUNT, REGION, function("f").function_arn, 13)  # 20 - 5 - 13 = 2 left
    with pytest.raises(InvalidParameterValueException):
        ledger.check_reservation(ACCOUNT, REGION, function("f").function_arn, 14)


def test_the_scaling_rate_refills_continuously_and_does_not_accrue(make, clock):
    ledger, _, _ = make(scaling_rate=5)  # 5 new environments per 10 s: one every 2 s
    fn = function("burst")
    for _ in range(5):
        ledger.scale_out(ledger.admit(fn, "sync"))
    lease = ledger.admit(fn, "sync")
    with pytest.raises(Throttled) as throttled:
        ledger.scale_out(lease)
    assert throttled.value.reason == SCALING_LIMIT and throttled.value.retry_after_s == 2
    assert lease.released  # a throttled execution does not count
    clock.advance(2)
    ledger.scale_out(ledger.admit(fn, "sync"))  # one token back after 2 s
    clock.advance(3600)  # an idle hour gives 5 tokens, not 1,800
    for _ in range(5):
        ledger.scale_out(ledger.admit(fn, "sync"))
    with pytest.raises(Throttled):
        ledger.scale_out(ledger.admit(fn, "sync"))


def test_every_change_and_every_throttle_is_on_the_telemetry_stream(make, clock):
    ledger, telemetry, _ = make(limit=1)
    lease = ledger.admit(function("f"), "sync")
    reason(ledger, function("f"), source="async")
    ledger.release(lease)
    events = telemetry.events()
    assert [(event.kind, event.value) for event in events if event.kind == CONCURRENCY] == [(CONCURRENCY, 1),
                                                                                           (CONCURRENCY, 0)]
    (throttle,) = telemetry.events(kind=THROTTLE)
    assert (throttle.function_name, throttle.reason, throttle.source) == ("f", ACCOUNT_LIMIT, "async")
    assert throttle.time == pytest.approx(clock.now(), abs=5)


def test_release_is_idempotent(make):
    ledger, _, _ = make(limit=1)
    lease = ledger.admit(function("f"), "sync")
    ledger.release(lease)
    ledger.release(lease)
    assert ledger.in_flight(ACCOUNT, REGION) == 0
    ledger.admit(function("f"), "sync")
