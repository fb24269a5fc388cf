"""The scale model (helpers/simulate/scale_model.py), rule by rule, on scenarios small enough to work out by hand.

Unless a test says otherwise: synchronous requests, quota 1,000, no reservation, the full scaling rate, and
``Measurements.fixed(duration_ms, init_ms)`` so every figure is known."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.simulate import arrivals
from helpers.simulate.measurements import Measurements
from helpers.simulate.results import (ACCOUNT_LIMIT, COLD, EXPIRED, PROVISIONED, RESERVED_LIMIT, RESTORED,
                                      SCALING_LIMIT, THROTTLED, WARM, ZERO_RESERVED)
from helpers.simulate.scale_model import simulate
from helpers.simulate.scenario import Scenario


def run(times, duration_ms=500.0, init_ms=100.0, **settings):
    return simulate(Scenario(np.asarray(times, dtype=float), Measurements.fixed(duration_ms, init_ms), **settings))


def outcomes(result) -> list[str]:
    return result.requests.outcome_names()


# ------------------------------------------------------------------ concurrency: the quota and the unreserved pool

def test_without_a_reservation_the_account_quota_caps_new_environments():
    """Quota 20, 30 requests at once: 20 new environments, 10 throttled for the account."""
    result = run(arrivals.at_once(30), account_concurrency=20)
    assert result.totals.cold_starts == 20
    assert result.totals.throttles == {ACCOUNT_LIMIT: 10}
    assert result.totals.throttled == 10
    assert outcomes(result)[:20] == ["cold"] * 20 and outcomes(result)[20:] == ["throttled"] * 10
    assert result.requests.reason_names()[20:] == [ACCOUNT_LIMIT] * 10


def test_a_noisy_neighbour_in_the_unreserved_pool_throttles_the_function():
    """Quota 20 with 15 units of other load: 20 - 15 = 5 left for the function."""
    result = run(arrivals.at_once(30), account_concurrency=20, other_unreserved_load=15)
    assert (result.totals.cold_starts, result.totals.throttles) == (5, {ACCOUNT_LIMIT: 25})


def test_other_functions_reservations_shrink_the_unreserved_pool():
    """Quota 20, 10 reserved by other functions: the pool is 10."""
    result = run(arrivals.at_once(30), account_concurrency=20, other_reservations=10)
    assert (result.totals.cold_starts, result.totals.throttles) == (10, {ACCOUNT_LIMIT: 20})


def test_the_quota_counts_executions_not_requests():
    """Quota 2, requests 1 s apart running 0.5 s (+0.1 s init): never more than one at once, none throttled."""
    result = run(arrivals.steady(1.0, 10), account_concurrency=2)
    assert result.totals.throttles == {}
    assert (result.totals.cold_starts, result.totals.warm) == (1, 9)


# ------------------------------------------------------------------ reserved concurrency

def test_reserved_concurrency_caps_the_function():
    """Reserved 10: 10 new environments, 20 throttled with the reservation's reason."""
    result = run(arrivals.at_once(30), account_concurrency=20, reserved=10)
    assert (result.totals.cold_starts, result.totals.throttles) == (10, {RESERVED_LIMIT: 20})


def test_a_reservation_protects_the_function_from_a_noisy_neighbour():
    """Quota 20, reserved 10, 8 units of other load (in the other 10): the function still gets its 10."""
    result = run(arrivals.at_once(30), account_concurrency=20, reserved=10, other_unreserved_load=8)
    assert (result.totals.cold_starts, result.totals.throttles) == (10, {RESERVED_LIMIT: 20})


def test_reserved_zero_throttles_every_synchronous_request():
    result = run(arrivals.at_once(3), reserved=0)
    assert outcomes(result) == ["throttled"] * 3
    assert result.totals.throttles == {RESERVED_LIMIT: 3}


def test_reserved_zero_sends_every_async_event_to_the_failure_destination_at_once():
    """Condition ZeroReservedConcurrency, 0 attempts, no throttle counted (nothing was tried)."""
    result = run([0.0, 5.0], reserved=0, invocation="async")
    assert outcomes(result) == ["zero_reserved"] * 2
    assert result.requests.attempts.tolist() == [0, 0]
    assert result.totals.zero_reserved == 2 and result.totals.throttles == {}


@pytest.mark.parametrize("settings, message", [
    ({"account_concurrency": 20, "reserved": 19}, "unreserved"),  # must leave ceil(20 / 10) = 2
    ({"reserved": 901}, "unreserved"),  # must leave 100 of 1,000
    ({"reserved": 5, "provisioned": 6}, "reserved"),
    ({"provisioned": 1, "snapstart": True}, "SnapStart"),
])
def test_impossible_settings_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        run([0.0], **settings)


# ------------------------------------------------------------------ provisioned concurrency

def test_provisioned_environments_serve_first_then_requests_spill_over_to_cold_starts():
    """P = 5, 8 at once: 5 provisioned, 3 new. At t = 1 (all done) 8 more: 5 provisioned, 3 warm."""
    result = run([0.0] * 8 + [1.0] * 8, provisioned=5)
    assert outcomes(result) == ["provisioned"] * 5 + ["cold"] * 3 + ["provisioned"] * 5 + ["warm"] * 3
    assert result.requests.cold_start_s[:5].tolist() == [0.0] * 5


def test_provisioned_environments_are_preferred_to_warm_ones():
    """At t = 1 three on-demand environments are warm, yet the 3 requests go to provisioned ones."""
    result = run([0.0] * 8 + [1.0] * 3, provisioned=5)
    assert outcomes(result)[8:] == ["provisioned"] * 3


def test_provisioned_concurrency_counts_against_the_reservation():
    """R = 6, P = 5, 8 at once: 5 provisioned, 6 - 5 = 1 new, 2 throttled."""
    result = run(arrivals.at_once(8), reserved=6, provisioned=5)
    assert outcomes(result) == ["provisioned"] * 5 + ["cold"] + ["throttled"] * 2
    assert result.totals.throttles == {RESERVED_LIMIT: 2}


def test_provisioned_concurrency_counts_against_the_unreserved_pool():
    """Quota 20, P = 5, no reservation, 30 at once: 5 provisioned, 20 - 5 = 15 new, 10 throttled."""
    result = run(arrivals.at_once(30), account_concurrency=20, provisioned=5)
    assert (result.totals.provisioned, result.totals.cold_starts, result.totals.throttles) == \
        (5, 15, {ACCOUNT_LIMIT: 10})


def test_provisioned_environments_are_never_reclaimed():
    """Idle timeout 10 s; a provisioned environment idle for an hour still serves without a cold start."""
    result = run([0.0, 3600.0], provisioned=1, idle_timeout_s=10)
    assert outcomes(result) == ["provisioned", "provisioned"]


# ------------------------------------------------------------------ the scaling rate

def test_the_scaling_rate_limits_new_environments():
    """5 environments per 10 s, 8 at once: 5 new, 3 throttled FunctionInvocationRateLimitExceeded."""
    result = run(arrivals.at_once(8), duration_ms=100_000, scaling_rate=5)
    assert (result.totals.cold_starts, result.totals.throttles) == (5, {SCALING_LIMIT: 3})


def test_tokens_refill_continuously():
    """5 per 10 s = 0.5 a second. After 5 at t = 0 the bucket is empty: at t = 1 it holds 0.5 (throttled), at t = 2
    one whole token (a new environment, the bucket empty again), at t = 2.5 a quarter (throttled)."""
    result = run([0.0] * 5 + [1.0, 2.0, 2.5], duration_ms=100_000, scaling_rate=5)
    assert outcomes(result) == ["cold"] * 5 + ["throttled", "cold", "throttled"]
    assert result.requests.reason_names()[5] == SCALING_LIMIT


def test_the_bucket_never_holds_more_than_its_capacity():
    """2 per 10 s, 100 s of quiet first: still only 2 tokens for a burst of 3."""
    result = run([100.0] * 3, duration_ms=100_000, scaling_rate=2)
    assert outcomes(result) == ["cold", "cold", "throttled"]


def test_reusing_a_warm_environment_costs_no_token():
    """1 per 10 s: one environment, reused at t = 2 and t = 4 (a new one would have been throttled)."""
    result = run([0.0, 2.0, 4.0], duration_ms=1000, scaling_rate=1)
    assert outcomes(result) == ["cold", "warm", "warm"]


def test_a_concurrency_throttle_takes_no_token():
    """2 tokens (refilled too slowly to matter); room for one environment (quota 20, 19 units of other load);
    d = 1 s, no init, idle timeout 1 s. t = 0: a new environment (1 token left); the 2nd request at t = 0 is
    throttled by the quota and takes no token; the environment is reclaimed at 2, so t = 3 gets the last token."""
    result = run([0.0, 0.0, 3.0], duration_ms=1000, init_ms=None, scaling_rate=2, scaling_window_s=1e9,
                 account_concurrency=20, other_unreserved_load=19, idle_timeout_s=1)
    assert outcomes(result) == ["cold", "throttled", "cold"]
    assert result.totals.throttles == {ACCOUNT_LIMIT: 1}


# ------------------------------------------------------------------ warm reuse and idle reclaim

def test_an_idle_environment_is_reclaimed_after_the_idle_timeout():
    """d = 1 s, no init, timeout 600 s: t = 0 cold; t = 500 warm (idle 499 s); it ends at 501 and is reclaimed at
    1,101, so t = 1,200 is cold again."""
    result = run([0.0, 500.0, 1200.0], duration_ms=1000, init_ms=None)
    assert outcomes(result) == ["cold", "warm", "cold"]


def test_an_environment_reclaimed_exactly_at_the_timeout_is_gone():
    """Ends at 1, timeout 10: gone at 11."""
    assert outcomes(run([0.0, 11.0], duration_ms=1000, init_ms=None, idle_timeout_s=10)) == ["cold", "cold"]
    assert outcomes(run([0.0, 10.999], duration_ms=1000, init_ms=None, idle_timeout_s=10)) == ["cold", "warm"]


def test_the_most_recently_used_environment_is_reused_so_the_others_are_reclaimed():
    """d = 1 s, no init, timeout 5 s. A starts at 0 (free at 1), B at 0.5 (A busy; free at 1.5).
    t = 3 takes B (the most recent; free at 4); t = 5 takes B again (free at 6); A, idle since 1, goes at 6;
    t = 7 takes B (free at 8), t = 9 takes B. So from 6 on there is one environment (taking the oldest instead would
    have kept both alive)."""
    result = run([0.0, 0.5, 3.0, 5.0, 7.0, 9.0], duration_ms=1000, init_ms=None, idle_timeout_s=5,
                 sample_step_s=0.5)
    assert outcomes(result) == ["cold", "cold", "warm", "warm", "warm", "warm"]
    series = result.series
    alive = series.busy + series.idle + series.cold_starting
    at = {round(t, 1): n for t, n in zip(series.time.tolist(), alive.tolist())}
    assert (at[5.5], at[6.5], at[7.5]) == (2, 1, 1)
    assert result.totals.peak_environments == 2


def test_a_request_never_waits_for_a_busy_environment():
    """One environment busy until 10 s, reserved 1: a request at 1 s is throttled, not queued."""
    result = run([0.0, 1.0], duration_ms=10_000, reserved=1, account_concurrency=20)
    assert outcomes(result) == ["cold", "throttled"]


# ------------------------------------------------------------------ asynchronous events

def test_a_throttled_async_event_is_retried_with_a_doubling_backoff():
    """Reserved 1, d = 10 s, init 0, two events at t = 0. The 2nd is throttled at 0, 1, 3 and 7 (waits of 1, 2, 4,
    8 s) and runs warm at 15, when the environment (free since 10) is idle: 5 attempts, latency 15 + 10 = 25 s."""
    result = run([0.0, 0.0], duration_ms=10_000, init_ms=None, reserved=1, account_concurrency=20,
                 invocation="async")
    requests = result.requests
    assert outcomes(result) == ["cold", "warm"]
    assert requests.attempts.tolist() == [1, 5]
    assert requests.start[1] == 15.0 and requests.latency[1] == 25.0
    assert result.totals.throttles == {RESERVED_LIMIT: 4}
    assert requests.reason_names() == [None, None]


def test_the_backoff_stops_doubling_at_five_minutes():
    """d = 1,000 s: tries at 0, 1, 3, 7, 15, 31, 63, 127, 255, 511 (waits up to 256 s), then 300 s waits: 811,
    1,111. The environment is free from 1,000, so the 12th try runs."""
    result = run([0.0, 0.0], duration_ms=1_000_000, init_ms=None, reserved=1, account_concurrency=20,
                 invocation="async")
    assert result.requests.start[1] == 1111.0
    assert result.requests.attempts[1] == 12


def test_an_async_event_older_than_the_maximum_age_expires():
    """Maximum age 20 s, d = 100 s: throttled at 0, 1, 3, 7, 15; the try due at 31 finds it 31 s old: expired
    (EventAgeExceeded) after 5 attempts."""
    result = run([0.0, 0.0], duration_ms=100_000, init_ms=None, reserved=1, account_concurrency=20,
                 invocation="async", max_event_age_s=20)
    requests = result.requests
    assert outcomes(result) == ["cold", "expired"]
    assert (requests.attempts[1], requests.end[1], requests.reason_names()[1]) == (5, 31.0, RESERVED_LIMIT)
    assert (result.totals.expired, result.totals.throttles) == (1, {RESERVED_LIMIT: 5})
    assert np.isnan(requests.latency[1])


def test_sync_throttles_are_lost_not_retried():
    result = run([0.0, 0.0], duration_ms=100_000, reserved=1, account_concurrency=20)
    assert outcomes(result) == ["cold", "throttled"] and result.requests.attempts.tolist() == [1, 1]


# ------------------------------------------------------------------ SnapStart, measurements, series, totals

def test_snapstart_environments_restore_instead_of_init():
    measured = Measurements.fixed(100.0, init_ms=900.0, restore_ms=200.0)
    result = simulate(Scenario(np.zeros(3), measured, snapstart=True))
    assert outcomes(result) == ["restored"] * 3
    assert result.requests.cold_start_s.tolist() == [0.2] * 3
    assert (result.totals.cold_starts, result.totals.restores) == (0, 3)
    assert result.requests.billed_ms.tolist() == [100] * 3  # no INIT billed for a restore


def test_the_series_count_executions_and_environments_by_state():
    """10 at once, init 0.5 s, d = 1 s: cold-starting until 0.5, busy until 1.5, then idle (an end at 1.5 is out)."""
    result = run(arrivals.at_once(10), duration_ms=1000, init_ms=500, sample_step_s=0.25)
    series = result.series
    at = {t: i for i, t in enumerate(series.time.tolist())}
    assert (series.concurrent[at[0.25]], series.cold_starting[at[0.25]], series.busy[at[0.25]]) == (10, 10, 0)
    assert (series.concurrent[at[1.0]], series.cold_starting[at[1.0]], series.busy[at[1.0]]) == (10, 0, 10)
    assert series.time[-1] == 1.5 and (series.concurrent[-1], series.idle[-1]) == (0, 10)
    assert result.totals.peak_concurrency == 10


def test_provisioned_series():
    result = run([0.0, 0.0], provisioned=3, sample_step_s=0.25)
    assert (result.series.provisioned_busy[0], result.series.provisioned_idle[0]) == (2, 1)


def test_latency_percentiles_of_served_requests():
    """Every request warm but the first: latency 0.5 s, the first 0.6 s; p99 of 100 requests between them."""
    result = run(arrivals.steady(1.0, 100))
    assert result.latency.p50 == pytest.approx(0.5)
    assert 0.5 <= result.latency.p99 <= 0.6


def test_totals_add_up():
    result = run(arrivals.poisson(200, 30, seed=4), account_concurrency=50, scaling_rate=40)
    totals = result.totals
    assert totals.served + totals.throttled == totals.invocations
    assert totals.cold_starts + totals.warm == totals.served
    assert sum(totals.throttles.values()) == totals.throttled


def test_a_run_is_deterministic_for_a_seed():
    measured = Measurements(np.linspace(50, 150, 101), np.linspace(80, 120, 41), np.array([]))
    times = arrivals.poisson(500, 20, seed=9)
    first, again, other = (simulate(Scenario(times, measured, seed=seed, account_concurrency=60)) for seed in (1, 1, 2))
    for name in ("start", "end", "outcome", "duration_s", "billed_ms"):
        np.testing.assert_array_equal(getattr(first.requests, name), getattr(again.requests, name))
    assert first.totals == again.totals
    assert not np.array_equal(first.requests.duration_s, other.requests.duration_s)


def test_cold_starts_bill_init_and_the_cost_is_itemised():
    """10 cold starts of 1,000 ms + 500 ms init at 1,024 MB: 10 x 1.5 s = 15 GB-s, 10 requests."""
    result = run(arrivals.at_once(10), duration_ms=1000, init_ms=500, memory_mb=1024)
    assert result.requests.billed_ms.tolist() == [1500] * 10
    assert result.cost.gb_s == pytest.approx(15.0)
    assert result.cost.total_usd == pytest.approx(10 * 0.2e-6 + 15 * 0.0000166667)


def test_outcome_codes_are_stable():
    assert (COLD, WARM, PROVISIONED, RESTORED, THROTTLED, EXPIRED, ZERO_RESERVED) == tuple(range(7))


def test_no_requests():
    result = run([])
    assert result.totals.invocations == 0 and np.isnan(result.latency.p50)
