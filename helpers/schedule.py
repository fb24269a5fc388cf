"""EventBridge schedule expressions: ``rate(...)`` and six-field ``cron(...)``, validated as AWS validates them.

Rules (``../shared/reference/lambda-facts.md`` §5, as documented in October 2026):

* ``rate(value unit)``: a positive whole number and ``minute``/``minutes``/``hour``/``hours``/``day``/``days``,
  the singular when the value is 1.
* ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``, in UTC, at most once a minute:
  Minutes 0-59, Hours 0-23, Day-of-month 1-31 (``, - * ? / L W``), Month 1-12 or JAN-DEC, Day-of-week 1-7 or
  SUN-SAT (``, - * ? L #``; 1 is Sunday), Year 1970-2199. One of Day-of-month and Day-of-week must be ``?``.

    >>> [t.isoformat() for t in next_fire_times("cron(0 8 * * ? *)", datetime(2026, 11, 22, tzinfo=timezone.utc), 2)]
    ['2026-11-22T08:00:00+00:00', '2026-11-23T08:00:00+00:00']
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
DAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleExpressionError(ValueError):
    """Not a valid schedule expression (EventBridge answers "Parameter ScheduleExpression is not valid.")."""


@dataclass(frozen=True)
class Rate:
    """``rate(value unit)``: every ``seconds`` from when the rule was created."""

    seconds: int


@dataclass(frozen=True)
class Cron:
    """``cron(...)``: the minutes (UTC) whose fields all match."""

    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    day_of_month: str  # kept as text: "?", or a list with L and W forms
    day_of_week: str  # kept as text: "?", or a list with L and # forms

    def matches_day(self, day: datetime) -> bool:
        if day.month not in self.months or day.year not in self.years:
            return False
        if self.day_of_month != "?":
            return _day_of_month_matches(self.day_of_month, day)
        return _day_of_week_matches(self.day_of_week, day)

    def matches(self, moment: datetime) -> bool:
        return moment.minute in self.minutes and moment.hour in self.hours and self.matches_day(moment)


def parse_schedule(expression: str) -> Rate | Cron:
    """Parse a schedule expression, or raise ScheduleExpressionError."""
    expression = expression.strip()
    rate = _RATE.fullmatch(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value <= 0 or (value == 1) != (not unit.endswith("s")):
            raise ScheduleExpressionError(f"{expression}: use a positive number, and the singular unit for 1")
        return Rate(value * _UNIT_SECONDS[unit.rstrip("s")])
    if not (expression.startswith("cron(") and expression.endswith(")")):
        raise ScheduleExpressionError(f"{expression}: not rate(...) or cron(...)")
    fields = expression[5:-1].split()
    if len(fields) != 6:
        raise ScheduleExpressionError(f"{expression}: cron needs 6 fields (minutes hours day-of-month month "
                                      f"day-of-week year), not {len(fields)}")
    minutes, hours, day_of_month, month, day_of_week, year = (field.upper() for field in fields)
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ScheduleExpressionError(f"{expression}: exactly one of day-of-month and day-of-week must be ?")
    if day_of_month != "?":
        _check_day_of_month(day_of_month, expression)
    if day_of_week != "?":
        _check_day_of_week(day_of_week, expression)
    return Cron(_values(minutes, 0, 59, {}, expression), _values(hours, 0, 23, {}, expression),
                _values(month, 1, 12, MONTHS, expression), _values(year, 1970, 2199, {}, expression),
                day_of_month, day_of_week)


def is_valid(expression: str) -> bool:
    try:
        parse_schedule(expression)
    except ScheduleExpressionError:
        return False
    return True


def next_fire_times(expression: str, after: datetime, count: int = 5, *, created: datetime | None = None,
                    horizon_days: int = 366 * 5) -> list[datetime]:
    """The next ``count`` times (UTC) the schedule fires, strictly after ``after``.

    A rate schedule counts from ``created`` (when the rule was made; default ``after``)."""
    schedule = parse_schedule(expression)
    after = after.astimezone(timezone.utc)
    if isinstance(schedule, Rate):
        origin = (created or after).astimezone(timezone.utc).replace(second=0, microsecond=0)
        steps = max(int((after - origin).total_seconds() // schedule.seconds) + 1, 1)
        return [origin + timedelta(seconds=schedule.seconds * (steps + index)) for index in range(count)]
    found: list[datetime] = []
    day = after.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(horizon_days):
        if schedule.matches_day(day):
            for hour in sorted(schedule.hours):
                for minute in sorted(schedule.minutes):
                    moment = day.replace(hour=hour, minute=minute)
                    if moment > after:
                        found.append(moment)
                        if len(found) == count:
                            return found
        day += timedelta(days=1)
    return found


def fires_at(schedule: Rate | Cron, moment: datetime, created: datetime) -> bool:
    """Does the schedule fire at this minute (UTC, seconds ignored)?"""
    moment = moment.replace(second=0, microsecond=0)
    if isinstance(schedule, Rate):
        origin = created.replace(second=0, microsecond=0)
        elapsed = (moment - origin).total_seconds()
        return elapsed > 0 and elapsed % schedule.seconds == 0
    return schedule.matches(moment)


# ---------------------------------------------------------------------------------------------- fields


def _number(token: str, names: dict[str, int], expression: str) -> int:
    if token in names:
        return names[token]
    if not token.isdigit():
        raise ScheduleExpressionError(f"{expression}: {token!r} is not a number or a name")
    return int(token)


def _values(field: str, low: int, high: int, names: dict[str, int], expression: str) -> frozenset[int]:
    """A plain cron field: *, numbers, names, ranges a-b, lists a,b and steps x/n."""
    values: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleExpressionError(f"{expression}: bad step in {part!r}")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, names, expression), _number(last, names, expression)
        else:
            start = _number(base, names, expression)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise ScheduleExpressionError(f"{expression}: {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _check_day_of_month(field: str, expression: str) -> None:
    for part in field.split(","):
        if part in ("L", "LW"):
            continue
        if part.endswith("W"):
            _values(part[:-1], 1, 31, {}, expression)
        else:
            _values(part, 1, 31, {}, expression)


def _check_day_of_week(field: str, expression: str) -> None:
    for part in field.split(","):
        if part == "L":
            continue
        if part.endswith("L"):
            _values(part[:-1], 1, 7, DAYS, expression)
        elif "#" in part:
            day, _, nth = part.partition("#")
            _values(day, 1, 7, DAYS, expression)
            if not nth.isdigit() or not 1 <= int(nth) <= 5:
                raise ScheduleExpressionError(f"{expression}: {part!r}: the nth weekday must be 1-5")
        else:
            _values(part, 1, 7, DAYS, expression)


def _aws_weekday(day: datetime) -> int:
    return (day.weekday() + 1) % 7 + 1  # 1 = Sunday ... 7 = Saturday


def _day_of_month_matches(field: str, day: datetime) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    for part in field.split(","):
        if part == "L" and day.day == last:
            return True
        if part == "LW" and day.day == _nearest_weekday(day, last):
            return True
        if part.endswith("W") and part != "LW" and day.day == _nearest_weekday(day, min(int(part[:-1]), last)):
            return True
        if not part.endswith(("L", "W")) and day.day in _values(part, 1, 31, {}, field):
            return True
    return False


def _nearest_weekday(day: datetime, target: int) -> int:
    """The weekday (Monday-Friday) nearest to day ``target`` of the month, staying in the month."""
    last = calendar.monthrange(day.year, day.month)[1]
    weekday = calendar.weekday(day.year, day.month, target)  # Monday = 0
    if weekday == 5:
        return target - 1 if target > 1 else target + 2
    if weekday == 6:
        return target + 1 if target < last else target - 2
    return target


def _day_of_week_matches(field: str, day: datetime) -> bool:
    weekday = _aws_weekday(day)
    last = calendar.monthrange(day.year, day.month)[1]
    for part in field.split(","):
        if part == "L" and weekday == 7:
            return True
        if part.endswith("L") and part != "L":
            if weekday == _number(part[:-1], DAYS, field) and day.day + 7 > last:
                return True
        elif "#" in part:
            wanted, _, nth = part.partition("#")
            if weekday == _number(wanted, DAYS, field) and (day.day - 1) // 7 + 1 == int(nth):
                return True
        elif part != "L" and weekday in _values(part, 1, 7, DAYS, field):
            return True
    return False
