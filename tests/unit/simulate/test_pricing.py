"""Pricing (helpers/simulate/pricing.py) against bills worked out by hand from lambda-facts §3 (us-east-1)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import aws_facts
from helpers.runtime.metering import billed_duration_ms
from helpers.simulate.pricing import Usage, billed_ms, cost, tiered_duration_usd


@pytest.mark.parametrize("duration_ms, init_ms, expected", [
    (15.74, 130.49, 147),  # AWS's docs example (python-logging page)
    (1.73, 77.45, 80),  # observed in 2026
    (541.47, 511.15, 1053),  # observed in 2026
    (329.177, None, 330),  # a warm invocation
])
def test_billed_duration_includes_init_since_august_2025(duration_ms, init_ms, expected):
    assert billed_ms(duration_ms, init_ms) == expected


def test_billed_duration_before_the_change_left_init_out():
    """January 2025: Duration 329.177, Init 503.083 -> Billed 330."""
    assert billed_ms(329.177, 503.083, init_billed=False) == 330


def test_billed_duration_is_meterings():
    rng = np.random.default_rng(0)
    for duration, init in zip(rng.uniform(0, 3000, 200).round(2), rng.uniform(0, 900, 200).round(2)):
        assert billed_ms(float(duration), float(init)) == billed_duration_ms(float(duration), float(init))


def test_a_million_requests_of_the_docs_example():
    """1 M x 147 ms at 128 MB: 1e6 x 0.147 s x 0.125 GB = 18,375 GB-s x $0.0000166667 = $0.30625;
    requests 1e6 x $0.0000002 = $0.20."""
    bill = cost(Usage(memory_mb=128, requests=1_000_000, billed_ms=147 * 1_000_000))
    assert bill.gb_s == pytest.approx(18_375)
    assert bill.requests_usd == pytest.approx(0.20)
    assert bill.duration_usd == pytest.approx(18_375 * 0.0000166667)
    assert bill.total_usd == pytest.approx(0.20 + 0.306250613, rel=1e-9)
    assert [name for name, _ in bill.lines()] == ["requests", "duration", "total"]


def test_the_free_tier_covers_a_million_requests_and_400000_gb_s():
    """The same month with the free tier: nothing to pay. 3 M x 1 s at 1 GB: 3e6 GB-s, of which 2.6e6 billable
    ($43.33342), and 2 M billable requests ($0.40)."""
    assert cost(Usage(memory_mb=128, requests=1_000_000, billed_ms=147 * 1_000_000), free_tier=True).total_usd == 0
    bill = cost(Usage(memory_mb=1024, requests=3_000_000, billed_ms=1000 * 3_000_000), free_tier=True)
    assert (bill.billable_requests, bill.billable_gb_s) == (2_000_000, pytest.approx(2.6e6))
    assert bill.total_usd == pytest.approx(0.40 + 2.6e6 * 0.0000166667)


def test_duration_tiers():
    """Arm, 8 B GB-s: 7.5 B x $0.0000133334 + 0.5 B x $0.0000120001 = $100,000.50 + $6,000.05."""
    assert tiered_duration_usd(8e9, "arm64") == pytest.approx(106_000.55)
    # x86, 1 B GB-s after 5.5 B already this month: 0.5 B in the first tier, 0.5 B in the second
    assert tiered_duration_usd(1e9, "x86_64", month_gb_s_before=5.5e9) == pytest.approx(8_333.35 + 7_500)
    assert tiered_duration_usd(1.0, "x86_64", month_gb_s_before=20e9) == pytest.approx(0.0000133334)


def test_provisioned_concurrency():
    """10 environments of 1,024 MB enabled 3,601 s (rounded up to 3,900 s): 39,000 GB-s x $0.0000041667 =
    $0.16250130; 100,000 invocations of 100 ms on them: 10,000 GB-s x $0.0000097222 = $0.097222; requests $0.02
    (no free tier for a function with provisioned concurrency, even when asked for)."""
    usage = Usage(memory_mb=1024, requests=100_000, provisioned_billed_ms=100 * 100_000, provisioned=10,
                  provisioned_enabled_s=3601)
    bill = cost(usage, free_tier=True)
    assert bill.provisioned_gb_s == pytest.approx(39_000)
    assert bill.provisioned_usd == pytest.approx(0.1625013)
    assert bill.provisioned_duration_usd == pytest.approx(0.097222)
    assert bill.requests_usd == pytest.approx(0.02)
    assert bill.duration_usd == 0.0
    assert cost(Usage(memory_mb=1024, provisioned=1, provisioned_enabled_s=300)).provisioned_gb_s == 300


def test_arm_prices():
    usage = Usage(memory_mb=1024, provisioned=1, provisioned_enabled_s=300, provisioned_billed_ms=1000,
                  architecture="arm64")
    bill = cost(usage)
    assert bill.provisioned_usd == pytest.approx(300 * 0.0000033334)
    assert bill.provisioned_duration_usd == pytest.approx(0.0000077778)


def test_ephemeral_storage_above_512_mb():
    """10,240 MB of /tmp for 1,000 billed seconds: 9.5 GB x 1,000 s x $0.0000000309 = $0.00029355."""
    bill = cost(Usage(memory_mb=128, billed_ms=1_000_000, ephemeral_mb=10_240))
    assert bill.ephemeral_usd == pytest.approx(0.00029355)
    assert cost(Usage(memory_mb=128, billed_ms=1_000_000)).ephemeral_usd == 0.0


def test_snapstart_cache_and_restores():
    """2,048 MB cached for 1 h (3 h minimum): 2 GB x 10,800 s x $0.0000015046 = $0.03249936; 100 restores of
    2 GB x $0.0001397998 = $0.02795996."""
    bill = cost(Usage(memory_mb=2048, snapstart_cached_s=3600, restores=100))
    assert bill.snapstart_cache_usd == pytest.approx(0.03249936)
    assert bill.snapstart_restore_usd == pytest.approx(0.02795996)
    assert cost(Usage(memory_mb=2048, snapstart_cached_s=4 * 3600)).snapstart_cache_usd == \
        pytest.approx(2 * 4 * 3600 * 0.0000015046)


def test_prices_are_aws_facts():
    assert aws_facts.PRICE_PER_REQUEST == pytest.approx(0.0000002)
    assert aws_facts.DURATION_TIERS["x86_64"][0] == (6e9, 0.0000166667)
    assert aws_facts.INIT_BILLED_SINCE == "2025-08-01"


def test_an_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="arm64"):
        cost(Usage(memory_mb=128, architecture="arm"))
