"""A scale-model scenario run for real: the same requests through the local AWS's engine, counted the way the
model counts them, so the two can be set side by side (``helpers.simulate.agreement.compare``).

    >>> calibration = measure("def handler(event, context): ...")      # REPORT lines of a few real invocations
    >>> real = run_for_real(scenario, cloud)                          # Counts from the engine
    >>> compare(simulate(scenario_for_model(scenario, calibration)), real).table()

The function is real: a handler that sleeps ``duration_ms`` after an init that sleeps ``init_ms`` (on top of the
interpreter's own start). Its quota, reservation, provisioned concurrency and scaling rate are set on the running
local AWS for the run and put back afterwards.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from typing import Any

import numpy as np

from helpers.simulate.agreement import Counts, Scenario
from helpers.simulate.measurements import Measurements
from helpers.simulate.scenario import Scenario as ModelScenario

from .waiting import wait_until

SOURCE = """import os, time
time.sleep(float(os.environ["INIT_MS"]) / 1000)

def handler(event, context):
    time.sleep(float(os.environ["DURATION_MS"]) / 1000)
    return "done"
"""


def _deploy(scenario: Scenario, name: str) -> None:
    from helpers.deploy import deploy_function, execution_role
    from helpers.deploy.packaging import zip_files

    variables = {"INIT_MS": str(scenario.init_ms), "DURATION_MS": str(scenario.duration_ms)}
    deploy_function(name, "app.handler", zip_files({"app.py": SOURCE}), role_arn=execution_role("scenario-runs"),
                    Timeout=max(30, int(scenario.duration_ms / 1000) + 10), Environment={"Variables": variables})


def measure(scenario: Scenario, *, cold: int = 3, warm: int = 3) -> list[str]:
    """REPORT lines of a calibration function with the scenario's code: ``cold`` cold starts at once, then ``warm``
    warm invocations. What the model draws its durations and inits from."""
    import boto3

    from helpers.observe.logs import log_lines

    name = f"calibration-{uuid.uuid4().hex[:8]}"
    _deploy(scenario, name)
    client = boto3.client("lambda")
    try:
        threads = [threading.Thread(target=client.invoke, kwargs={"FunctionName": name}) for _ in range(cold)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for _ in range(warm):
            client.invoke(FunctionName=name)
        return log_lines(name, "REPORT ")
    finally:
        client.delete_function(FunctionName=name)


def scenario_for_model(scenario: Scenario, reports: list[str], seed: int = 0) -> ModelScenario:
    """The scenario for ``scale_model.simulate``, its durations and inits drawn from real REPORT lines."""
    return ModelScenario(scenario.arrivals(), Measurements.from_reports(reports), invocation=scenario.invocation,
                         account_concurrency=scenario.account_concurrency, reserved=scenario.reserved,
                         provisioned=scenario.provisioned, scaling_rate=scenario.scaling_rate, seed=seed)


def run_for_real(scenario: Scenario, cloud: Any, *, timeout_s: float = 120) -> Counts:
    """Run ``scenario`` through the engine of ``cloud`` (the running local AWS) and count what happened."""
    import boto3
    from botocore.config import Config

    from helpers.lambda_service.telemetry import INVOCATION, THROTTLE
    from helpers.observe.logs import log_lines

    client = boto3.client("lambda", config=Config(retries={"max_attempts": 0}, read_timeout=timeout_s,
                                                  max_pool_connections=scenario.requests + 4))
    name = f"scenario-{uuid.uuid4().hex[:8]}"
    saved = (cloud.concurrency.account_limit, cloud.concurrency.scaling_rate, cloud.environment_slots.limit)
    cloud.concurrency.account_limit = scenario.account_concurrency
    cloud.concurrency.scaling_rate = scenario.scaling_rate
    cloud.environment_slots.limit = max(saved[2], scenario.requests + 4)  # the laptop's cap must not be the limit
    target = name
    try:
        _deploy(scenario, name)
        if scenario.reserved is not None:
            client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=scenario.reserved)
        if scenario.provisioned:
            client.publish_version(FunctionName=name)
            client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
            client.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                      ProvisionedConcurrentExecutions=scenario.provisioned)
            cloud.clock.advance(cloud.provisioned.allocation_delay_s)
            target = f"{name}:live"
        began = cloud.clock.now()
        sync_throttles = _send(client, target, scenario)
        if scenario.invocation == "async":
            wait_until(lambda: len(log_lines(name, "REPORT ")) >= scenario.requests, timeout_s, interval_s=0.2)
        ran = cloud.telemetry.events(kind=INVOCATION, function_name=name, since=began)
        throttles = Counter(event.reason for event in cloud.telemetry.events(kind=THROTTLE, function_name=name,
                                                                              since=began))
        if scenario.invocation == "sync":
            assert sum(throttles.values()) == sync_throttles  # every 429 the callers met is on the stream
        provisioned = sum(event.provisioned for event in ran)
        cold = [event for event in ran if event.init_ms is not None]
        return Counts(invocations=scenario.requests, cold_starts=len(cold), warm=len(ran) - len(cold) - provisioned,
                      provisioned=provisioned, throttles=dict(throttles),
                      duration_ms_p50=float(np.median([event.duration_ms for event in ran])) if ran else np.nan,
                      init_ms_p50=float(np.median([event.init_ms for event in cold])) if cold else np.nan)
    finally:
        cloud.concurrency.account_limit, cloud.concurrency.scaling_rate, cloud.environment_slots.limit = saved
        if scenario.provisioned:
            client.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
        client.delete_function(FunctionName=name)


def _send(client: Any, target: str, scenario: Scenario) -> int:
    """Send every request at its arrival time, each on its own thread (one after the other, 30 ``Event`` invocations
    took up to a second on a busy laptop, and the model's simultaneous arrivals would not be what ran); the number
    of 429s the synchronous callers met."""
    throttled = [0]
    lock = threading.Lock()

    def one() -> None:
        if scenario.invocation == "async":  # a 202 at once; Lambda's queue meets any throttle
            client.invoke(FunctionName=target, InvocationType="Event", Payload=b"{}")
            return
        try:
            client.invoke(FunctionName=target, Payload=json.dumps({}).encode())
        except client.exceptions.TooManyRequestsException:
            with lock:
                throttled[0] += 1

    start = time.monotonic()
    threads = []
    for at in scenario.arrivals():
        time.sleep(max(start + float(at) - time.monotonic(), 0))
        thread = threading.Thread(target=one)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return throttled[0]
