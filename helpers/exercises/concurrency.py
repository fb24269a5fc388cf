"""Checks for notebooks/09_concurrency_and_scaling.ipynb.

Exercise 1 is Little's law by hand. Exercise 2 plays a noisy neighbour out for real against the learner's
reservation and looks only at what the quiet function's callers met. Exercise 3 asks what the scaling explorer
shows; the expected answers are computed by the same scale model the explorer draws, not written down here.
"""

from __future__ import annotations

import threading
from typing import Any

from helpers import aws_facts

from .feedback import correct, mark_table, never_raises, not_yet, require_table, settle, wrong

# ---------------------------------------------------------------------------------------------------- exercise 1

WORKLOADS = {  # workload -> (requests per second, seconds per request)
    "an API: 300 requests/s, 120 ms each": (300, 0.120),
    "thumbnails: 40 uploads/s, 2.5 s each": (40, 2.5),
    "a partner's batch: 1,200 requests/s, 0.9 s each": (1200, 0.9),
}


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@never_raises
def check_concurrency_needed(answers: Any) -> bool:
    """Exercise 1: the concurrent executions each workload keeps busy (a number each)."""
    from helpers.simulate.littles_law import concurrency_needed

    expected = {name: concurrency_needed(*figures) for name, figures in WORKLOADS.items()}
    require_table(answers, expected, "workloads", "replace each ... with a number of concurrent executions.")
    marked = mark_table(answers, {name: True for name in expected},
                        lambda value: None if _number(value) is None else True)
    close = {name: abs(_number(answers[name]) - expected[name]) <= 0.01 * expected[name]  # type: ignore[operator]
             for name in marked.given}
    problems = [f"{name}: {answers[name]!r} is not a number." for name in marked.unreadable]
    problems += [f"{name}: rate x duration, in seconds ({WORKLOADS[name][0]} x {WORKLOADS[name][1]:g})."
                 for name, ok in close.items() if not ok]
    over = [name for name, need in expected.items() if need > aws_facts.ACCOUNT_CONCURRENCY]
    return settle(problems, marked.still_open,
                  f"36, 100 and 1,080. The last is more than AWS's default quota of 1,000 on its own ({over[0]}): "
                  "it needs a quota increase, or shorter requests.")


# ---------------------------------------------------------------------------------------------------- exercise 2

NOISY_BURST, NOISY_SECONDS, QUIET_CALLS = 20, 1.5, 2


@never_raises
def check_noisy_neighbour(quiet: str = "payments", noisy: str = "batch-export") -> bool:
    """Exercise 2: ``quiet`` keeps serving two callers at once while ``noisy`` fires a burst of 20. The check plays
    the burst for real (a few seconds) and looks at what the quiet function's callers met."""
    import boto3

    from helpers.observe.load import OK, fire, tally, wait_until_in_flight

    client = boto3.client("lambda")
    try:
        reserved = client.get_function_concurrency(FunctionName=quiet).get("ReservedConcurrentExecutions")
        client.get_function(FunctionName=noisy)
    except client.exceptions.ResourceNotFoundException:
        return not_yet(f"deploy {quiet!r} and {noisy!r} first: run the cell above the exercise.")
    if reserved is None:
        return not_yet(f"{quiet} has no reserved concurrency yet: set PAYMENTS_RESERVATION and run the cell.")
    if reserved == 0:
        return wrong(f"a reservation of 0 turns {quiet} off: every call is refused, noisy neighbour or not.")
    met: dict[str, dict[str, int]] = {}
    burst = threading.Thread(target=lambda: met.update(noisy=tally(fire(noisy, [0.0] * NOISY_BURST,
                                                                        {"seconds": NOISY_SECONDS}))))
    burst.start()
    wait_until_in_flight(client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"])
    met["quiet"] = tally(fire(quiet, [0.0] * QUIET_CALLS, {"seconds": 0.1}))
    burst.join(30)
    print(f"   during the burst: {quiet} callers met {met['quiet']}; {noisy} callers met {met.get('noisy')}")
    refused = {reason: count for reason, count in met["quiet"].items() if reason != OK}
    if refused:
        reason = next(iter(refused))
        why = ("its reservation was full: two callers at once need at least 2" if reason == aws_facts.THROTTLE_RESERVED
               else "it still shares the unreserved pool")
        return wrong(f"{quiet} was throttled ({reason}): {why}.")
    return correct(f"with {reserved} reserved, {quiet} was served throughout, and {noisy} kept the rest of the "
                   "pool. A reservation is also a cap: keep it to what the function needs, since everyone else "
                   "loses it.")


# ---------------------------------------------------------------------------------------------------- exercise 3

NONE = "none"
REASON_WORDS = {NONE: NONE, "concurrentinvocationlimitexceeded": aws_facts.THROTTLE_ACCOUNT,
                "reservedfunctionconcurrentinvocationlimitexceeded": aws_facts.THROTTLE_RESERVED,
                "functioninvocationratelimitexceeded": aws_facts.THROTTLE_SCALING}
#: situation -> the scaling explorer's settings (spike, duration ms, quota, provisioned)
SITUATIONS = {
    "5,000/s of 500 ms, quota 1,000, provisioned 0": (5000, 500, 1000, 0),
    "5,000/s of 500 ms, quota 10,000, provisioned 0": (5000, 500, 10000, 0),
    "5,000/s of 500 ms, quota 10,000, provisioned 3,000": (5000, 500, 10000, 3000),
    "2,000/s of 100 ms, quota 1,000, provisioned 0": (2000, 100, 1000, 0),
}


def expected_reasons() -> dict[str, str]:
    """What the scale model says: the Reason of most throttles in each situation, or "none"."""
    from helpers.simulate.spike import spike_result  # the explorer's own runs

    answers = {}
    for situation, settings in SITUATIONS.items():
        throttles = spike_result(*settings).totals.throttles
        answers[situation] = max(throttles, key=throttles.get) if throttles else NONE
    return answers


def _reason(value: Any) -> str | None:
    return REASON_WORDS.get(str(value).strip().lower()) if isinstance(value, str) else None


@never_raises
def check_scaling_reasons(answers: Any) -> bool:
    """Exercise 3: for each setting of the scaling explorer, the Reason most of its 429s carry, or "none"."""
    expected = expected_reasons()
    require_table(answers, expected, "situations", 'replace each ... with a Reason (e.g. '
                  '"ConcurrentInvocationLimitExceeded") or "none".')
    marked = mark_table(answers, expected, _reason)
    hints = {
        aws_facts.THROTTLE_ACCOUNT: "Little's law asks for more than the quota: the account's pool is the limit.",
        aws_facts.THROTTLE_SCALING: ("the quota has room, but new environments come 1,000 at once and then 100 a "
                                     "second: the scaling rate is the limit while the function grows."),
        NONE: "no 429 at all: count what Little's law asks for, and what is there before the spike.",
    }
    problems = marked.problems(lambda row: f"{row}: {answers[row]!r} is not one of the three Reasons or \"none\".",
                               lambda row, given: f"{row}: {hints[expected[row]]}")
    return settle(problems, marked.still_open,
                  "the quota caps how many at once; the scaling rate caps how fast you get there; provisioned "
                  "environments are there before the spike and need neither.")
