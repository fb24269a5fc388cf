"""The laptop's cap on live environment processes, through boto3: past it, invocations wait instead of starting
more processes; nothing is refused or lost, and the waits are on the telemetry stream."""

from __future__ import annotations

import threading
import time

import boto3
import pytest
from botocore.config import Config

from helpers.lambda_service.telemetry import WAIT
from helpers.observe.logs import log_lines

SLEEPER = "import time\ndef handler(event, context):\n    time.sleep(0.3)\n    return 'done'\n"


@pytest.fixture
def cap(cloud):
    saved = cloud.environment_slots.limit

    def set_cap(limit: int) -> None:
        cloud.environment_slots.limit = limit
    yield set_cap
    cloud.environment_slots.limit = saved


def watch_environments(cloud, stop: threading.Event, seen: list[int]) -> None:
    while not stop.is_set():
        seen.append(len([env for env in cloud.engine.environments() if not env.provisioned]))
        time.sleep(0.01)


def test_past_the_cap_sync_invocations_wait_and_all_answer(deploy, cloud, cap):
    cap(3)
    name = deploy("app.handler", files={"app.py": SLEEPER}, Timeout=10)
    client = boto3.client("lambda", config=Config(retries={"max_attempts": 0}, read_timeout=60))
    stop, seen, answers = threading.Event(), [], []
    watcher = threading.Thread(target=watch_environments, args=(cloud, stop, seen))
    watcher.start()
    threads = [threading.Thread(target=lambda: answers.append(client.invoke(FunctionName=name)["StatusCode"]))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stop.set()
    watcher.join()
    assert answers == [200] * 8
    assert max(seen) <= 3
    assert telemetry_waits(cloud, name) >= 1


def test_past_the_cap_async_events_wait_in_the_queue_and_none_is_lost(deploy, cloud, cap, lambda_client):
    cap(3)
    name = deploy("app.handler", files={"app.py": SLEEPER}, Timeout=10)
    stop, seen = threading.Event(), []
    watcher = threading.Thread(target=watch_environments, args=(cloud, stop, seen))
    watcher.start()
    for _ in range(12):
        assert lambda_client.invoke(FunctionName=name, InvocationType="Event")["StatusCode"] == 202
    deadline = time.monotonic() + 60
    while len(log_lines(name, "REPORT ")) < 12 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    watcher.join()
    assert len(log_lines(name, "REPORT ")) == 12
    assert max(seen) <= 3


def telemetry_waits(cloud, name: str) -> int:
    return len(cloud.telemetry.events(kind=WAIT, function_name=name))
