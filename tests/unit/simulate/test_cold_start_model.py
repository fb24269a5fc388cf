"""helpers/simulate/cold_start_model.py: init flat in memory, the first invocation through the CPU model."""

from __future__ import annotations

import pytest

from helpers.runtime.metering import modelled_duration_ms
from helpers.simulate import cold_start_model as model


def test_calibration_is_the_median_of_the_runs():
    calibration = model.calibrate([(100, 50, 40), (120, 70, 60), (110, 60, 50)])
    assert calibration == model.Calibration(110, 60, 50)
    with pytest.raises(ValueError):
        model.calibrate([])


def test_init_is_flat_and_the_first_invocation_follows_the_cpu_model():
    calibration = model.Calibration(init_ms=90, wall_ms=50, cpu_ms=40)
    inits, firsts = model.curve(calibration, [128, 1769, 10240])
    assert inits == [90, 90, 90]
    assert firsts == [modelled_duration_ms(50, 40, 128), 50, 50]
    assert firsts[0] == pytest.approx(50 + 40 * (1769 / 128 - 1))
    assert model.vcpus(128) == pytest.approx(128 / 1769) and model.vcpus(4096) == 1.0
    assert model.relative_error(110, 100) == pytest.approx(0.1) and model.relative_error(1, 0) == 0.0


def test_published_figures_are_dated_and_labelled():
    for entry in model.PUBLISHED_INITS:
        assert entry.low_ms <= entry.high_ms and "lambda-perf, 20" in entry.source
    assert {"Java 21", ".NET 8", "Go (provided.al2023)", "Rust (provided.al2023)"} <= {
        entry.runtime for entry in model.PUBLISHED_INITS}
