"""Power tuning's arithmetic (helpers/simulate/power_tuning.py) against the tool's rules, worked by hand."""

from __future__ import annotations

import pytest

from helpers.runtime.log_lines import report
from helpers.simulate import power_tuning as pt


def line(duration, billed, memory=128, init=None, restore=None, billed_restore=None):
    return report("r", duration, billed, memory, 40, init, restore_ms=restore, billed_restore_ms=billed_restore)


def test_base_cost_is_the_first_tier_price_of_1_ms_at_128_mb():
    assert pt.base_cost_per_ms("x86_64") == pytest.approx(0.0000166667 / 8 / 1000)  # 2.0833e-9
    assert pt.base_cost_per_ms("arm64") == pytest.approx(0.0000133334 / 8 / 1000)
    assert pt.base_cost_per_ms("x86_64") == pytest.approx(pt.TOOL_BASE_COST["x86_64"], rel=0.01)
    with pytest.raises(pt.PowerTuningError, match="Unsupported architecture"):
        pt.base_cost_per_ms("arm")


def test_trimmed_mean_drops_int_n_times_the_share_at_each_end():
    values = [100, 1, 2, 3, 4, 5, 6, 7, 8, 0]  # n = 10, 20 % -> 2 dropped at each end: 2..7 kept
    assert pt.trimmed_mean(values, 0.2) == pytest.approx(4.5)
    assert pt.trimmed_mean([10, 20, 30, 40], 0.2) == 25  # int(4 x 0.2) = 0: nothing dropped
    assert pt.trimmed_mean([1, 2, 3, 4, 1000], 0.2) == 3  # int(5 x 0.2) = 1
    assert pt.trimmed_mean([], 0.2) == 0


def test_discard_defaults_and_clamps():
    assert pt.discard_fraction() == 0.2
    assert pt.discard_fraction(only_cold_starts=True) == 0.0
    assert pt.discard_fraction(0.9) == 0.4 and pt.discard_fraction(-1) == 0.0
    assert pt.discard_fraction(0.1, only_cold_starts=True) == 0.0  # the tool's executor overrides it with 0


def test_speed_counts_init_and_restore_billing_counts_billed_restore():
    cold = pt.reports_of([line(10.5, 96, init=85.2)])[0]
    restored = pt.reports_of([line(10.5, 11, restore=200.0, billed_restore=75)])[0]
    assert pt.speed_ms(cold) == pytest.approx(95.7) and pt.billed_ms(cold) == 96
    assert pt.speed_ms(restored) == pytest.approx(210.5) and pt.billed_ms(restored) == 86


def test_power_stats_worked_by_hand():
    """Five invocations at 512 MB, billed 30, 10, 11, 12, 50 ms: 20 % of 5 -> one dropped at each end (10 and 50),
    average billed (11 + 12 + 30) / 3 = 17.67 -> cost ceil(17.67) = 18 x base x 4; durations the same way; the
    total sums every invocation."""
    lines = [line(29.5, 30, 512), line(9.2, 10, 512), line(10.1, 11, 512), line(11.9, 12, 512), line(49.0, 50, 512)]
    base = 2e-9
    stats = pt.power_stats(512, lines, base_cost=base)
    assert stats.duration == pytest.approx((10.1 + 11.9 + 29.5) / 3)
    assert stats.cost == pytest.approx(18 * base * 4)
    assert stats.total_cost == pytest.approx((30 + 10 + 11 + 12 + 50) * base * 4)
    assert stats.invocations == 5
    # the average billed duration is rounded up: 10, 11, 11 -> 10.67 -> 11
    assert pt.power_stats(128, [line(1, b) for b in (9, 10, 11, 11, 40)], base_cost=base).cost == 11 * base


def stats(*rows):
    return [pt.PowerStats(power, duration, cost, cost * 5, 5) for power, duration, cost in rows]


def test_strategies_follow_the_analyzer():
    rows = stats((128, 400.0, 8.0), (512, 100.0, 8.5), (1024, 50.0, 9.0), (3008, 50.0, 20.0))
    assert pt.choose(rows, "cost").power == 128
    assert pt.choose(rows, "speed").power == 1024  # tie on duration: the cheaper
    assert pt.choose(stats((128, 400.0, 8.0), (256, 200.0, 8.0)), "cost").power == 256  # tie on cost: the faster
    # balanced, w = 0.5: value = 0.5 cost/20 + 0.5 duration/400 -> 128: 0.7, 512: 0.3375, 1024: 0.2875, 3008: 0.5625
    assert pt.choose(rows, "balanced").power == 1024
    assert pt.choose(rows, "balanced", 1.0).power == 128  # weight 1 = cost only
    assert pt.choose(rows, "balanced", 0.0).power == 1024  # weight 0 = speed only (first of the tie)
    assert pt.choose(rows, "balanced", 7).power == 128  # clamped to 1
    with pytest.raises(pt.PowerTuningError, match="strategy must be one of"):
        pt.choose(rows, "cheapest")


def test_powers_without_results_are_left_out():
    rows = stats((128, 0.0, 0.0), (512, 100.0, 8.5))
    assert pt.choose(rows, "cost").power == 512
    with pytest.raises(pt.PowerTuningError):
        pt.choose(stats((128, 0.0, 0.0)), "cost")


def test_tune_uses_the_first_num_invocations_and_refuses_fewer_than_five():
    runs = {128: [line(100.0 + i, 101 + i) for i in range(8)],
            1024: [line(10.0 + i, 11 + i, 1024) for i in range(8)]}
    tuning = pt.tune(runs, num=5, strategy="speed")
    assert [item.invocations for item in tuning.stats] == [5, 5]
    assert tuning.best.power == 1024 and tuning.strategy == "speed"
    assert tuning.lambda_cost == pytest.approx(sum(item.total_cost for item in tuning.stats))
    with pytest.raises(pt.PowerTuningError, match="num below 5"):
        pt.tune(runs, num=4)
    # cold starts only: nothing discarded
    cold = pt.tune({128: [line(10, 11, init=90.0)] * 4 + [line(10, 211, init=290.0)]}, only_cold_starts=True)
    assert cold.stats[0].duration == pytest.approx((100 * 4 + 300) / 5)
