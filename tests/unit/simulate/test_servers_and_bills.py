"""Monthly bills (helpers/simulate/monthly_bill.py) and Lambda against servers (helpers/simulate/servers.py),
against figures worked by hand and round2-facts §4's table."""

from __future__ import annotations

import pytest

from helpers.runtime.log_lines import report
from helpers.simulate import monthly_bill, servers
from helpers.simulate.monthly_bill import Workload


def test_a_month_with_cold_starts_bills_init_since_august_2025():
    """1 M requests of 99.3 ms at 512 MB, 1 % cold with 400 ms INIT: 990,000 x 100 ms + 10,000 x 500 ms =
    104,000,000 ms x 0.5 GB = 52,000 GB-s x $0.0000166667 = $0.8666684; requests $0.20."""
    workload = Workload(requests=1_000_000, duration_ms=99.3, memory_mb=512, cold_start_share=0.01, init_ms=400)
    assert monthly_bill.usage(workload).billed_ms == 104_000_000
    assert monthly_bill.bill(workload).total_usd == pytest.approx(0.2 + 52_000 * 0.0000166667)
    before = Workload(**{**workload.__dict__, "init_billed": False})
    assert monthly_bill.usage(before).billed_ms == 100_000_000
    lines = dict(monthly_bill.bill_lines(workload))
    assert lines["duration (INIT of cold starts)"] == pytest.approx(4_000_000 / 1000 * 0.5 * 0.0000166667)
    assert lines["total"] == pytest.approx(sum(v for k, v in lines.items() if k != "total"))


def test_free_tier_and_provisioned_lines():
    small = Workload(requests=500_000, duration_ms=50, memory_mb=128, free_tier=True)
    assert dict(monthly_bill.bill_lines(small))["total"] == 0
    assert dict(monthly_bill.bill_lines(small))["free tier"] < 0
    provisioned = Workload(requests=100_000, duration_ms=99.5, memory_mb=1024, provisioned=10,
                           provisioned_hours=3601 / 3600, provisioned_share=1.0)
    lines = dict(monthly_bill.bill_lines(provisioned))
    assert lines["provisioned concurrency"] == pytest.approx(0.1625013)  # 10 x 1 GB x 3,900 s (rounded to 5 min)
    assert lines["provisioned duration"] == pytest.approx(10_000 * 0.0000097222)
    assert "duration (invoke phase)" not in lines


def test_usage_from_reports_sums_billed_durations_line_by_line():
    lines = [report("a", 10.2, 96, 512, 40, 85.1), report("b", 10.2, 11, 512, 40), "START RequestId: b",
             report("c", 20.01, 21, 512, 40)]
    usage = monthly_bill.usage_from_reports(lines)
    assert (usage.requests, usage.billed_ms, usage.memory_mb) == (3, 128, 512)
    workload = monthly_bill.workload_from_reports(lines)
    assert workload.requests == 3 and workload.cold_start_share == pytest.approx(1 / 3)
    assert workload.init_ms == pytest.approx(85.1) and workload.duration_ms == pytest.approx(40.41 / 3)
    with pytest.raises(ValueError):
        monthly_bill.usage_from_reports([report("a", 1, 1, 128, 1), report("b", 1, 1, 256, 1)])


@pytest.mark.parametrize("duration, memory, arch, per_million", [
    (50, 128, "x86_64", 0.304), (100, 512, "x86_64", 1.033), (100, 512, "arm64", 0.867),
    (200, 1024, "x86_64", 3.533), (1000, 1769, "x86_64", 28.99)])
def test_lambda_per_million_matches_round2_table(duration, memory, arch, per_million):
    assert servers.lambda_cost_per_request(duration, memory, arch) * 1e6 == pytest.approx(per_million, abs=0.005)


def test_server_prices_and_break_even_match_round2_table():
    assert servers.server_named("EC2 t4g.small").monthly_usd() == pytest.approx(12.26, abs=0.01)
    assert servers.server_named("Fargate x86 0.25 vCPU / 0.5 GB").monthly_usd() == pytest.approx(9.01, abs=0.01)
    assert servers.server_named("Fargate Arm 1 vCPU / 2 GB").monthly_usd() == pytest.approx(28.84, abs=0.02)
    # 100 ms, 512 MB, x86 against a t4g.small: 11.9 M requests a month, about 4.5 requests per second
    rate = servers.break_even_rps(servers.server_named("EC2 t4g.small"), 100, 512)
    assert rate == pytest.approx(4.5, abs=0.05)
    assert rate * servers.SECONDS_PER_MONTH / 1e6 == pytest.approx(11.9, abs=0.1)
    assert servers.lambda_monthly_usd(rate, 100, 512) == pytest.approx(12.26, abs=0.01)
    # two instances for availability double the break-even; the free tier moves it up
    assert servers.break_even_rps(servers.SERVERS[0], 100, 512, instances=2) == pytest.approx(2 * rate, rel=0.01)
    assert servers.break_even_rps(servers.SERVERS[0], 100, 512, free_tier=True) > rate
    with pytest.raises(ValueError):
        servers.server_named("EC2 x1e.32xlarge")


def test_one_line_through_the_calculator_is_its_billed_duration():
    """Priced one invocation at a time, the calculator's arithmetic is the REPORT line's Billed Duration exactly
    (even where floating-point sums would round up one millisecond too far: 10.1 + 0.9)."""
    for duration, init, billed in ((10.1, 0.9, 11), (15.74, 130.49, 147), (0.2, None, 1), (329.18, None, 330)):
        line = report("r", duration, billed, 128, 40, init)
        assert monthly_bill.usage(monthly_bill.workload_from_reports([line])).billed_ms == billed
