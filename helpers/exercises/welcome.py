"""Checks for notebooks/00_welcome.ipynb."""

from __future__ import annotations

from typing import Any

from .feedback import correct, invoke_learner_function, never_raises, not_yet, unanswered, wrong


@never_raises
def check_limits(max_timeout_seconds: Any, max_memory_mb: Any, default_concurrency: Any) -> bool:
    """Exercise 1: three quotas from the limits table (as of 2026-11)."""
    answers = {"max_timeout_seconds": max_timeout_seconds, "max_memory_mb": max_memory_mb,
               "default_concurrency": default_concurrency}
    missing = [name for name, value in answers.items() if unanswered(value)]
    if len(missing) == len(answers):
        return not_yet("replace each ... with a number from the limits table.")
    expected = {"max_timeout_seconds": 900, "max_memory_mb": 10_240, "default_concurrency": 1_000}
    hints = {"max_timeout_seconds": "the longest timeout is 15 minutes: how many seconds is that?",
             "max_memory_mb": "memory goes from 128 MB up to 10,240 MB.",
             "default_concurrency": "a new Region's default account quota, in concurrent executions."}
    problems = [f"{name}: {hints[name]}" for name in expected if name not in missing and answers[name] != expected[name]]
    if problems:
        return wrong(" ".join(problems))
    if missing:
        return not_yet(f"{', '.join(missing)} still to answer (the others are right).")
    return correct("15 minutes, 10,240 MB and 1,000 concurrent executions per Region by default.")


@never_raises
def check_greeter(function_name: str = "greeter") -> bool:
    """Exercise 2: a function that answers {"greeting": "Hi, <name>!"}, and "Hi, stranger!" without a name."""
    with_name = invoke_learner_function(function_name, {"name": "Ada"})
    if with_name is None:
        return not_yet(f"there is no function named {function_name!r} yet: deploy it with create_function.")
    if with_name.function_error:
        return wrong(f"invoking it failed with {with_name.error_type}: "
                     f"{(with_name.payload or {}).get('errorMessage')}. Read the error, fix the code, and deploy "
                     "again with update_function_code.")
    if with_name.payload is None:
        return not_yet("your handler returns None: replace the ... in its body with a return statement.")
    if with_name.payload != {"greeting": "Hi, Ada!"}:
        return wrong(f'for {{"name": "Ada"}} it returned {with_name.payload!r}; expected {{"greeting": "Hi, Ada!"}}.')
    without = invoke_learner_function(function_name, {})
    if without.function_error or without.payload != {"greeting": "Hi, stranger!"}:
        return wrong(f"for an empty event it returned {without.payload!r}; expected {{\"greeting\": \"Hi, "
                     "stranger!\"}}. Hint: event.get(\"name\", \"stranger\").")
    return correct("Your function runs in its own execution environment, just as on AWS.")


@never_raises
def check_report_reading(function_name: Any, init_duration_ms: Any, billed_duration_ms: Any) -> bool:
    """Exercise 3: read Init Duration and Billed Duration off the first REPORT line of a function's log."""
    if unanswered(function_name) or unanswered(init_duration_ms) or unanswered(billed_duration_ms):
        return not_yet("fill in the function's name and the two numbers from its first REPORT line.")
    report = _first_cold_report(str(function_name))
    if report is None:
        return wrong(f"no cold-start REPORT line found for {function_name!r}: invoke it first, then read the log.")
    try:
        init, billed = float(init_duration_ms), float(billed_duration_ms)
    except (TypeError, ValueError):
        return wrong("give the numbers as numbers, e.g. 41.5, without 'ms'.")
    if abs(init - report.init_duration_ms) > 0.01:
        return wrong(f"Init Duration in that line is {report.init_duration_ms} ms, not {init}. It is the field "
                     "that appears only on a cold start.")
    if abs(billed - report.billed_duration_ms) > 0.5:
        return wrong(f"Billed Duration there is {report.billed_duration_ms} ms, not {billed}.")
    return correct(f"Billed = Duration + Init, rounded up to the next ms: {report.duration_ms} + "
                   f"{report.init_duration_ms} -> {report.billed_duration_ms} ms (AWS bills init since "
                   "1 August 2025).")


def _first_cold_report(function_name: str):
    import boto3

    from helpers.runtime.log_lines import parse_report

    logs = boto3.client("logs")
    group = f"/aws/lambda/{function_name}"
    try:
        streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    except logs.exceptions.ResourceNotFoundException:
        return None
    for stream in sorted(streams, key=lambda item: item.get("firstEventTimestamp", 0)):
        events = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"],
                                     startFromHead=True)["events"]
        for event in events:
            report = parse_report(event["message"])
            if report is not None and report.init_duration_ms is not None:
                return report
    return None
