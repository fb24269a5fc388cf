"""Real cold and warm invocations, measured: what notebook 08 plots.

    >>> cold = cold_samples("heavy-import", 3)      # three new environments, one invocation each
    >>> warm = warm_samples("heavy-import", 5)      # five invocations of one warm environment
    >>> cold[0].init_ms, cold[0].duration_ms, warm[0].duration_ms

A cold start is forced by retiring the function's environments first (``start_afresh``): the next invocation has
to start a new one, exactly as after a deployment. On AWS you would publish or change the configuration (Power
Tuning's ``onlyColdStarts`` publishes a version per invocation); the engine does the same to the environments,
faster. Every figure comes from the REPORT line or from this process's clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sample:
    """One invocation: REPORT's figures, the engine's raw readings and what the caller waited."""

    cold: bool
    init_ms: float | None  # REPORT Init Duration (cold starts only)
    duration_ms: float  # REPORT Duration (through the CPU model below 1,769 MB)
    measured_ms: float  # the invoke phase's wall time on this machine, raw
    cpu_ms: float  # CPU time the runtime process used in it
    memory_mb: int
    round_trip_ms: float  # from the call to the answer, as the caller saw it
    payload: Any = None

    @property
    def first_response_ms(self) -> float:
        """Init Duration plus Duration: what a cold start adds up to in REPORT."""
        return (self.init_ms or 0.0) + self.duration_ms

    @property
    def outside_ms(self) -> float:
        """What the caller waited beyond Init Duration and the invoke phase's raw wall time (not REPORT's Duration,
        which the CPU model stretches below 1,769 MB): time spent outside the environment (unpacking the code,
        passing the request and the answer)."""
        return self.round_trip_ms - (self.init_ms or 0.0) - self.measured_ms


def function_arn(function_name: str) -> str:
    import boto3

    return boto3.client("lambda").get_function(FunctionName=function_name)["Configuration"]["FunctionArn"]


def start_afresh(function_name: str) -> int:
    """Shut down every idle environment of the function (all versions), so that its next invocation is a cold
    start; returns how many were shut down."""
    from helpers import local_cloud

    return local_cloud.start().engine.retire(function_arn(function_name))


def invoke_sample(function_name: str, payload: Any = None, *, qualifier: str | None = None) -> Sample:
    """Invoke once and measure it (raises if the function failed: a figure of a failure is no figure)."""
    from helpers.lambda_invoke import invoke

    began = time.perf_counter()
    result = invoke(function_name, payload, qualifier=qualifier)
    round_trip = (time.perf_counter() - began) * 1000
    if not result.ok or result.report is None:
        raise RuntimeError(f"{function_name} failed: {result.payload!r}")
    report = result.report
    return Sample(result.cold_start, report.init_duration_ms, report.duration_ms, result.measured_ms or 0.0,
                  result.cpu_ms or 0.0, report.memory_size_mb, round_trip, result.payload)


def cold_samples(function_name: str, count: int, payload: Any = None, *, progress: Progress | None = None,
                 qualifier: str | None = None) -> list[Sample]:
    """``count`` cold starts: each in a new environment (the previous ones retired first)."""
    samples = []
    for done in range(count):
        start_afresh(function_name)
        samples.append(invoke_sample(function_name, payload, qualifier=qualifier))
        if progress is not None:
            progress(done + 1, count)
    return samples


def warm_samples(function_name: str, count: int, payload: Any = None) -> list[Sample]:
    """``count`` invocations after the environment is warm (one invocation first, not counted, makes sure of it)."""
    invoke_sample(function_name, payload)
    return [invoke_sample(function_name, payload) for _ in range(count)]


def set_memory(function_name: str, memory_mb: int) -> None:
    """Change the function's memory size (new environments will have it) and wait until the update is done."""
    import boto3

    client = boto3.client("lambda")
    client.update_function_configuration(FunctionName=function_name, MemorySize=memory_mb)
    client.get_waiter("function_updated_v2").wait(FunctionName=function_name)


@dataclass(frozen=True)
class MemoryRun:
    """One cold start of one kind of init work at one memory size."""

    work: str
    sample: Sample


def cold_start_grid(work: dict[str, tuple[str, Any]], memory_sizes: list[int], *,
                    progress: Progress | None = None) -> list[MemoryRun]:
    """A cold start of each function in ``work`` ({label: (function name, event)}) at each memory size."""
    runs: list[MemoryRun] = []
    total, done = len(work) * len(memory_sizes), 0
    for label, (function_name, event) in work.items():
        for memory_mb in memory_sizes:
            set_memory(function_name, memory_mb)
            runs.append(MemoryRun(label, cold_samples(function_name, 1, event)[0]))
            done += 1
            if progress is not None:
                progress(done, total)
    return runs
