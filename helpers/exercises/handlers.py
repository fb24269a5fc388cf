"""Checks for notebooks/01_handlers.ipynb."""

from __future__ import annotations

import json
from typing import Any

from .feedback import (correct, invoke_learner_function, mark_table, never_raises, not_yet, require_table,
                       text_not_ready, wrong)


@never_raises
def check_handler_string(answer: Any) -> bool:
    """Exercise 1: the handler string for the function ``lookup`` in the file ``orders/api.py``."""
    problem = text_not_ready(answer, "handler string", '"file.function"')
    if problem is not None:
        return problem
    if answer != answer.strip():
        return wrong("remove the spaces around it: Lambda takes the handler string exactly as written.")
    if answer in ("orders/api.lookup", "orders.api.lookup"):
        return correct("The part before the last dot is the module (a path inside the zip, / or . between "
                       "folders); the part after it is the function.")
    if answer.endswith(".py.lookup") or ".py" in answer:
        return wrong("leave out the .py: the handler names a module, not a file.")
    if answer in ("api.lookup", "lookup"):
        return wrong("the module is inside the folder orders/, so the folder is part of its name.")
    if answer.startswith("orders") and not answer.endswith(".lookup"):
        return wrong("the last part, after the final dot, must be the function's name: lookup.")
    return wrong(f"{answer!r} would make the runtime look for something else. Module path, a dot, function name.")


EXPECTED_ERRORS = {
    "the handler raises KeyError": "KeyError",
    "the zip does not contain a module the handler imports": "Runtime.ImportModuleError",
    "the handler returns a set": "Runtime.MarshalError",
    "the handler runs longer than the function's timeout": "Sandbox.Timedout",
    "the handler calls sys.exit(1)": "Runtime.ExitError",
    "the handler string names a function the module does not have": "Runtime.HandlerNotFound",
}


@never_raises
def check_error_types(answers: Any) -> bool:
    """Exercise 2: the errorType AWS returns in each situation."""
    require_table(answers, EXPECTED_ERRORS, "situations", "replace each ... in the dictionary with an errorType, e.g. \"Runtime.ImportModuleError\".")
    marked = mark_table(answers, EXPECTED_ERRORS)
    if marked.wrong:
        listed = "; ".join(f"when {situation}, not {answers[situation]!r}" for situation in marked.wrong)
        return wrong(f"{len(marked.wrong)} not right yet: {listed}. Section 8 shows each of these failures.")
    if marked.still_open:
        return not_yet(f"{len(marked.still_open)} situation(s) still to answer; the others are right.")
    return correct("Exceptions from your code keep their class name; the runtime names what it could not do "
                   "(import, find, marshal); Sandbox.Timedout, Runtime.ExitError and Runtime.OutOfMemory mean the "
                   "process was stopped or died.")


@never_raises
def check_api_function(function_name: str = "echo-name") -> bool:
    """Exercise 3: an API Gateway proxy handler: 200 with {"hello": name} for a JSON body, 400 for a broken one."""
    from helpers.event_sources import load_event

    import uuid

    event = load_event("apigateway_rest_v1")
    event["body"] = json.dumps({"name": "Ada"})
    good = invoke_learner_function(function_name, event)
    if good is None:
        return not_yet(f"there is no function named {function_name!r} yet: deploy it with create_function.")
    if good.payload is None:
        return not_yet("your handler returns None: replace the ... in its body.")
    if good.function_error:
        return wrong(f"the invocation failed with {good.error_type}: {(good.payload or {}).get('errorMessage')}")
    problem = _proxy_response_problem(good.payload, 200, {"hello": "Ada"})
    if problem:
        return wrong(f'for the body {{"name": "Ada"}}: {problem}')
    someone = f"Learner-{uuid.uuid4().hex[:4]}"
    event["body"] = json.dumps({"name": someone})
    other = invoke_learner_function(function_name, event)
    problem = "" if other.function_error else _proxy_response_problem(other.payload, 200, {"hello": someone})
    if other.function_error or problem:
        return wrong(f'for the body {{"name": "{someone}"}} the answer should be {{"hello": "{someone}"}}: read the '
                     "name from the request's body rather than writing it in the code.")
    event["body"] = "{this is not json"
    bad = invoke_learner_function(function_name, event)
    if bad.function_error:
        return wrong(f"a body that is not JSON made the function fail ({bad.error_type}); catch "
                     "json.JSONDecodeError and answer 400 instead.")
    if not isinstance(bad.payload, dict) or bad.payload.get("statusCode") != 400:
        return wrong(f"a body that is not JSON should get statusCode 400; it got {bad.payload!r}.")
    return correct("API Gateway will turn that into HTTP responses: 200 with your JSON, or 400 for a bad request.")


def _proxy_response_problem(response: Any, status: int, document: dict) -> str:
    if not isinstance(response, dict):
        return f"the response should be a dict with statusCode, headers and body; it was {response!r}."
    if response.get("statusCode") != status:
        return f"statusCode should be {status}, it was {response.get('statusCode')!r}."
    body = response.get("body")
    if not isinstance(body, str):
        return f"body must be a string (json.dumps(...)), it was {type(body).__name__}."
    try:
        parsed = json.loads(body)
    except ValueError:
        return f"body should be JSON text; it was {body!r}."
    if parsed != document:
        return f"body should be {json.dumps(document)}, it was {body}."
    headers = {key.lower(): value for key, value in (response.get("headers") or {}).items()}
    if headers.get("content-type") != "application/json":
        return 'add the header "Content-Type": "application/json".'
    return ""


@never_raises
def check_logging_fix(function_name: str = "quiet-logger") -> bool:
    """Exercise 4: make the function's logger.info line appear in its log."""
    result = invoke_learner_function(function_name, {})
    if result is None:
        return not_yet(f"there is no function named {function_name!r} yet: deploy your fixed version first.")
    if result.function_error:
        return wrong(f"the invocation failed with {result.error_type}.")
    lines = [line for line in result.log_lines if "processing " in line]
    if not lines:
        return not_yet("the 'processing ...' line is not in the log yet. The runtime set up the root logger before "
                       "your code ran, so basicConfig changes nothing. What level is that logger at?")
    if lines[0].startswith("[INFO]\t"):
        return correct(f"The log now has: {lines[0]!r}")
    if "INFO" in lines[0]:
        return correct(f"The line appears: {lines[0]!r}. It lost the runtime's format (no request id): "
                       "basicConfig(force=True) replaced the runtime's handler. logger.setLevel keeps it.")
    return wrong(f"the line {lines[0]!r} is there, but not from logger.info: keep the logger.info call.")
