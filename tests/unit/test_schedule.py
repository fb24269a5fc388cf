"""helpers/schedule.py: AWS's rate and cron rules, and when a schedule fires."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from helpers.schedule import Rate, ScheduleExpressionError, fires_at, next_fire_times, parse_schedule

UTC = timezone.utc
SUNDAY = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # 22 November 2026 is a Sunday


@pytest.mark.parametrize("expression", [
    "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)",
    "cron(0 8 * * ? *)", "cron(0/15 * * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 10 ? * 6#3 *)",
    "cron(0 0 L * ? *)", "cron(30 9 15W * ? 2026-2030)", "cron(0 12 ? JAN,JUL 2L *)", "cron(5,35 14 * * ? *)",
])
def test_valid_expressions(expression):
    parse_schedule(expression)


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(-1 days)", "rate(5 weeks)", "every 5 minutes",
    "cron(0 8 * * *)", "cron(0 8 * * * *)", "cron(0 8 ? * ? *)", "cron(60 8 * * ? *)", "cron(0 24 * * ? *)",
    "cron(0 8 32 * ? *)", "cron(0 8 * 13 ? *)", "cron(0 8 ? * 8 *)", "cron(0 8 * * ? 1969)", "cron(bogus)",
    "cron(0 8 ? * 6#6 *)", "cron(0/0 * * * ? *)",
])
def test_invalid_expressions(expression):
    with pytest.raises(ScheduleExpressionError):
        parse_schedule(expression)


def test_daily_at_eight_over_a_week():
    times = next_fire_times("cron(0 8 * * ? *)", SUNDAY, 7)
    assert times == [SUNDAY + timedelta(days=day, hours=8) for day in range(7)]


def test_weekdays_only_and_sunday_is_one():
    times = next_fire_times("cron(0 18 ? * MON-FRI *)", SUNDAY, 5)
    assert [moment.strftime("%a") for moment in times] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert next_fire_times("cron(0 0 ? * 1 *)", SUNDAY, 1)[0].strftime("%a") == "Sun"


def test_last_day_nth_weekday_and_nearest_weekday():
    assert next_fire_times("cron(0 0 L * ? *)", SUNDAY, 1)[0].date().isoformat() == "2026-11-30"
    assert next_fire_times("cron(0 10 ? * 6#3 *)", SUNDAY, 1)[0].date().isoformat() == "2026-12-18"  # 3rd Friday
    assert next_fire_times("cron(0 0 ? * 2L *)", SUNDAY, 1)[0].date().isoformat() == "2026-11-30"  # last Monday
    # 15 August 2026 is a Saturday: its nearest weekday is Friday the 14th
    assert next_fire_times("cron(0 0 15W * ? *)", datetime(2026, 8, 1, tzinfo=UTC), 1)[0].day == 14


def test_rates_count_from_creation():
    created = datetime(2026, 11, 22, 7, 3, 20, tzinfo=UTC)
    assert parse_schedule("rate(5 minutes)") == Rate(300)
    times = next_fire_times("rate(5 minutes)", created, 3, created=created)
    assert [moment.strftime("%H:%M") for moment in times] == ["07:08", "07:13", "07:18"]
    schedule = parse_schedule("rate(5 minutes)")
    assert fires_at(schedule, datetime(2026, 11, 22, 7, 8, tzinfo=UTC), created)
    assert not fires_at(schedule, datetime(2026, 11, 22, 7, 3, tzinfo=UTC), created)
    assert not fires_at(schedule, datetime(2026, 11, 22, 7, 9, tzinfo=UTC), created)
