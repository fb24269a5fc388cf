"""Measurements (helpers/simulate/measurements.py): samples read from REPORT lines, drawn deterministically."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.runtime.log_lines import report
from helpers.simulate.measurements import Measurements

COLD = ("REPORT RequestId: 8f5ac9ab-5c3e-4c7a-8f1e-1f6e1f0e2a10\tDuration: 15.74 ms\tBilled Duration: 147 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 130.49 ms\t")
WARM = report("b2", 3.01, 4, 128, 56)
SNAPSTART = ("REPORT RequestId: c3\tDuration: 20.00 ms\tBilled Duration: 139 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 60 MB\tRestore Duration: 562.43 ms\tBilled Restore Duration: 118 ms\t")


def test_report_lines_give_durations_inits_and_restores():
    measured = Measurements.from_reports(["START RequestId: a1 Version: $LATEST", COLD, "END RequestId: a1", WARM,
                                          SNAPSTART])
    assert measured.duration_ms.tolist() == [15.74, 3.01, 20.0]
    assert measured.init_ms.tolist() == [130.49]
    assert measured.restore_ms.tolist() == [562.43]  # not the Billed Restore Duration
    assert measured.memory_mb == 128


def test_report_lines_of_different_memory_sizes_are_refused():
    with pytest.raises(ValueError, match="memory"):
        Measurements.from_reports([WARM, report("x", 1.0, 1, 256, 40)])


def test_no_report_lines_means_no_durations():
    with pytest.raises(ValueError, match="duration"):
        Measurements.from_reports(["START RequestId: a1 Version: $LATEST"])


def test_fixed_figures():
    measured = Measurements.fixed(100.0, init_ms=250.0)
    assert (measured.duration_ms.tolist(), measured.init_ms.tolist(), measured.restore_ms.tolist()) == \
        ([100.0], [250.0], [])


def test_negative_or_missing_figures_are_refused():
    with pytest.raises(ValueError):
        Measurements.fixed(-1.0)
    with pytest.raises(ValueError):
        Measurements(np.array([np.nan]), np.array([]), np.array([]))


def test_samples_are_read_only():
    with pytest.raises(ValueError):
        Measurements.fixed(1.0).duration_ms[0] = 2.0


def test_draws_are_seeded_and_stay_among_the_samples():
    measured = Measurements(np.array([10.0, 20.0, 30.0]), np.array([]), np.array([]))
    first = measured.draw(measured.duration_ms, 1000, np.random.default_rng(5))
    again = measured.draw(measured.duration_ms, 1000, np.random.default_rng(5))
    np.testing.assert_array_equal(first, again)
    assert set(measured.duration_ms[first].tolist()) == {10.0, 20.0, 30.0}


def test_a_figure_not_measured_is_drawn_as_zero():
    measured = Measurements.fixed(5.0)
    indices = measured.draw(measured.init_ms, 3, np.random.default_rng(0))
    assert measured.values(measured.init_ms)[indices].tolist() == [0.0, 0.0, 0.0]
