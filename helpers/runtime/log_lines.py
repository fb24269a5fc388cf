"""The platform's log lines, in the text format Lambda writes to CloudWatch Logs, and a parser for REPORT.

Formats (tab-separated fields; see ../shared/reference/runtime-fidelity-and-emulators.md §2.4):

    INIT_START Runtime Version: python:3.12.v11\tRuntime Version ARN: arn:aws:lambda:<region>::runtime:<64 hex>
    START RequestId: <id> Version: $LATEST
    END RequestId: <id>
    REPORT RequestId: <id>\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\t
           [Init Duration: 110.10 ms\t][Status: timeout|error\t][Error Type: Runtime.ExitError\t]

SnapStart (AWS's "Monitoring for Lambda SnapStart"): a restored environment starts with RESTORE_START and
RESTORE_REPORT in place of INIT_START, and its first REPORT has no Init Duration but

    ...\tRestore Duration: 562.43 ms\tBilled Restore Duration: 118 ms\t
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from .metering import billed_duration_ms


def init_start(runtime_version: str, region: str) -> str:
    """The first line of every new execution environment."""
    digest = hashlib.sha256(runtime_version.encode()).hexdigest()
    return f"INIT_START Runtime Version: {runtime_version}\tRuntime Version ARN: arn:aws:lambda:{region}::runtime:{digest}"


def restore_start(runtime_version: str, region: str) -> str:
    """The first line of an environment restored from a SnapStart snapshot."""
    return "RESTORE_START" + init_start(runtime_version, region)[len("INIT_START"):]


def restore_report(restore_ms: float, status: str | None = None, error_type: str | None = None) -> str:
    """The end of the restore phase: its duration, and on a failure its status (error, timeout) and error type."""
    line = f"RESTORE_REPORT Restore Duration: {restore_ms:.2f} ms"
    if status:
        line += f"\tStatus: {status}"
    return line + (f"\tError Type: {error_type}" if error_type else "")


def start(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end(request_id: str) -> str:
    return f"END RequestId: {request_id}"


def init_report(init_ms: float, phase: str | None = None, status: str | None = None,
                error_type: str | None = None) -> str:
    """Written when the init phase fails, and after every init ahead of a request (provisioned concurrency,
    SnapStart); a successful on-demand init writes none."""
    line = f"INIT_REPORT Init Duration: {init_ms:.2f} ms"
    if phase:
        line += f"\tPhase: {phase}"
    if status:
        line += f"\tStatus: {status}"
    return line + (f"\tError Type: {error_type}" if error_type else "")


def report(request_id: str, duration_ms: float, billed_ms: int, memory_mb: int, max_used_mb: int,
           init_ms: float | None = None, status: str | None = None, error_type: str | None = None,
           restore_ms: float | None = None, billed_restore_ms: int | None = None) -> str:
    """The REPORT line; Init Duration only on cold starts (Restore Duration and Billed Restore Duration on the first
    invocation of a restored environment), Status and Error Type only on failures."""
    fields = [f"REPORT RequestId: {request_id}", f"Duration: {duration_ms:.2f} ms", f"Billed Duration: {billed_ms} ms",
              f"Memory Size: {memory_mb} MB", f"Max Memory Used: {max_used_mb} MB"]
    if init_ms is not None:
        fields.append(f"Init Duration: {init_ms:.2f} ms")
    if restore_ms is not None:
        fields.append(f"Restore Duration: {restore_ms:.2f} ms")
        fields.append(f"Billed Restore Duration: {billed_restore_ms or 0} ms")
    if status:
        fields.append(f"Status: {status}")
    if error_type:
        fields.append(f"Error Type: {error_type}")
    return "\t".join(fields) + "\t"


@dataclass(frozen=True)
class Report:
    """The figures of one REPORT line, as numbers."""

    request_id: str
    duration_ms: float
    billed_duration_ms: int
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None
    status: str | None = None
    error_type: str | None = None
    restore_duration_ms: float | None = None  # SnapStart: the first invocation of a restored environment
    billed_restore_duration_ms: int | None = None

    @property
    def cold_start(self) -> bool:
        return self.init_duration_ms is not None or self.restore_duration_ms is not None

    def with_init(self, init_ms: float) -> Report:
        """The same invocation after an on-demand init: Init Duration added, and billed (since August 2025)."""
        return Report(self.request_id, self.duration_ms, billed_duration_ms(self.duration_ms, init_ms),
                      self.memory_size_mb, self.max_memory_used_mb, round(init_ms, 2), self.status, self.error_type)

    def with_restore(self, restore_ms: float, billed_restore_ms: int) -> Report:
        """The same invocation as the first of a restored (SnapStart) environment: no Init Duration (the init ran
        when the version was published), Restore Duration and Billed Restore Duration added. Billed Duration stays
        the invoke phase's own: the restore is billed on its own line (``metering.billed_restore_ms``)."""
        return replace(self, restore_duration_ms=round(restore_ms, 2), billed_restore_duration_ms=billed_restore_ms)


def report_line(figures: Report) -> str:
    """The REPORT line of these figures."""
    return report(figures.request_id, figures.duration_ms, figures.billed_duration_ms, figures.memory_size_mb,
                  figures.max_memory_used_mb, figures.init_duration_ms, figures.status, figures.error_type,
                  figures.restore_duration_ms, figures.billed_restore_duration_ms)


_FIELD = re.compile(r"([A-Za-z ]+): ([^\t]+)")


def parse_report(line: str) -> Report | None:
    """Read a REPORT line into a Report; None if the line is not one."""
    if not line.startswith("REPORT RequestId: "):
        return None
    fields = {name.strip(): value.strip() for name, value in _FIELD.findall(line)}

    def number(name: str) -> float | None:
        value = fields.get(name)
        return float(value.split()[0]) if value else None

    return Report(
        request_id=fields.get("REPORT RequestId", ""),
        duration_ms=number("Duration") or 0.0,
        billed_duration_ms=int(number("Billed Duration") or 0),
        memory_size_mb=int(number("Memory Size") or 0),
        max_memory_used_mb=int(number("Max Memory Used") or 0),
        init_duration_ms=number("Init Duration"),
        status=fields.get("Status"),
        error_type=fields.get("Error Type"),
        restore_duration_ms=number("Restore Duration"),
        billed_restore_duration_ms=None if number("Billed Restore Duration") is None
        else int(number("Billed Restore Duration") or 0),
    )
