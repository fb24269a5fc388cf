"""A month of a function's traffic, priced line by line: the pricing calculator's arithmetic, over
``helpers.simulate.pricing`` (lambda-facts §3, us-east-1).

A ``Workload`` says what a month looks like in averages (requests, average Duration, how many are cold starts and
their Init Duration, provisioned concurrency, /tmp, free tier). ``usage`` turns it into the quantities AWS bills:
every invocation's Billed Duration rounded up to 1 ms, INIT included for cold starts when ``init_billed`` (the rule
since 1 August 2025; before, on-demand zip functions did not pay for INIT), invocations served by provisioned
environments at the provisioned rate and without INIT. ``usage_from_reports`` does the same from real REPORT lines,
line by line, so the calculator can be checked against a workload that ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from helpers import aws_facts
from helpers.runtime.log_lines import parse_report
from helpers.simulate.pricing import Cost, Usage, billed_ms, cost


@dataclass(frozen=True)
class Workload:
    """A month of one function's traffic, in averages."""

    requests: int
    duration_ms: float  # average Duration of an invocation
    memory_mb: int
    architecture: str = "x86_64"
    cold_start_share: float = 0.0  # of the on-demand invocations, the share that are cold starts
    init_ms: float = 0.0  # average Init Duration of a cold start
    init_billed: bool = True  # the rule since 1 August 2025
    provisioned: int = 0  # provisioned concurrency (environments)
    provisioned_hours: float = 0.0  # how long it is enabled in the month
    provisioned_share: float = 0.0  # share of the requests that provisioned environments serve
    ephemeral_mb: int = aws_facts.EPHEMERAL_FREE_MB
    free_tier: bool = False


def usage(workload: Workload) -> Usage:
    """What AWS would meter for the workload (each invocation rounded up to 1 ms on its own)."""
    if workload.requests < 0 or workload.duration_ms < 0 or workload.init_ms < 0:
        raise ValueError("requests and durations cannot be negative")
    share = min(max(workload.provisioned_share, 0.0), 1.0) if workload.provisioned else 0.0
    served_provisioned = round(workload.requests * share)
    on_demand = workload.requests - served_provisioned
    cold = round(on_demand * min(max(workload.cold_start_share, 0.0), 1.0))
    warm_billed = billed_ms(workload.duration_ms)  # rounded up as REPORT rounds it (metering.billed_duration_ms)
    cold_billed = billed_ms(workload.duration_ms, workload.init_ms, init_billed=workload.init_billed)
    return Usage(memory_mb=workload.memory_mb, requests=workload.requests,
                 billed_ms=(on_demand - cold) * warm_billed + cold * cold_billed,
                 provisioned_billed_ms=served_provisioned * warm_billed,
                 architecture=workload.architecture, ephemeral_mb=workload.ephemeral_mb,
                 provisioned=workload.provisioned, provisioned_enabled_s=workload.provisioned_hours * 3600)


def bill(workload: Workload) -> Cost:
    """The month's bill, itemised (``Cost.lines()``)."""
    return cost(usage(workload), free_tier=workload.free_tier)


def bill_lines(workload: Workload) -> list[tuple[str, float]]:
    """The bill as a calculator shows it: each item, INIT's part of the duration on its own line, the free tier as
    a negative line, then the total."""
    without_free = bill(Workload(**{**workload.__dict__, "free_tier": False}))
    without_init = bill(Workload(**{**workload.__dict__, "free_tier": False, "init_billed": False}))
    init_usd = without_free.duration_usd - without_init.duration_usd
    lines = [("requests", without_free.requests_usd),
             ("duration (invoke phase)", without_init.duration_usd),
             ("duration (INIT of cold starts)", init_usd),
             ("provisioned concurrency", without_free.provisioned_usd),
             ("provisioned duration", without_free.provisioned_duration_usd),
             ("ephemeral storage", without_free.ephemeral_usd)]
    total = bill(workload).total_usd
    lines = [(name, usd) for name, usd in lines if usd]
    if workload.free_tier and total < without_free.total_usd:
        lines.append(("free tier", total - without_free.total_usd))
    return lines + [("total", total)]


def usage_from_reports(lines: Iterable[str], architecture: str = "x86_64",
                       ephemeral_mb: int = aws_facts.EPHEMERAL_FREE_MB) -> Usage:
    """The usage of real invocations, line by line: one request per REPORT line, their Billed Durations summed
    (on-demand invocations; all at one memory size)."""
    reports = [report for line in lines if (report := parse_report(line)) is not None]
    memory = {report.memory_size_mb for report in reports}
    if len(memory) != 1:
        raise ValueError(f"REPORT lines of one memory size are needed, got {sorted(memory)}")
    return Usage(memory_mb=memory.pop(), requests=len(reports),
                 billed_ms=sum(report.billed_duration_ms for report in reports), architecture=architecture,
                 ephemeral_mb=ephemeral_mb)


def workload_from_reports(lines: Iterable[str], architecture: str = "x86_64") -> Workload:
    """The same invocations as a calculator's averages: requests, average Duration, cold-start share, average
    Init Duration."""
    reports = [report for line in lines if (report := parse_report(line)) is not None]
    if not reports:
        raise ValueError("no REPORT line")
    inits = [report.init_duration_ms for report in reports if report.init_duration_ms is not None]
    return Workload(requests=len(reports), duration_ms=sum(r.duration_ms for r in reports) / len(reports),
                    memory_mb=reports[0].memory_size_mb, architecture=architecture,
                    cold_start_share=len(inits) / len(reports), init_ms=sum(inits) / len(inits) if inits else 0.0)
