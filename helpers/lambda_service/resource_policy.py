"""A function's resource-based policy (``add_permission``): may this AWS service invoke it, for this source?"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any


def allows(function: Any, service: str, source_arn: str | None = None, source_account: str | None = None) -> bool:
    """True if a statement lets ``service`` (e.g. ``s3.amazonaws.com``) call lambda:InvokeFunction."""
    for statement in getattr(getattr(function, "policy", None), "statements", []):
        if statement.get("Effect", "Allow") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(action in ("lambda:InvokeFunction", "lambda:*", "*") for action in actions):
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else [principal]
        services = [services] if isinstance(services, str) else services
        if service not in services and "*" not in services:
            continue
        conditions = statement.get("Condition", {})
        wanted_arn = _condition(conditions, "AWS:SourceArn")
        if wanted_arn and not (source_arn and fnmatchcase(source_arn, wanted_arn)):
            continue
        wanted_account = _condition(conditions, "AWS:SourceAccount")
        if wanted_account and wanted_account != source_account:
            continue
        return True
    return False


def _condition(conditions: dict[str, Any], key: str) -> str | None:
    for operator in ("ArnLike", "ArnEquals", "StringEquals", "StringLike"):
        values = {name.lower(): value for name, value in conditions.get(operator, {}).items()}
        if key.lower() in values:
            return values[key.lower()]
    return None
