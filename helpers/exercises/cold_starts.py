"""Checks for notebooks/08_cold_starts.ipynb.

Exercise 1 deploys the learner's handler with ``PYTHONPROFILEIMPORTTIME=1`` and reads, in the log of a real cold
start, which modules the init imported: an ordinary request's cold start must not import boto3, and the export
request must still work. Exercise 2 is a table. Exercise 3 compares what the learner read off the widget with the
model over the measurements the notebook made. Exercise 4 plays two users' requests through one warm environment.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from .feedback import (
    check_role_arn,
    correct,
    invoke_learner_function,
    mark_table,
    never_raises,
    require_table,
    settle,
    source_not_ready,
    unanswered,
    wrong,
)

# ---------------------------------------------------------------------------------------------------- exercise 1


@never_raises
def check_lazy_import(source: Any) -> bool:
    """Exercise 1: the report function's cold start no longer imports boto3, and an export still works."""
    not_ready = source_not_ready(source, "report.py", "edit MY_REPORT_SOURCE (move the import), then run the cell.")
    if not_ready is not None:
        return not_ready
    from helpers.deploy.functions import deploy_function
    from helpers.deploy.packaging import zip_files
    from helpers.lambda_invoke import invoke
    from helpers.observe.cold_start_phases import imported_names, parse_import_times, split_at_start

    name = f"check-lazy-{uuid.uuid4().hex[:8]}"
    deploy_function(name, "report.handler", zip_files({"report.py": source}), role_arn=check_role_arn(),
                    Timeout=30, MemorySize=512, Environment={"Variables": {"PYTHONPROFILEIMPORTTIME": "1"}})
    try:
        ordinary = invoke(name, {})
        if not ordinary.ok:
            return wrong(f"an ordinary request failed: {ordinary.payload!r}")
        if ordinary.payload != {"report": "ok"}:
            return wrong(f"an ordinary request should still answer {{'report': 'ok'}}, not {ordinary.payload!r}.")
        init_lines, invoke_lines = split_at_start(ordinary.log_lines)

        def sdk_modules(lines: list[str]) -> list[str]:
            imported = imported_names(parse_import_times(lines))
            return sorted(module for module in imported if module.split(".")[0] in ("boto3", "botocore"))

        heavy = sdk_modules(init_lines)
        if heavy:
            return wrong(f"the cold start still imported {heavy[0]} at init (the log's import timing says so, "
                         f"{len(heavy)} boto3/botocore modules in all). Move `import boto3` into the branch that "
                         "needs it.")
        if sdk_modules(invoke_lines):
            return wrong("the init no longer imports boto3, but the ordinary request still did, in its first "
                         "invocation: the cold start is as long as before. Move `import boto3` into the branch that "
                         "needs it (the export), not to the top of the handler.")
        export = invoke(name, {"export": True})
        if not export.ok or "exported_to" not in (export.payload or {}):
            return wrong(f"the export request broke: {export.payload!r}. It still needs boto3, imported where "
                         "it is used.")
        init_ms = ordinary.report.init_duration_ms if ordinary.report else None
        return correct(f"an ordinary request's cold start imported no boto3 (Init Duration {init_ms:.0f} ms), and "
                       "the export imported it on first use, once per environment.")
    finally:
        import boto3

        boto3.client("lambda").delete_function(FunctionName=name)


# ---------------------------------------------------------------------------------------------------- exercise 2

INIT, HANDLER, LAZY = "init", "handler", "lazy"
PLACEMENTS = {
    "an S3 client that every request uses": INIT,
    "the table name, read from an environment variable": INIT,
    "the id of the user who sent this request": HANDLER,
    "a list that collects this request's validation errors": HANDLER,
    "a PDF library that only 1 request in 1,000 needs": LAZY,
    "a database connection, reused by later requests": INIT,
}
PLACEMENT_HINTS = {
    "an S3 client that every request uses": "made once at init, every warm request reuses it (section 3).",
    "the table name, read from an environment variable": ("the variable cannot change while the environment "
                                                          "lives: read it once, at init."),
    "the id of the user who sent this request": ("per-request state in a global leaks into the next request "
                                                 "(section 2): keep it in a local variable."),
    "a list that collects this request's validation errors": ("a global list would keep growing across warm "
                                                             "requests and mix users' errors."),
    "a PDF library that only 1 request in 1,000 needs": ("importing it at init makes every cold start pay for the "
                                                        "rare request: import it where it is used (section 3)."),
    "a database connection, reused by later requests": ("opening a connection costs a round trip and a "
                                                        "handshake: open it at init and reuse it (and reconnect if "
                                                        "it dropped)."),
}


def _placement(value: Any) -> str | None:
    text = str(value).strip().lower()
    return text if text in (INIT, HANDLER, LAZY) else None


@never_raises
def check_placement(answers: Any) -> bool:
    """Exercise 2: for each thing, where it belongs: "init" (module level), "handler" (per request) or "lazy"."""
    require_table(answers, PLACEMENTS, "things", 'replace each ... with "init", "handler" or "lazy".')
    marked = mark_table(answers, PLACEMENTS, _placement)
    problems = marked.problems(lambda row: f'{row}: answer "init", "handler" or "lazy", not {answers[row]!r}.',
                               lambda row, given: f"{row}: {PLACEMENT_HINTS[row]}")
    return settle(problems, marked.still_open, "Reuse what is the same for every request (init), keep what belongs "
                  "to one request local (handler), and let rare needs pay for themselves (lazy).")


# ---------------------------------------------------------------------------------------------------- exercise 3

SLIDER_WORK = "boto3 lazily, on first use"


@never_raises
def check_slider_observation(answers: Any, runs: Sequence[Any]) -> bool:
    """Exercise 3: what the widget shows for the lazy import between 1,769 MB and 128 MB: which figure grows
    ("init" or "first invoke"), and about how many times (the model over the notebook's own measurements)."""
    keys = ("which figure grows at 128 MB", "how many times larger than at 1,769 MB")
    require_table(answers, keys, "questions", 'answer "init" or "first invoke", and a number.')
    from helpers.simulate import cold_start_model as model

    mine = [run for run in runs if run.work == SLIDER_WORK]
    if not mine:
        return wrong(f"run the widget's cell first: it measures '{SLIDER_WORK}'.")
    calibration = model.calibrate([(r.sample.init_ms or 0.0, r.sample.measured_ms, r.sample.cpu_ms) for r in mine])
    factor = model.first_duration_ms(calibration, 128) / model.first_duration_ms(calibration, 1769)
    which, times = answers.get(keys[0]), answers.get(keys[1])
    problems = []
    if not unanswered(which):
        text = " ".join(str(which).strip().lower().replace("-", " ").split())
        if text.startswith("first invo"):  # "first invoke", "first invocation", "first-invoke Duration"
            text = "first invoke"
        elif text.startswith("init"):  # "init", "Init Duration"
            text = "init"
        if text not in ("init", "first invoke"):
            problems.append(f'{keys[0]}: answer "init" or "first invoke", not {which!r}.')
        elif text == "init":
            problems.append(f"{keys[0]}: look at the left plot: the init line is flat. Init runs at full speed "
                            "(reportedly, on AWS too); the lazy import now runs in the first invocation, at the CPU "
                            "share of the memory size.")
    if not unanswered(times):
        number = re.search(r"\d+(?:\.\d+)?", times) if isinstance(times, str) else None  # "about 9", "9x"
        try:
            given = float(number.group() if number else times)
        except (TypeError, ValueError):
            problems.append(f"{keys[1]}: a number, e.g. 3.5, not {times!r}.")
        else:
            if abs(given - factor) > 0.3 * factor:
                problems.append(f"{keys[1]}: set the widget to '{SLIDER_WORK}' and the memory to 128 MB, and read "
                                "the ratio in the line under the plot (\"... x its time at 1,769 MB\").")
    still_open = [key for key in keys if unanswered(answers.get(key))]
    return settle(problems, still_open, f"about {factor:.1f} times: below 1,769 MB only the CPU part is stretched "
                  f"(x 1,769/128 = 13.8 at most), and this first invocation also waits for the local S3.")


# ---------------------------------------------------------------------------------------------------- exercise 4

@never_raises
def check_no_leak(source: Any) -> bool:
    """Exercise 4: deployed from ``source``, the greeter greets a request without a user as a guest, whoever came
    before it in the same warm environment."""
    not_ready = source_not_ready(source, "greeter.py", "edit MY_GREETER_SOURCE, then pass it to the check.")
    if not_ready is not None:
        return not_ready
    import boto3

    from helpers.deploy.functions import deploy_function
    from helpers.deploy.packaging import zip_files

    name = f"check-greeter-{uuid.uuid4().hex[:8]}"
    deploy_function(name, "greeter.handler", zip_files({"greeter.py": source}), role_arn=check_role_arn())
    try:
        answers = [invoke_learner_function(name, event) for event in ({"user": "ada"}, {}, {"user": "bob"}, {})]
    finally:
        boto3.client("lambda").delete_function(FunctionName=name)
    broken = next((answer for answer in answers if answer is None or not answer.ok), None)
    if broken is not None:
        return wrong(f"an invocation failed: {getattr(broken, 'payload', None)!r}")
    if len({answer.environment_id for answer in answers}) != 1:
        return wrong("the four requests did not share one environment; run the cell again.")
    greetings = [answer.payload.get("greeting") if isinstance(answer.payload, dict) else None for answer in answers]
    expected = ["Hello, ada!", "Hello, guest!", "Hello, bob!", "Hello, guest!"]
    if greetings == expected:
        return correct("four requests in one warm environment, and nobody was greeted with someone else's name.")
    if greetings[1] == "Hello, ada!" or greetings[3] == "Hello, bob!":
        return wrong("a request without a user was greeted with the previous request's user: the name still lives "
                     "in a global. Keep it in a local variable of the handler.")
    return wrong(f"the greetings were {greetings}; expected {expected} (answer {{'greeting': ...}}).")
