"""The platform's log lines (helpers/runtime/log_lines.py), in the exact text format Lambda writes.

Formats: ../shared/reference/runtime-fidelity-and-emulators.md §2.3-2.4 (AWS-recorded lines).
"""

from __future__ import annotations

import re

import pytest

from helpers.runtime import log_lines
from helpers.runtime.log_lines import Report, parse_report

REQUEST_ID = "3893a7b1-7fac-4485-b47b-b75b671a283c"


def test_start_line():
    assert log_lines.start(REQUEST_ID, "$LATEST") == f"START RequestId: {REQUEST_ID} Version: $LATEST"


def test_end_line():
    assert log_lines.end(REQUEST_ID) == f"END RequestId: {REQUEST_ID}"


def test_init_start_line_has_runtime_version_and_arn_separated_by_a_tab():
    line = log_lines.init_start("python:3.12.v11", "eu-west-1")
    assert re.fullmatch(r"INIT_START Runtime Version: python:3\.12\.v11\t"
                        r"Runtime Version ARN: arn:aws:lambda:eu-west-1::runtime:[0-9a-f]{64}", line)


def test_init_start_arn_is_stable_for_a_runtime_version():
    assert log_lines.init_start("python:3.12.v11", "us-east-1") == log_lines.init_start("python:3.12.v11", "us-east-1")
    assert log_lines.init_start("python:3.12.v11", "us-east-1") != log_lines.init_start("python:3.13.v1", "us-east-1")


def test_init_report_line_for_an_init_error():
    assert log_lines.init_report(1670.77, "init", "error", "Runtime.Unknown") == (
        "INIT_REPORT Init Duration: 1670.77 ms\tPhase: init\tStatus: error\tError Type: Runtime.Unknown")


def test_init_report_line_for_an_init_timeout_has_no_error_type():
    assert log_lines.init_report(9999.79, "init", "timeout", None) == (
        "INIT_REPORT Init Duration: 9999.79 ms\tPhase: init\tStatus: timeout")


def test_report_line_warm_ends_with_a_tab():
    assert log_lines.report(REQUEST_ID, 3.01, 4, 128, 36) == (
        f"REPORT RequestId: {REQUEST_ID}\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 36 MB\t")


def test_report_line_cold_has_init_duration_after_max_memory_used():
    assert log_lines.report(REQUEST_ID, 3.01, 4, 128, 36, init_ms=110.1) == (
        f"REPORT RequestId: {REQUEST_ID}\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 36 MB\tInit Duration: 110.10 ms\t")


def test_report_line_with_status_only():
    assert log_lines.report(REQUEST_ID, 180000, 180000, 1280, 1201, status="timeout") == (
        f"REPORT RequestId: {REQUEST_ID}\tDuration: 180000.00 ms\tBilled Duration: 180000 ms\tMemory Size: 1280 MB\t"
        "Max Memory Used: 1201 MB\tStatus: timeout\t")


def test_report_line_puts_status_and_error_type_last():
    line = log_lines.report(REQUEST_ID, 31000, 33190, 1024, 1023, init_ms=2189.8, status="error",
                            error_type="Runtime.OutOfMemory")
    assert line.split("\t") == [f"REPORT RequestId: {REQUEST_ID}", "Duration: 31000.00 ms", "Billed Duration: 33190 ms",
                                "Memory Size: 1024 MB", "Max Memory Used: 1023 MB", "Init Duration: 2189.80 ms",
                                "Status: error", "Error Type: Runtime.OutOfMemory", ""]


@pytest.mark.parametrize("report", [
    Report(REQUEST_ID, 3.01, 4, 128, 36),
    Report(REQUEST_ID, 3.01, 114, 128, 36, init_duration_ms=110.1),
    Report(REQUEST_ID, 1000.0, 1000, 128, 40, status="timeout"),
    Report(REQUEST_ID, 31000.0, 33190, 1024, 1023, init_duration_ms=2189.8, status="error",
           error_type="Runtime.OutOfMemory"),
    Report(REQUEST_ID, 0.0, 1, 10240, 0, init_duration_ms=0.0),
], ids=["warm", "cold", "timeout", "cold-oom", "zeros"])
def test_parse_report_round_trips_every_field(report):
    line = log_lines.report(report.request_id, report.duration_ms, report.billed_duration_ms, report.memory_size_mb,
                            report.max_memory_used_mb, init_ms=report.init_duration_ms, status=report.status,
                            error_type=report.error_type)
    assert parse_report(line) == report


def test_parse_report_reads_an_aws_recorded_line():
    line = (f"REPORT RequestId: {REQUEST_ID}\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\t"
            "Max Memory Used: 36 MB\tInit Duration: 110.10 ms\t\n")
    report = parse_report(line)
    assert report == Report(REQUEST_ID, 3.01, 4, 128, 36, init_duration_ms=110.1)
    assert report.cold_start


def test_warm_report_is_not_a_cold_start():
    assert not parse_report(log_lines.report(REQUEST_ID, 3.01, 4, 128, 36)).cold_start


@pytest.mark.parametrize("line", [
    f"START RequestId: {REQUEST_ID} Version: $LATEST",
    f"END RequestId: {REQUEST_ID}",
    "INIT_REPORT Init Duration: 1670.77 ms\tPhase: init\tStatus: error",
    "INIT_START Runtime Version: python:3.12.v11\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:ab",
    f"[INFO]\t2026-01-01T00:00:00.000Z\t{REQUEST_ID}\tREPORT RequestId: x",
    f" REPORT RequestId: {REQUEST_ID}\tDuration: 1.00 ms",
    "",
])
def test_parse_report_returns_none_for_other_lines(line):
    assert parse_report(line) is None


def test_init_start_names_the_program_that_runs_the_code():
    import sys

    from helpers.runtime.launch import runtime_version_string

    assert runtime_version_string("python3.12") == f"python:{sys.version_info.major}.{sys.version_info.minor}" \
                                                   f".v{sys.version_info.micro}"
    assert runtime_version_string("provided.al2023") == "provided:al2023.v0"
    assert runtime_version_string("provided.al2") == "provided:al2.v0"


# --------------------------------------------------------------------------- SnapStart


def test_restore_lines_as_aws_writes_them():
    start = log_lines.restore_start("python:3.12.v11", "us-east-1")
    assert start == "RESTORE_START" + log_lines.init_start("python:3.12.v11", "us-east-1")[len("INIT_START"):]
    assert start.startswith("RESTORE_START Runtime Version: python:3.12.v11\tRuntime Version ARN: arn:aws:lambda:")
    assert log_lines.restore_report(562.434) == "RESTORE_REPORT Restore Duration: 562.43 ms"
    assert log_lines.restore_report(10000.4, "timeout") == "RESTORE_REPORT Restore Duration: 10000.40 ms\tStatus: timeout"
    assert log_lines.restore_report(12, "error", "Runtime.AfterRestoreError") == (
        "RESTORE_REPORT Restore Duration: 12.00 ms\tStatus: error\tError Type: Runtime.AfterRestoreError")


def test_a_restored_environments_first_report():
    report = Report(REQUEST_ID, 2.49, 3, 128, 80).with_restore(562.434, 118)
    line = log_lines.report_line(report)
    assert line.split("\t") == [f"REPORT RequestId: {REQUEST_ID}", "Duration: 2.49 ms", "Billed Duration: 3 ms",
                                "Memory Size: 128 MB", "Max Memory Used: 80 MB", "Restore Duration: 562.43 ms",
                                "Billed Restore Duration: 118 ms", ""]
    parsed = parse_report(line)
    assert parsed == report and parsed.cold_start and parsed.init_duration_ms is None
    assert parsed.billed_duration_ms == 3  # the restore is billed on its own line


def test_billed_restore_duration_rounds_up_to_a_millisecond():
    from helpers.runtime import metering

    assert metering.billed_restore_duration_ms(117.02) == 118
    assert metering.billed_restore_duration_ms(118.0) == 118
    assert metering.billed_restore_duration_ms(0.2) == 1
