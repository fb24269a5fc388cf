"""AWS Lambda Power Tuning's runs, for real, against the local AWS: the tool's steps with boto3 and the Invoke API.

For each memory value the tool sets ``MemorySize`` on ``$LATEST``, publishes a version and points an alias
``RAM<value>`` at it, then invokes the alias ``num`` times in series with ``LogType=Tail`` and keeps each REPORT
line. With ``only_cold_starts`` it publishes one version per invocation (alias ``RAM<value>-<i>``, made distinct by
its description), so that every invocation lands on a new execution environment. At the end it puts the original
memory and description back and deletes the aliases and versions it made (its "cleaner" step).

The arithmetic on the REPORT lines is ``helpers.simulate.power_tuning``; this module only produces them. It also
keeps what the engine measured behind each line (wall and CPU time on this machine), for notebooks that show both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.simulate.power_tuning import MIN_NUM, PowerTuningError


@dataclass(frozen=True)
class Run:
    """One invocation of a power tuning: its REPORT line, and what the engine measured on this machine."""

    memory_mb: int
    report_line: str
    cold_start: bool
    measured_ms: float  # wall time of the invoke phase here (a full laptop core)
    cpu_ms: float  # CPU time the handler's process used in it


Progress = Callable[[int, int], None]


def run_power_tuning(function_name: str, power_values: Sequence[int], num: int, payload: Any = None, *,
                     only_cold_starts: bool = False, progress: Progress | None = None) -> dict[int, list[Run]]:
    """Invoke ``function_name`` ``num`` times at each memory value, as the tool does; its runs by memory value."""
    import boto3

    from helpers.lambda_invoke import invoke

    if num < MIN_NUM:
        raise PowerTuningError("Missing num or num below 5")
    client = boto3.client("lambda")
    original = client.get_function_configuration(FunctionName=function_name)
    description = original.get("Description", "")
    total = len(power_values) * num
    runs: dict[int, list[Run]] = {}
    made: list[tuple[str, str]] = []  # (alias, version)
    try:
        for value in power_values:
            aliases = [f"RAM{value}-{i}" for i in range(num)] if only_cold_starts else [f"RAM{value}"]
            for alias in aliases:
                extra = f"{description} - {alias}" if only_cold_starts else description
                made.append((alias, _publish(client, function_name, int(value), extra, alias)))
            runs[int(value)] = []
            for i in range(num):
                alias = aliases[i] if only_cold_starts else aliases[0]
                result = invoke(function_name, payload, qualifier=alias)
                if result.function_error or result.report is None:
                    raise PowerTuningError(f"Invocation error (running in series): {result.raw_payload.decode()} "
                                           f"at {value} MB")
                line = next(text for text in result.log_lines if text.startswith("REPORT "))
                runs[int(value)].append(Run(int(value), line, result.cold_start, result.measured_ms or 0.0,
                                            result.cpu_ms or 0.0))
                if progress is not None:
                    progress(sum(len(done) for done in runs.values()), total)
    finally:
        client.update_function_configuration(FunctionName=function_name, MemorySize=original["MemorySize"],
                                             Description=description)
        client.get_waiter("function_updated_v2").wait(FunctionName=function_name)
        for alias, version in made:
            client.delete_alias(FunctionName=function_name, Name=alias)
            client.delete_function(FunctionName=function_name, Qualifier=version)
    return runs


def _publish(client: Any, function_name: str, memory_mb: int, description: str, alias: str) -> str:
    """Set the memory on $LATEST, publish a version and point ``alias`` at it; the version's number."""
    client.update_function_configuration(FunctionName=function_name, MemorySize=memory_mb, Description=description)
    client.get_waiter("function_updated_v2").wait(FunctionName=function_name)
    version = client.publish_version(FunctionName=function_name)["Version"]
    try:
        client.create_alias(FunctionName=function_name, Name=alias, FunctionVersion=version)
    except client.exceptions.ResourceConflictException:
        client.update_alias(FunctionName=function_name, Name=alias, FunctionVersion=version)
    return version


def report_lines(runs: dict[int, list[Run]]) -> dict[int, list[str]]:
    """The REPORT lines of each memory value's runs (what ``helpers.simulate.power_tuning.tune`` reads)."""
    return {memory: [run.report_line for run in found] for memory, found in runs.items()}
