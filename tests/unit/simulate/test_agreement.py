"""The agreement harness (helpers/simulate/agreement.py): the model half gives the counts the rules imply, and
``compare`` sets two runs side by side."""

from __future__ import annotations

import math

from helpers.simulate.agreement import EXAMPLES, Counts, Scenario, Tolerance, compare, model_counts
from helpers.simulate.results import ACCOUNT_LIMIT, RESERVED_LIMIT, SCALING_LIMIT

BY_NAME = {scenario.name: scenario for scenario in EXAMPLES}


def test_reserved():
    """30 at once, quota 20, reserved 10, provisioned 5, d = 500 ms, init 100 ms.
    The 5 provisioned environments take the first 5. A new environment is allowed while executions in flight are
    fewer than R = 10: 5 provisioned + 5 new. The other 20 are throttled for the reservation."""
    counts = model_counts(BY_NAME["reserved"])
    assert (counts.invocations, counts.provisioned, counts.cold_starts, counts.warm) == (30, 5, 5, 0)
    assert counts.throttles == {RESERVED_LIMIT: 20}
    assert (counts.duration_ms_p50, counts.init_ms_p50) == (500.0, 100.0)


def test_unreserved():
    """The same without a reservation: P = 5 counts against the pool of 20, so 20 - 5 = 15 on-demand environments;
    5 provisioned + 15 cold, 10 throttled for the account."""
    counts = model_counts(BY_NAME["unreserved"])
    assert (counts.provisioned, counts.cold_starts) == (5, 15)
    assert counts.throttles == {ACCOUNT_LIMIT: 10}


def test_scaling_rate():
    """Quota 1,000, 5 new environments per 10 s, 30 at once: 5 cold, 25 throttled for the scaling rate."""
    counts = model_counts(BY_NAME["scaling rate"])
    assert counts.cold_starts == 5 and counts.throttles == {SCALING_LIMIT: 25}


def test_async_reserved():
    """Async, quota 20, R = 10, P = 5, d = 0.5 s, init 0.1 s, 30 events at once.
    t = 0: 5 provisioned, 5 cold (busy until 0.6), 20 throttled (retry at 1 s).
    t = 1: everything is free again: 5 provisioned, 5 warm, 10 throttled (retry after 2 s).
    t = 3: 5 provisioned, 5 warm. Totals: 15 provisioned, 5 cold, 10 warm, 30 throttled tries, none expired."""
    counts = model_counts(BY_NAME["async, reserved"])
    assert (counts.provisioned, counts.cold_starts, counts.warm, counts.expired) == (15, 5, 10, 0)
    assert counts.throttles == {RESERVED_LIMIT: 30}


def test_spaced_requests_reuse_one_environment():
    """10 requests 1 s apart, each 200 ms: one cold start, 9 warm."""
    counts = model_counts(Scenario("spaced", requests=10, duration_ms=200, spacing_s=1.0))
    assert (counts.cold_starts, counts.warm, counts.throttles) == (1, 9, {})


def test_compare_agrees_with_itself_and_reports_differences():
    model = model_counts(BY_NAME["reserved"])
    assert compare(model, model).agrees
    real = Counts(invocations=30, cold_starts=6, warm=0, provisioned=5, throttles={RESERVED_LIMIT: 19},
                  duration_ms_p50=560.0, init_ms_p50=180.0)
    comparison = compare(model, real)
    assert {row.metric for row in comparison.disagreements()} == \
        {"cold_starts", f"throttles: {RESERVED_LIMIT}", "init_ms_p50"}
    assert compare(model, real, Tolerance(counts=1, durations=0.9, inits=0.9)).agrees
    assert compare(model, real, Tolerance(counts=1, durations=0.9, inits=None)).agrees  # inits shown, not compared
    assert "<- differs" in comparison.table()


def test_compare_takes_a_model_result_and_lists_every_reason_either_side_saw():
    scenario = BY_NAME["unreserved"]
    from helpers.simulate.scale_model import simulate

    real = Counts(invocations=30, cold_starts=15, warm=0, provisioned=5,
                  throttles={ACCOUNT_LIMIT: 10, SCALING_LIMIT: 1}, duration_ms_p50=500.0, init_ms_p50=100.0)
    comparison = compare(simulate(scenario.to_model()), real)
    rows = {row.metric: row for row in comparison.rows}
    assert rows[f"throttles: {SCALING_LIMIT}"].model == 0 and not rows[f"throttles: {SCALING_LIMIT}"].agrees
    assert rows[f"throttles: {ACCOUNT_LIMIT}"].agrees


def test_missing_durations_on_both_sides_agree():
    nothing = Counts(invocations=0, cold_starts=0, warm=0, provisioned=0)
    assert math.isnan(nothing.duration_ms_p50) and compare(nothing, nothing).agrees
