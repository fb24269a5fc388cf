"""Checks for notebooks/10_memory_and_cost.ipynb.

Exercise 1 is worked out with the same CPU model and power-tuning rules the notebook uses; exercise 2 with the
pricing module; exercise 3 is a table of statements; exercise 4 runs the learner's memory choice for real (and the
next smaller size, to see that it is the smallest that works).
"""

from __future__ import annotations

import math
from typing import Any

from .feedback import (
    check_role_arn,
    correct,
    mark_table,
    never_raises,
    not_yet,
    require_table,
    settle,
    unanswered,
    wrong,
)

# ---------------------------------------------------------------------------------------------------- exercise 1

EXERCISE_SIZES = (128, 512, 1024, 1769, 3008)
EXERCISE_CPU_MS, EXERCISE_WAIT_MS = 400.0, 50.0


def exercise_tuning() -> dict[str, int]:
    """What each strategy picks for exercise 1's function (400 ms of CPU on a full vCPU, 50 ms of waiting)."""
    from helpers.simulate import memory_model, power_tuning

    calibration = memory_model.Calibration(EXERCISE_CPU_MS, EXERCISE_WAIT_MS)
    base = power_tuning.base_cost_per_ms()
    stats = []
    for memory in EXERCISE_SIZES:
        duration = memory_model.duration_ms(calibration, memory)
        price = power_tuning.invocation_cost(duration, memory, base)
        stats.append(power_tuning.PowerStats(memory, duration, price, price, 1))
    return {strategy: power_tuning.choose(stats, strategy).power for strategy in power_tuning.STRATEGIES}


STRATEGY_HINTS = {
    "cost": ("The CPU part costs the same at every size up to 1,769 MB (Duration shrinks as memory grows), but the "
             "50 ms of waiting are paid per GB-second too: the more memory, the more they cost."),
    "speed": ("One thread cannot use more than one vCPU: from 1,769 MB on, Duration stops shrinking, and on a tie the "
              "tool picks the cheaper size."),
    "balanced": ("Compute weight x cost / max cost + (1 - weight) x duration / max duration for each size with "
                 "weight 0.5, and take the smallest."),
}


def _memory(value: Any) -> int | None:
    try:
        number = float(str(value).lower().replace("mb", "").replace(",", "").strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


@never_raises
def check_strategy_picks(answers: Any) -> bool:
    """Exercise 1: the memory size each strategy picks, as a number of MB."""
    expected = exercise_tuning()
    require_table(answers, expected, "strategies", "replace each ... with a memory size in MB, e.g. 512.")
    marked = mark_table(answers, expected, _memory)
    problems = marked.problems(
        lambda row: f"{row}: write a memory size in MB, e.g. 512 (not {answers[row]!r}).",
        lambda row, given: f"{row}: not {given} MB. {STRATEGY_HINTS[row]}")
    return settle(problems, marked.still_open,
                  f"cost -> {expected['cost']} MB, speed -> {expected['speed']} MB, balanced -> "
                  f"{expected['balanced']} MB: at 1,769 MB the function is about 12 x faster than at 128 MB for about "
                  "12 % more money per invocation, which is the trade the balanced strategy weighs.")


# ---------------------------------------------------------------------------------------------------- exercise 2

BILL_WORKLOAD = dict(requests=5_000_000, duration_ms=120.0, memory_mb=1024, architecture="arm64",
                     cold_start_share=0.02, init_ms=400.0, free_tier=True)


def exercise_bills() -> dict[str, float]:
    """Exercise 2's bill, and the bills of the usual slips (x86's price, INIT left out, the free tier or the
    request fee left out or taken half)."""
    from helpers import aws_facts
    from helpers.simulate.monthly_bill import Workload, bill

    right = bill(Workload(**BILL_WORKLOAD))
    no_free = bill(Workload(**{**BILL_WORKLOAD, "free_tier": False}))
    free_requests_usd = aws_facts.FREE_TIER_REQUESTS * aws_facts.PRICE_PER_REQUEST
    return {
        "right": right.total_usd,
        "no request fee": right.total_usd - right.requests_usd,
        "free tier on duration only": right.total_usd + free_requests_usd,
        "free tier on requests only": no_free.total_usd - free_requests_usd,
        "x86": bill(Workload(**{**BILL_WORKLOAD, "architecture": "x86_64"})).total_usd,
        "no INIT": bill(Workload(**{**BILL_WORKLOAD, "init_billed": False})).total_usd,
        "no free tier": bill(Workload(**{**BILL_WORKLOAD, "free_tier": False})).total_usd,
        "no INIT, no free tier": bill(Workload(**{**BILL_WORKLOAD, "init_billed": False,
                                                  "free_tier": False})).total_usd,
    }


BILL_HINTS = {
    "x86": "that is the x86 price: this function runs on Arm (arm64), $0.0000133334 per GB-second.",
    "no INIT": ("the cold starts' Init Duration is billed too (since 1 August 2025, for on-demand zip functions): "
                "100,000 cold starts x 400 ms more."),
    "no free tier": "the free tier takes 1 million requests and 400,000 GB-seconds off the month.",
    "no INIT, no free tier": "two things are missing: INIT's billed time and the free tier.",
    "no request fee": "that is the duration alone: add the requests, $0.20 per million after the free tier's first "
                      "million.",
    "free tier on duration only": "the free tier also takes the first million requests off: 4 million billable, "
                                  "not 5.",
    "free tier on requests only": "the free tier also takes 400,000 GB-seconds off the duration.",
}


@never_raises
def check_monthly_bill(answer: Any) -> bool:
    """Exercise 2: the month's bill in dollars (within 1 %)."""
    if unanswered(answer):
        return not_yet("replace ... with the bill in dollars, e.g. 12.34.")
    try:
        usd = float(str(answer).replace("$", "").replace(",", "").strip())
    except ValueError:
        return wrong(f"write the bill as a number of dollars, e.g. 12.34 (not {answer!r}).")
    bills = exercise_bills()
    if math.isclose(usd, bills["right"], rel_tol=0.01):
        return correct(f"${bills['right']:.2f}: 640,000 GB-seconds (4.9 M x 120 ms + 100,000 x 520 ms at 1 GB), "
                       "400,000 of them free, the rest at Arm's $0.0000133334; 4 M billable requests at $0.20 per "
                       "million.")
    for slip, usd_slip in bills.items():
        if slip != "right" and math.isclose(usd, usd_slip, rel_tol=0.01):
            return wrong(BILL_HINTS[slip])
    return wrong("work it out line by line: GB-seconds = (warm invocations x 120 ms + cold ones x (120 + 400) ms) x "
                 "1 GB; take the free tier off; price the rest at Arm's rate; add the billable requests at $0.20 "
                 "per million.")


# ---------------------------------------------------------------------------------------------------- exercise 3

IO_STATEMENTS = {
    "At 3,008 MB the downstream service answers sooner than at 128 MB.": False,
    "At 128 MB the REPORT Duration is a little longer, because the handler's own CPU work (the HTTP client, JSON) "
    "gets 7 % of a vCPU.": True,
    "Its cost per invocation grows about in proportion to memory.": True,
    "The power tuner's cost strategy picks the smallest size measured.": True,
    "At 1,769 MB one execution environment serves twice as many requests at once as at 128 MB.": False,
}
IO_HINTS = {
    False: {
        "At 3,008 MB the downstream service answers sooner than at 128 MB.":
            "the service runs elsewhere, on its own CPU: the function's memory does not reach it.",
        "At 1,769 MB one execution environment serves twice as many requests at once as at 128 MB.":
            "an execution environment serves one request at a time, whatever its memory: more at once means more "
            "environments (notebook 09).",
    },
    True: {
        "At 128 MB the REPORT Duration is a little longer, because the handler's own CPU work (the HTTP client, "
        "JSON) gets 7 % of a vCPU.": "look at the CPU column in section 2: about a millisecond on a full core, "
                                     "13.8 times that at 128 MB.",
        "Its cost per invocation grows about in proportion to memory.":
            "Duration hardly changes, and the price per millisecond is proportional to memory.",
        "The power tuner's cost strategy picks the smallest size measured.":
            "the same wait at a smaller size costs less (as long as the function fits in it).",
    },
}


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "false": False}.get(text)


@never_raises
def check_io_bound(answers: Any) -> bool:
    """Exercise 3: True or False for each statement about the I/O-bound function."""
    require_table(answers, IO_STATEMENTS, "statements", "replace each ... with True or False.")
    marked = mark_table(answers, IO_STATEMENTS, _boolean)
    problems = marked.problems(lambda row: f"answer True or False (not {answers[row]!r}) for: {row}",
                               lambda row, given: f"{row} It is {not given}: {IO_HINTS[not given][row]}")
    return settle(problems, marked.still_open,
                  "An I/O-bound function waits at the same speed at any size: buy the memory it needs to fit, "
                  "not CPU it does not use.")


# ---------------------------------------------------------------------------------------------------- exercise 4

HUNGRY_SIZES = (128, 256, 512, 1024)
HUNGRY_PAYLOAD = {"megabytes": 200}


def _run_hungry(memory_mb: int) -> tuple[bool, int]:
    """memory_hungry.py at ``memory_mb`` with 200 MB, for real: (ran without error, Max Memory Used)."""
    import boto3

    from helpers.deploy.functions import deploy_function
    from helpers.deploy.packaging import package_handler
    from helpers.lambda_invoke import invoke

    name = f"hungry-check-{memory_mb}"
    deploy_function(name, "memory_hungry.handler", package_handler("memory_hungry"), role_arn=check_role_arn(),
                    MemorySize=memory_mb, Timeout=30)
    try:
        result = invoke(name, HUNGRY_PAYLOAD)
    finally:
        boto3.client("lambda").delete_function(FunctionName=name)
    used = result.report.max_memory_used_mb if result.report is not None else 0
    return result.ok, used


@never_raises
def check_memory_for_200_mb(memory_mb: Any) -> bool:
    """Exercise 4: the smallest of 128, 256, 512 and 1,024 MB at which memory_hungry.py holds 200 MB. The check
    runs it there for real, and at the next smaller size."""
    if unanswered(memory_mb):
        return not_yet(f"replace ... with one of {', '.join(map(str, HUNGRY_SIZES))}.")
    size = _memory(memory_mb)
    if size not in HUNGRY_SIZES:
        return wrong(f"choose one of {', '.join(map(str, HUNGRY_SIZES))} (MB), not {memory_mb!r}.")
    ran, used = _run_hungry(size)
    if not ran:
        return wrong(f"at {size} MB it failed (Max Memory Used {used} MB: the limit): 200 MB of data plus the "
                     "Python runtime itself need more.")
    smaller = [other for other in HUNGRY_SIZES if other < size]
    if smaller:
        ran_smaller, used_smaller = _run_hungry(smaller[-1])
        if ran_smaller:
            return wrong(f"it runs at {size} MB (Max Memory Used {used} MB), but also at {smaller[-1]} MB "
                         f"(Max Memory Used {used_smaller} MB): a smaller size is enough.")
    return correct(f"{size} MB, run for real: Max Memory Used {used} MB, and the next smaller size runs out of "
                   "memory. On AWS, leave some headroom above Max Memory Used, and remember that memory is CPU "
                   "too: right-size with a power tuning, then check the peak fits.")
