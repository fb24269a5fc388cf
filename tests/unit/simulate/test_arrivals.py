"""Traffic shapes (helpers/simulate/arrivals.py): sorted arrival times, deterministic or seeded."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.simulate import arrivals


def test_steady_spaces_requests_evenly():
    np.testing.assert_allclose(arrivals.steady(10, 1), np.arange(10) / 10)
    assert arrivals.steady(10, 1, start_s=5.0)[0] == 5.0
    assert arrivals.steady(0, 10).size == 0


def test_ramp_delivers_the_mean_rate_and_speeds_up():
    """0 to 100 a second over 10 s: (0 + 100) / 2 x 10 = 500 requests, ever closer together."""
    times = arrivals.ramp(0, 100, 10)
    assert times.size == 500 and times[0] == 0.0 and times[-1] < 10
    assert np.all(np.diff(np.diff(times)) <= 1e-12)
    # the expected count by t is 5 t^2: at t = 5, 125 requests
    assert np.searchsorted(times, 5.0) == pytest.approx(125, abs=1)


def test_a_flat_ramp_is_steady():
    np.testing.assert_allclose(arrivals.ramp(4, 4, 2), arrivals.steady(4, 2))


def test_a_falling_ramp():
    times = arrivals.ramp(100, 0, 10)
    assert times.size == 500 and np.all(np.diff(times) > 0) and times[-1] < 10


def test_spike_adds_a_burst():
    times = arrivals.spike(1, 10, burst=50, at_s=4.5)
    assert times.size == 60 and np.count_nonzero(times == 4.5) == 50
    assert np.all(np.diff(times) >= 0)


def test_poisson_is_seeded():
    first, again, other = arrivals.poisson(100, 60, seed=1), arrivals.poisson(100, 60, seed=1), \
        arrivals.poisson(100, 60, seed=2)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert abs(first.size - 6000) < 4 * np.sqrt(6000)
    assert np.all(np.diff(first) >= 0) and 0 <= first[0] and first[-1] < 60


def test_a_trace_is_sorted():
    np.testing.assert_array_equal(arrivals.trace([3.0, 1.0, 2.5]), [1.0, 2.5, 3.0])
    with pytest.raises(ValueError):
        arrivals.trace([1.0, float("nan")])


def test_at_once():
    np.testing.assert_array_equal(arrivals.at_once(3, 2.0), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("shape", [lambda: arrivals.steady(-1, 1), lambda: arrivals.ramp(1, 2, 0),
                                   lambda: arrivals.spike(1, 1, -1, 0), lambda: arrivals.at_once(-1)])
def test_impossible_shapes_are_refused(shape):
    with pytest.raises(ValueError):
        shape()
