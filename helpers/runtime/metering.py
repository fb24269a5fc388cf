"""Metering: what a REPORT line says about one invocation, and the CPU model behind its Duration.

The CPU model (the one place it is defined)
-------------------------------------------
On AWS, CPU is allocated in proportion to memory: 1,769 MB is the equivalent of one vCPU, 10,240 MB of six
(``../shared/reference/lambda-facts.md`` §2, as of 2026-11). A laptop runs every environment on a full core. So the
engine measures, for each invocation, the wall time and the CPU time the environment's process really used, and
models the Duration AWS would report:

    share          = min(memory_mb / MB_PER_VCPU, 1.0)       # a single-threaded Python handler uses at most one vCPU
    modelled wall  = measured wall + cpu_seconds * (1 / share - 1)

Waiting (I/O, sleep, calls to other services) is not slowed; only the CPU part is stretched. At 1,769 MB and above
the model changes nothing for single-threaded code. The timeout is enforced against this modelled time, and the
runtime client's ``context.get_remaining_time_in_millis()`` counts down on the same modelled clock (its own copy of
the rule, in ``client.py``; ``MB_PER_VCPU`` itself lives in ``helpers/aws_facts.py``), so a handler that watches its
remaining time stops before the platform stops it. It assumes one laptop core is worth one Lambda vCPU; the raw
measured time is kept next to the modelled one (``measured_ms``) so notebooks can show both.
"""

from __future__ import annotations

import math

from helpers.aws_facts import MB_PER_VCPU


def cpu_share(memory_mb: int) -> float:
    """Fraction of one vCPU a function of this memory size gets (capped at 1.0 for single-threaded code)."""
    return min(memory_mb / MB_PER_VCPU, 1.0)


def modelled_duration_ms(measured_ms: float, cpu_ms: float, memory_mb: int) -> float:
    """The Duration AWS would report for an invocation measured here (see the module docstring)."""
    cpu_ms = min(max(cpu_ms, 0.0), measured_ms)
    return measured_ms + cpu_ms * (1.0 / cpu_share(memory_mb) - 1.0)


def billed_duration_ms(duration_ms: float, init_ms: float | None) -> int:
    """Billed Duration: rounded up to 1 ms; includes init for on-demand functions (billed since 1 August 2025).

    Computed from the figures as REPORT prints them (two decimals), in exact hundredths, so that Billed Duration
    always equals ceil(Duration + Init Duration) of the printed numbers."""
    hundredths = round(duration_ms * 100) + round((init_ms or 0.0) * 100)
    return max(1, -(-hundredths // 100))


def mib(byte_count: int) -> int:
    """Bytes as whole MiB, rounded up, as REPORT prints Max Memory Used."""
    return math.ceil(byte_count / (1024 * 1024))


def billed_restore_duration_ms(runtime_ms: float) -> int:
    """Billed Restore Duration (SnapStart): the time the runtime took to load and run its after-restore hooks, rounded
    up to 1 ms. AWS bills it as duration, at the function's memory size; restoring the snapshot itself (the rest of
    Restore Duration) is billed per GB restored instead (``../shared/reference/lambda-facts.md`` §3), which no REPORT
    line shows."""
    return max(1, math.ceil(round(runtime_ms * 100) / 100))
