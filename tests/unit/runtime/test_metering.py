"""Metering (helpers/runtime/metering.py): Billed Duration, the CPU share of a memory size, and the CPU model."""

from __future__ import annotations

import pytest

from helpers.runtime.metering import billed_duration_ms, cpu_share, mib, modelled_duration_ms

MIB = 1024 * 1024


@pytest.mark.parametrize("duration_ms, expected", [(3.01, 4), (100.0, 100), (100.0001, 100), (0.2, 1)])
def test_billed_duration_rounds_up_to_the_next_millisecond(duration_ms, expected):
    assert billed_duration_ms(duration_ms, None) == expected


def test_billed_duration_adds_init():
    # AWS: Duration 31000.00 ms, Init Duration 2189.80 ms -> Billed Duration 33190 ms.
    assert billed_duration_ms(31000.00, 2189.80) == 33190


def test_billed_duration_is_an_int():
    assert type(billed_duration_ms(3.01, 1.5)) is int


def test_cpu_share_is_one_vcpu_at_1769_mb():
    assert cpu_share(1769) == 1.0


def test_cpu_share_at_128_mb():
    assert cpu_share(128) == pytest.approx(0.0724, abs=1e-4)


@pytest.mark.parametrize("memory_mb", [1770, 3538, 10240])
def test_cpu_share_is_capped_at_one(memory_mb):
    assert cpu_share(memory_mb) == 1.0


def test_pure_waiting_is_not_stretched():
    assert modelled_duration_ms(250.0, 0.0, 128) == 250.0


def test_cpu_time_is_stretched_by_the_inverse_share_at_128_mb():
    assert modelled_duration_ms(100.0, 100.0, 128) == pytest.approx(100.0 * 1769 / 128)


def test_only_the_cpu_part_is_stretched():
    assert modelled_duration_ms(100.0, 40.0, 128) == pytest.approx(60.0 + 40.0 * 1769 / 128)


@pytest.mark.parametrize("memory_mb", [1769, 4096, 10240])
def test_nothing_changes_at_one_vcpu_or_more(memory_mb):
    assert modelled_duration_ms(100.0, 100.0, memory_mb) == pytest.approx(100.0)


def test_cpu_time_is_clamped_to_the_measured_time():
    assert modelled_duration_ms(100.0, 250.0, 128) == modelled_duration_ms(100.0, 100.0, 128)


def test_negative_cpu_time_counts_as_none():
    assert modelled_duration_ms(100.0, -5.0, 128) == 100.0


@pytest.mark.parametrize("byte_count, expected", [(0, 0), (1, 1), (MIB, 1), (MIB + 1, 2), (36 * MIB - 1, 36)])
def test_mib_rounds_up(byte_count, expected):
    assert mib(byte_count) == expected


def test_billed_duration_follows_the_printed_figures():
    # 4.0012 ms prints as "Duration: 4.00 ms": Billed Duration must then be 4, not 5
    assert billed_duration_ms(4.0012, None) == 4
    assert billed_duration_ms(4.006, None) == 5  # prints as 4.01
    assert billed_duration_ms(2.70, 1.30) == 4  # exactly 4.00, whatever float addition makes of it
