"""The three things a check can say, and the guard that keeps a check from ever raising."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


class Settled(Exception):
    """A check's answer, decided before the end of the check (the feedback is printed): ``never_raises`` returns
    its verdict."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__("settled")
        self.verdict = verdict


def require_table(answers: Any, keys: Any, rows: str, how_to_answer: str) -> None:
    """The table can be marked; else the check ends here with ``table_not_ready``'s feedback."""
    problem = table_not_ready(answers, keys, rows, how_to_answer)
    if problem is not None:
        raise Settled(problem)


def table_not_ready(answers: Any, keys: Any, rows: str, how_to_answer: str) -> Verdict | None:
    """How every answer-table exercise begins: nothing answered yet (``not yet``, with how to answer), or a row
    that is not the table's (``rows`` names them: "situations", "paths"...). None when the table can be marked."""
    if unanswered(answers) or not isinstance(answers, dict) or all(unanswered(v) for v in answers.values()):
        return not_yet(how_to_answer)
    unknown = [key for key in answers if key not in keys]
    if unknown:
        return wrong(f"keep the {rows} as they were written; {unknown[0]!r} is not one of them.")
    return None


@dataclass
class MarkedTable:
    """An answer table, marked row by row (rows in the table's order)."""

    rows: list[Any]  # the table's rows, in order
    given: dict[Any, Any]  # each readable answer, as read
    unreadable: list[Any]  # answered in a form the table does not take
    wrong: list[Any]  # readable, not right
    still_open: list[Any]  # not answered yet

    def problems(self, unreadable: Callable[[Any], str], wrong: Callable[[Any, Any], str]) -> list[str]:
        """A line for each row that is not right, in the table's order: ``unreadable(row)`` or
        ``wrong(row, given)``."""
        return [unreadable(row) if row in self.unreadable else wrong(row, self.given[row])
                for row in self.rows if row in self.unreadable or row in self.wrong]


def mark_table(answers: Mapping[Any, Any], expected: Mapping[Any, Any],
               read: Callable[[Any], Any] = lambda value: value) -> MarkedTable:
    """Mark each answered row against ``expected``; ``read`` turns an answer into the table's form (None when it
    cannot: a word where a number belongs)."""
    marked = MarkedTable(list(expected), {}, [], [], [])
    for key, right in expected.items():
        value = answers.get(key)
        if unanswered(value):
            marked.still_open.append(key)
            continue
        value = read(value)
        if value is None:
            marked.unreadable.append(key)
        else:
            marked.given[key] = value
            if value != right:
                marked.wrong.append(key)
    return marked


def text_not_ready(answer: Any, what: str, example: str) -> Verdict | None:
    """How an exercise answered with a piece of text begins: not answered yet, or not text. None when it is text."""
    if unanswered(answer) or answer == "":
        return not_yet(f"write the {what} as text, e.g. {example}.")
    if not isinstance(answer, str):
        return wrong(f"a {what} is text; you gave {type(answer).__name__}.")
    return None


def source_not_ready(source: Any, filename: str, how_to_answer: str) -> Verdict | None:
    """How an exercise answered with a handler's source begins: not answered yet, or not Python that compiles. None
    when it compiles."""
    if unanswered(source) or not isinstance(source, str) or not source.strip():
        return not_yet(how_to_answer)
    try:
        compile(source, filename, "exec")
    except SyntaxError as error:
        return wrong(f"the source does not compile: {error.msg} (line {error.lineno}).")
    return None


def arn_of_function(name: str) -> str | None:
    """The ARN of a function in the local AWS, or None if there is no such function."""
    import boto3

    client = boto3.client("lambda")
    try:
        return client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    except client.exceptions.ResourceNotFoundException:
        return None


def settle(problems: list[str], still_open: list[Any], done: str) -> Verdict:
    """The end of a table check: the problems listed, else how many are still open, else ``done``."""
    if problems:
        return wrong(f"{len(problems)} not right yet:\n   - " + "\n   - ".join(problems))
    if still_open:
        return not_yet(f"{len(still_open)} still to answer; the others are right.")
    return correct(done)


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
        except Settled as settled:
            return settled.verdict
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
