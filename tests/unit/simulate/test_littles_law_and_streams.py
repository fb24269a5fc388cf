"""Little's law, the burst settings AWS would refuse, and the stream model: pure arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import aws_facts
from helpers.simulate import littles_law, streams
from helpers.simulate.bursts import BurstSettings, modelled, parse_reserved, refusal


def test_littles_law():
    assert littles_law.concurrency_needed(20, 0.5) == 10
    assert littles_law.concurrency_needed(300, 0.12) == pytest.approx(36)
    assert littles_law.environments_needed(21, 0.5) == 11 and littles_law.environments_needed(20, 0.5) == 10
    assert littles_law.max_rate(20, 0.5) == 40
    with pytest.raises(ValueError):
        littles_law.concurrency_needed(-1, 1)
    with pytest.raises(ValueError):
        littles_law.max_rate(10, 0)


def test_what_aws_would_refuse():
    assert refusal(BurstSettings(20, 18, 0, 30)) is None  # leaves 2, the minimum of 20
    assert "minimum unreserved" in refusal(BurstSettings(20, 19, 0, 30))
    assert "reserved concurrency" in refusal(BurstSettings(20, 5, 6, 30))
    assert "unreserved concurrency" in refusal(BurstSettings(20, None, 19, 30))
    assert refusal(BurstSettings(1000, 900, 900, 5000)) is None
    assert parse_reserved("none") is None and parse_reserved(5) == 5


def test_a_burst_in_the_model():
    counts = modelled(BurstSettings(20, None, 0, 30))
    assert (counts.cold_starts, counts.throttles) == (20, {aws_facts.THROTTLE_ACCOUNT: 10})
    counts = modelled(BurstSettings(20, 10, 5, 30))
    assert (counts.provisioned, counts.cold_starts, counts.throttles) == (5, 5, {aws_facts.THROTTLE_RESERVED: 20})
    assert modelled(BurstSettings(20, 0, 0, 3)).throttles == {aws_facts.THROTTLE_RESERVED: 3}
    assert modelled(BurstSettings(5000, None, 0, 3000)).throttles == {aws_facts.THROTTLE_SCALING: 2000}
    assert BurstSettings(50, None, 0, 40).laptop_sized and not BurstSettings(60, None, 0, 40).laptop_sized


def test_streams():
    assert streams.concurrent_batches(4) == 4 and streams.concurrent_batches(4, 10) == 40
    with pytest.raises(ValueError):
        streams.concurrent_batches(1, 11)
    assert streams.records_per_second(2, 1, 100, 0.5) == 400
    times = np.array([0.0, 10.0])
    assert list(streams.backlog(1000, 400, times)) == [0, 6000]
    assert list(streams.iterator_age_s(1000, 400, times)) == pytest.approx([0, 6.0])  # record 4,000 arrived at 4 s
    assert list(streams.iterator_age_s(300, 400, times)) == [0, 0]
