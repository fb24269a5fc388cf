"""A function's resource-based policy (``add_permission``): may this AWS service invoke it, for this source?

Every service that invokes a function on the caller's behalf (S3, SNS, EventBridge, API Gateway, a function URL)
is checked here, as on AWS: without a statement that allows it, the invocation does not happen.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from .functions import FunctionVersion


def allows(function: FunctionVersion, service: str, source_arn: str | None = None, source_account: str | None = None, *,
           action: str = "lambda:InvokeFunction", source_arns: tuple[str, ...] = (),
           via_function_url: bool = False) -> bool:
    """True if a statement lets ``service`` (e.g. ``s3.amazonaws.com``; ``*`` for everyone) call ``action``.

    ``source_arns`` are other names of the same source (an API's request path and its route template); a
    statement's SourceArn condition may match any of them. A statement made with ``InvokedViaFunctionUrl=True``
    counts only for requests through the function's URL."""
    candidates = tuple(arn for arn in (source_arn, *source_arns) if arn)
    for statement in function.policy:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(granted in (action, "lambda:*", "*") for granted in actions):
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else [principal]
        services = [services] if isinstance(services, str) else services
        if service not in services and "*" not in services:
            continue
        if service == "*" and "*" not in services:
            continue
        if _only_via_function_url(statement) and not via_function_url:
            continue
        conditions = statement.get("Condition", {})
        wanted_arn = _condition(conditions, "AWS:SourceArn")
        if wanted_arn and not any(fnmatchcase(candidate, wanted_arn) for candidate in candidates):
            continue
        wanted_account = _condition(conditions, "AWS:SourceAccount")
        if wanted_account and wanted_account != source_account:
            continue
        return True
    return False


def _only_via_function_url(statement: dict[str, Any]) -> bool:
    flag = statement.get("InvokedViaFunctionUrl")
    if flag is None:
        flag = statement.get("Condition", {}).get("Bool", {}).get("lambda:InvokedViaFunctionUrl")
    return str(flag).lower() == "true"


def _condition(conditions: dict[str, Any], key: str) -> str | None:
    for operator in ("ArnLike", "ArnEquals", "StringEquals", "StringLike"):
        values = {name.lower(): value for name, value in conditions.get(operator, {}).items()}
        if key.lower() in values:
            return values[key.lower()]
    return None
