"""Checks for notebooks/00_welcome.ipynb."""

from __future__ import annotations

import math
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
    texts = [name for name, value in answers.items() if isinstance(value, str)]
    if texts:
        return wrong(f"give numbers, not text: {texts[0]} = 900 rather than \"900\".")
    expected = {"max_timeout_seconds": 900, "max_memory_mb": 10_240, "default_concurrency": 1_000}
    hints = {"max_timeout_seconds": "the longest timeout is 15 minutes: how many seconds is that?",
             "max_memory_mb": "memory goes from 128 MB up to 10,240 MB.",
             "default_concurrency": "look at the Concurrency row of the table: the default per Region."}
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
    if without.function_error:
        return wrong(f"for an event without a name, your handler raised {without.error_type}: "
                     f"{(without.payload or {}).get('errorMessage')}. Look the name up in a way that has a default.")
    if without.payload != {"greeting": "Hi, stranger!"}:
        return wrong(f'for an event without a name it returned {without.payload!r}; expected '
                     '{"greeting": "Hi, stranger!"}.')
    return correct("Your function runs in its own execution environment, just as on AWS.")


@never_raises
def check_billed_duration(billed: Any, function_name: str = "hello") -> bool:
    """Exercise 3: a function ``billed(duration_ms, init_duration_ms)`` that computes a REPORT's Billed Duration,
    checked against every REPORT line the function has written (cold and warm)."""
    if unanswered(billed) or not callable(billed):
        return not_yet("define billed(duration_ms, init_duration_ms) and pass the function itself: "
                       "check_billed_duration(billed).")
    reports = _reports(function_name)
    if not any(report.init_duration_ms is not None for report in reports):
        return wrong(f"no cold-start REPORT line of {function_name!r} to compare with: run section 5 first.")
    for report in [*reports, *_TRICKY_REPORTS]:
        kind = "cold" if report.init_duration_ms is not None else "warm"
        try:
            answer = billed(report.duration_ms, report.init_duration_ms)
        except Exception as exc:  # noqa: BLE001 - the learner's function failed: say where
            if report.init_duration_ms is None:
                return wrong(f"on a warm start init_duration_ms is None, and your function raised "
                             f"{type(exc).__name__}: {exc}. There is no init to bill then.")
            return wrong(f"your function raised {type(exc).__name__}: {exc}")
        if answer is None:
            return not_yet("your billed function returns None: replace the ... with a return statement.")
        if answer == report.billed_duration_ms:
            continue
        if report.init_duration_ms is not None and answer == math.ceil(report.duration_ms):
            return wrong("on a cold start the init phase is billed too (since 1 August 2025).")
        if isinstance(answer, float) and not answer.is_integer():
            return wrong(f"Billed Duration is a whole number of milliseconds; you gave {answer} for a {kind} start. "
                         "Which way does AWS round?")
        return wrong(f"for a {kind} start with Duration {report.duration_ms} ms"
                     + (f" and Init Duration {report.init_duration_ms} ms" if report.init_duration_ms else "")
                     + f", your function gives {answer!r}; the REPORT line says {report.billed_duration_ms}.")
    return correct(f"Checked against {len(reports)} REPORT lines of {function_name} and {len(_TRICKY_REPORTS)} "
                   "made-up ones: Duration plus Init Duration, rounded up to the next millisecond.")


def _tricky(duration_ms: float, init_ms: float | None) -> Any:
    from helpers.runtime.log_lines import Report

    billed = math.ceil(duration_ms + (init_ms or 0.0))
    return Report("made-up", duration_ms, billed, 128, 20, init_ms)


# Figures where plausible wrong formulas differ from AWS's (rounding each part, rounding to nearest, +1).
_TRICKY_REPORTS = [_tricky(3.00, None), _tricky(2.30, 1.30), _tricky(2.20, 1.10), _tricky(0.40, None)]


def _reports(function_name: str) -> list:
    """The REPORT lines of the function's log, parsed, oldest first."""
    from helpers.observe import log_lines
    from helpers.runtime.log_lines import parse_report

    return [report for report in map(parse_report, log_lines(function_name, "REPORT ")) if report is not None]
