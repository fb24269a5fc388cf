"""The three things a check can say, and the guard that keeps a check from ever raising."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., "Verdict"])


class Verdict:
    """What a check returns: true when the exercise is solved. In Jupyter it shows nothing more, because the
    feedback printed just before it says everything."""

    __slots__ = ("passed",)

    def __init__(self, passed: bool) -> None:
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        return self.passed == bool(other)

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self) -> None:
        pass


def unanswered(value: Any) -> bool:
    """The placeholders a learner has not replaced yet."""
    return value is ... or value is None


def table_not_ready(answers: Any, keys: Any, rows: str, how_to_answer: str) -> Verdict | None:
    """How every answer-table exercise begins: nothing answered yet (``not yet``, with how to answer), or a row
    that is not the table's (``rows`` names them: "situations", "paths"...). None when the table can be marked."""
    if unanswered(answers) or not isinstance(answers, dict) or all(unanswered(v) for v in answers.values()):
        return not_yet(how_to_answer)
    unknown = [key for key in answers if key not in keys]
    if unknown:
        return wrong(f"keep the {rows} as they were written; {unknown[0]!r} is not one of them.")
    return None


def not_yet(message: str) -> Verdict:
    print(f"✏️  Not answered yet: {message}")
    return Verdict(False)


def correct(message: str = "") -> Verdict:
    print(f"✅ Correct!{' ' + message if message else ''}")
    return Verdict(True)


def wrong(message: str) -> Verdict:
    print(f"❌ Not quite: {message}")
    return Verdict(False)


def never_raises(check: F) -> F:
    """Turn any unexpected error inside a check into feedback, never a traceback."""

    @functools.wraps(check)
    def guarded(*args: Any, **kwargs: Any) -> Verdict:
        try:
            return Verdict(check(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - a learner must see feedback, not our traceback
            return wrong(f"the check could not run ({type(exc).__name__}: {exc}). Re-run the cells above it, "
                         "then this one.")

    return guarded  # type: ignore[return-value]


CHECK_ROLE = "workbook-checks-role"


def check_role_arn() -> str:
    """The execution role of the functions a check deploys for itself (made on first use)."""
    from helpers.deploy.roles import execution_role

    return execution_role(CHECK_ROLE)


def invoke_learner_function(name: str, payload: Any = None):
    """Invoke a function the learner deployed; None if it does not exist (yet)."""
    from helpers.lambda_invoke import LambdaAPIError, invoke

    try:
        return invoke(name, payload)
    except LambdaAPIError as error:
        if error.code == "ResourceNotFoundException":
            return None
        raise
