"""A real burst through the engine, drawn as notebook 09 draws it: every caller's outcome, one timeline row per
execution environment (its log stream), cold starts and throttles where the engine put them."""

from __future__ import annotations

import threading

import pytest

from helpers.lambda_service.concurrency import ACCOUNT_LIMIT
from helpers.observe.load import OK, fire, tally, wait_until_in_flight
from helpers.observe.logs import log_events
from helpers.observe.timeline import INIT, timeline

SLEEPER = "import time\ndef handler(event, context):\n    time.sleep(event.get('seconds', 0.5))\n    return 'done'\n"


@pytest.fixture
def quota_of_5(cloud):
    saved = cloud.concurrency.account_limit
    cloud.concurrency.account_limit = 5
    yield
    cloud.concurrency.account_limit = saved


def test_a_burst_drawn_one_row_per_environment(deploy, cloud, quota_of_5):
    name = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
    began = cloud.clock.now()
    outcomes = fire(name, [0.0] * 8, {"seconds": 1.0})
    assert tally(outcomes) == {OK: 5, ACCOUNT_LIMIT: 3} and sorted(o.index for o in outcomes) == list(range(8))
    assert {outcome.status for outcome in outcomes} == {200, 429}
    line = timeline(cloud.telemetry.events(since=began), function_name=name, since=began)
    streams = {event["logStreamName"] for event in log_events(name)}
    assert set(line.environments) == streams and len(streams) == 5  # a row per environment, named by its stream
    assert line.cold_starts == 5 and sum(s.kind == INIT for s in line.segments) == 5
    assert len(line.throttles) == 3 and {mark.reason for mark in line.throttles} == {ACCOUNT_LIMIT}
    assert line.peak_in_flight() == 5
    for segment in line.segments:
        assert 0 <= segment.start <= segment.end <= line.end


def test_waiting_until_a_burst_holds_its_concurrency(deploy, cloud, quota_of_5):
    name = deploy("sleeper.handler", files={"sleeper.py": SLEEPER}, Timeout=10)
    burst = threading.Thread(target=fire, args=(name, [0.0] * 5, {"seconds": 1.0}))
    burst.start()
    assert wait_until_in_flight(5) == 5
    assert tally(fire(name, [0.0], {"seconds": 0})) == {ACCOUNT_LIMIT: 1}  # the pool is full now
    burst.join(30)
