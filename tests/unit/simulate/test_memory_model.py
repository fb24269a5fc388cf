"""The CPU model over memory sizes (helpers/simulate/memory_model.py)."""

import pytest

from helpers.runtime.metering import modelled_duration_ms
from helpers.simulate.memory_model import Calibration, calibrate, cost_per_million, duration_ms


def test_calibration_takes_medians_of_cpu_and_wait():
    calibration = calibrate([30.0, 25.0, 80.0], [24.0, 22.0, 23.0])
    assert calibration == Calibration(cpu_ms=23.0, wait_ms=6.0)
    assert calibrate([1.0], [2.0]).wait_ms == 0.0  # CPU read a little above the wall: no negative wait
    with pytest.raises(ValueError):
        calibrate([], [])


def test_the_model_is_the_engines_rule():
    calibration = Calibration(cpu_ms=25.0, wait_ms=5.0)
    for memory in (128, 512, 1769, 3008):
        assert duration_ms(calibration, memory) == pytest.approx(modelled_duration_ms(30.0, 25.0, memory))
    assert duration_ms(calibration, 128) == pytest.approx(5 + 25 * 1769 / 128)
    assert duration_ms(calibration, 3008) == duration_ms(calibration, 1769) == 30.0


def test_cost_per_million():
    """100 ms at 512 MB on x86: 1e6 x 0.1 s x 0.5 GB = 50,000 GB-s x $0.0000166667 + $0.20 = $1.033335."""
    assert cost_per_million(99.2, 512) == pytest.approx(1.033335)
    assert cost_per_million(99.2, 512, "arm64") == pytest.approx(0.2 + 50_000 * 0.0000133334)
