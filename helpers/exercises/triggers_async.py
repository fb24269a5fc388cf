"""Checks for notebooks/03_triggers_async.ipynb.

Every check runs the learner's answer for real: the cron expression through the validator ``put_rule`` uses, the
S3 filter rules on a new bucket with real uploads, the SNS filter policy on a new topic with real messages.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote_plus

from .feedback import (arn_of_function, correct, never_raises, not_yet, text_not_ready, unanswered, wrong)

# ---------------------------------------------------------------------------------------------- exercise 1

#: The check compares fire times over two weeks from this Monday (any Monday would do), and again from a Monday
#: far ahead, so that an expression limited to some years does not pass.
CRON_WINDOW_START = datetime(2026, 11, 30, tzinfo=timezone.utc)
CRON_FAR_WINDOW_START = datetime(2150, 1, 5, tzinfo=timezone.utc)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@never_raises
def check_weekday_cron(expression: Any) -> bool:
    """Exercise 1: a schedule expression for "every weekday (Monday to Friday) at 18:30 UTC"."""
    from helpers.schedule import ScheduleExpressionError, next_fire_times, parse_schedule

    problem = text_not_ready(expression, "schedule expression", '"cron(...)"')
    if problem is not None:
        return problem
    text = expression.strip()
    if text.startswith("rate("):
        return wrong("rate(...) repeats a fixed interval counted from when the rule was created; it cannot pick "
                     "weekdays or a time of day. Use cron(...).")
    if not text.startswith("cron("):
        return wrong('EventBridge takes "cron(...)" or "rate(...)": wrap the six fields in cron( ).')
    fields = text[5:-1].split() if text.endswith(")") else []
    if len(fields) == 5:
        return wrong("five fields, like a Unix crontab line. EventBridge's cron has six: minutes, hours, "
                     "day-of-month, month, day-of-week, year. Add the year (* for every year).")
    if len(fields) == 6 and fields[:2] == ["18", "30"]:
        return wrong("minutes come first, then hours: 18:30 is minute 30 of hour 18.")
    if len(fields) == 6 and "?" not in (fields[2], fields[4]):
        return wrong("put_rule would refuse it: one of day-of-month (third field) and day-of-week (fifth) must be "
                     "?. Here day-of-week picks the days, so day-of-month is ?.")
    try:
        parse_schedule(text)
    except ScheduleExpressionError as error:
        return wrong(f"put_rule would answer ValidationException (Parameter ScheduleExpression is not valid.): "
                     f"{error}.")
    wanted = _weekday_evenings(10, CRON_WINDOW_START)
    got = next_fire_times(text, CRON_WINDOW_START, 10)
    far_ahead = next_fire_times(text, CRON_FAR_WINDOW_START, 10)
    if got == wanted and far_ahead != _weekday_evenings(10, CRON_FAR_WINDOW_START):
        return wrong(f"right for the next two weeks, but the year field ({fields[5]}) makes it stop in some later "
                     "year: use * for every year.")
    if got == wanted:
        return correct("It fires Monday to Friday at 18:30 UTC, and never at weekends. (MON-FRI and 2-6 mean the "
                       "same: in EventBridge, day 1 is Sunday.)")
    if not got:
        return wrong("it is valid but never fires in the next two weeks: check the month and year fields.")
    times = {(moment.hour, moment.minute) for moment in got}
    days = sorted({moment.weekday() for moment in got})
    if days == list(range(5)) and times != {(18, 30)}:
        (hour, minute), *more = sorted(times)
        if more:
            return wrong(f"the days are right, but it fires {len(got)} times in {len({m.date() for m in got})} "
                         "days: give one minute (30) and one hour (18), not * or a range.")
        if (hour, minute) == (6, 30):
            return wrong("the days are right, but it fires at 06:30: hours go 0-23, so 6:30 pm is 18.")
        return wrong(f"the days are right, but it fires at {hour:02d}:{minute:02d} UTC instead of 18:30 (the "
                     "first field is the minute, the second the hour).")
    if days == [0, 1, 2, 3, 6]:
        return wrong("it fires Sunday to Thursday: in EventBridge day-of-week 1 is Sunday, so Monday to Friday is "
                     "2-6 (or MON-FRI).")
    weekend = [WEEKDAY_NAMES[day] for day in days if day >= 5]
    if weekend:
        return wrong(f"it also fires on {' and '.join(weekend)}: limit day-of-week to Monday to Friday.")
    shown = ", ".join(f"{WEEKDAY_NAMES[m.weekday()][:3]} {m:%H:%M}" for m in got[:5])
    return wrong(f"it fires at {shown}, ... but every weekday at 18:30 is wanted.")


def _weekday_evenings(count: int, start: datetime) -> list[datetime]:
    from datetime import timedelta

    found, day = [], start
    while len(found) < count:
        if day.weekday() < 5:
            found.append(day.replace(hour=18, minute=30))
        day += timedelta(days=1)
    return found


# ---------------------------------------------------------------------------------------------- exercise 2

#: Test uploads for exercise 2, and whether each should invoke the function.
S3_TEST_KEYS = {
    "uploads/cat.pgm": True,
    "uploads/2026/dog.pgm": True,
    "uploads/my photo.pgm": True,
    "uploads/notes.txt": False,
    "thumbnails/cat.pgm": False,
    "cat.pgm": False,
    "uploads-old/cat.pgm": False,
}


@never_raises
def check_s3_filter(filter_rules: Any, function_name: str = "pgm-watcher") -> bool:
    """Exercise 2: S3 filter rules so that only .pgm files under uploads/ invoke the function."""
    import boto3

    if _has_placeholder(filter_rules) or filter_rules == []:
        return not_yet('replace the ... with filter rules, e.g. {"Name": "prefix", "Value": "..."}.')
    problem = _filter_rules_problem(filter_rules)
    if problem:
        return wrong(problem)
    function_arn = arn_of_function(function_name)
    if function_arn is None:
        return not_yet(f"there is no function named {function_name!r} yet: run the cell's deploy line first.")
    s3, lambda_client = boto3.client("s3"), boto3.client("lambda")
    bucket = f"pgm-check-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    try:
        lambda_client.add_permission(FunctionName=function_name, StatementId=f"s3-{bucket}",
                                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                                     SourceArn=f"arn:aws:s3:::{bucket}")
        try:
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
                "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn, "Events": ["s3:ObjectCreated:*"],
                                                  "Filter": {"Key": {"FilterRules": filter_rules}}}]})
        except s3.exceptions.ClientError as error:
            details = error.response["Error"]
            argument = (f" ({details['ArgumentName']}: {details.get('ArgumentValue')!r})"
                        if details.get("ArgumentName") else "")
            return wrong(f"S3 refused the configuration with {details.get('Code')}: {details.get('Message')}"
                         f"{argument}.")
        for key in S3_TEST_KEYS:
            s3.put_object(Bucket=bucket, Key=key, Body=b"P5\n1 1\n255\n\x80")
        _wait_for_background()
        records = [record for event in _recorded_events(function_name) for record in event.get("Records", [])
                   if record.get("s3", {}).get("bucket", {}).get("name") == bucket]
    finally:
        _remove_bucket(s3, bucket)
    if not records and _ran_without_recording(function_name):
        return wrong(f"{function_name} ran, but did not log its events: deploy it with event_recorder.handler, as "
                     "the cell does.")
    triggered = {unquote_plus(record["s3"]["object"]["key"]) for record in records}
    missed = [key for key, wanted in S3_TEST_KEYS.items() if wanted and key not in triggered]
    extra = [key for key, wanted in S3_TEST_KEYS.items() if not wanted and key in triggered]
    if not missed and not extra:
        return correct(f"Of {len(S3_TEST_KEYS)} uploads, exactly the {len(triggered)} .pgm files under uploads/ "
                       "invoked the function, subfolders and a key with a space included.")
    if "thumbnails/cat.pgm" in extra or "cat.pgm" in extra:
        hint = ("without a prefix rule every .pgm invokes the function, including the thumbnails it writes itself: "
                "the loop in section 3. Add a prefix rule.")
    elif "uploads-old/cat.pgm" in extra:
        hint = 'uploads-old/cat.pgm invoked it too: a prefix is plain text, so end it with the slash ("uploads/").'
    elif "uploads/notes.txt" in extra:
        hint = "uploads/notes.txt invoked it too: add a suffix rule for .pgm."
    elif missed and any("*" in rule["Value"] for rule in filter_rules):
        hint = ("S3 filters know no wildcards: a * is compared as a plain character, and no key contains one. "
                "Write the prefix and the suffix themselves.")
    elif len(missed) == 3:
        hint = ("none of the .pgm files under uploads/ invoked it: keys have no leading slash, and prefix and "
                "suffix are compared exactly, upper and lower case included.")
    else:
        hint = f"these should have invoked it and did not: {', '.join(missed)}."
    return wrong(f"{hint} (invoked by: {', '.join(sorted(triggered)) or 'nothing'})")


def _filter_rules_problem(rules: Any) -> str:
    if isinstance(rules, dict):
        return 'give a list of rules, e.g. [{"Name": "prefix", "Value": "..."}, ...], not a single dict.'
    if not isinstance(rules, (list, tuple)) or not all(isinstance(rule, dict) for rule in rules):
        return 'give a list of rules, each a dict such as {"Name": "prefix", "Value": "uploads/"}.'
    for rule in rules:
        if set(rule) != {"Name", "Value"}:
            return f'each rule has exactly two keys, "Name" and "Value"; {rule!r} does not.'
        if not isinstance(rule["Name"], str):
            return f'a rule\'s Name is text: "prefix" or "suffix"; {rule!r} has no such Name.'
        if not isinstance(rule["Value"], str) or not rule["Value"]:
            return f"a rule's Value is a non-empty string; {rule!r} is not."
    # S3 itself refuses a Name other than prefix or suffix (the check shows its answer); the local AWS accepts a
    # second rule of the same kind, which S3 refuses ("Cannot specify more than one prefix rule in a filter.").
    names = [rule["Name"].strip().lower() for rule in rules]
    if names.count("prefix") > 1 or names.count("suffix") > 1:
        return ("S3 allows one prefix and one suffix per configuration (and reads no wildcards): "
                "for two prefixes you would need two configurations.")
    return ""


def _remove_bucket(s3: Any, bucket: str) -> None:
    try:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
        for key in S3_TEST_KEYS:
            s3.delete_object(Bucket=bucket, Key=key)
        s3.delete_bucket(Bucket=bucket)
    except Exception:  # noqa: BLE001 - tidying up only
        pass


# ---------------------------------------------------------------------------------------------- exercise 3

#: Test orders for exercise 3: (order id, country, total), and whether the subscriber should get each.
SNS_TEST_ORDERS = [
    ("o-1", "DE", 50, True),
    ("o-2", "FR", 20, True),
    ("o-3", "IT", 120.5, True),
    ("o-4", "ES", 80, False),
    ("o-5", "DE", 19.99, False),
    ("o-6", "US", 500, False),
    ("o-7", "DE", None, False),  # no total attribute
    ("o-8", None, 60, False),  # no country attribute
    ("o-9", "PL", 75, False),  # another European country: "anything but ES and US" is not the answer
]


@never_raises
def check_sns_filter_policy(policy: Any, function_name: str = "ship-from-eu") -> bool:
    """Exercise 3: a filter policy that lets through orders to DE, FR or IT with a total of at least 20."""
    import boto3

    if _has_placeholder(policy) or policy == {}:
        return not_yet('write the filter policy as a dict, e.g. {"country": [...], "total": [...]}.')
    if not isinstance(policy, dict):
        return wrong(f"a filter policy is a dict (sent as JSON); you gave {type(policy).__name__}.")
    unknown = [name for name in policy if name not in ("country", "total")]
    if unknown:
        return wrong(f"the messages carry two attributes, country and total; {unknown[0]!r} is not one of them "
                     "(names are compared exactly).")
    for name, condition in policy.items():
        if not isinstance(condition, list):
            return wrong(f'each attribute takes a list of allowed values, e.g. "{name}": [...]; '
                         f"{condition!r} is not a list.")
    total = policy.get("total", [])
    if total and all(isinstance(value, (int, float, str)) for value in total):
        return wrong(f'"total": {json.dumps(total)} lists exact values: it would let through only a total equal '
                     'to one of them. A comparison is written {"numeric": [">=", 20]}.')
    function_arn = arn_of_function(function_name)
    if function_arn is None:
        return not_yet(f"there is no function named {function_name!r} yet: run the cell's deploy line first.")
    sns, lambda_client = boto3.client("sns"), boto3.client("lambda")
    topic = sns.create_topic(Name=f"orders-check-{uuid.uuid4().hex[:10]}")["TopicArn"]
    try:
        lambda_client.add_permission(FunctionName=function_name, StatementId=f"sns-{topic.rsplit(':', 1)[1]}",
                                     Action="lambda:InvokeFunction", Principal="sns.amazonaws.com", SourceArn=topic)
        try:
            sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn,
                          Attributes={"FilterPolicy": json.dumps(policy)})
        except sns.exceptions.ClientError as error:
            message = str(error.response["Error"].get("Message", "")).splitlines()[0]
            return wrong(f"SNS refused the filter policy: {message}")
        for order, country, amount, _ in SNS_TEST_ORDERS:
            attributes = {}
            if country is not None:
                attributes["country"] = {"DataType": "String", "StringValue": country}
            if amount is not None:
                attributes["total"] = {"DataType": "Number", "StringValue": str(amount)}
            sns.publish(TopicArn=topic, Message=order, MessageAttributes=attributes)
        _wait_for_background()
        received = {record["Sns"]["Message"] for event in _recorded_events(function_name)
                    for record in event.get("Records", []) if record.get("Sns", {}).get("TopicArn") == topic}
    finally:
        try:
            sns.delete_topic(TopicArn=topic)
        except Exception:  # noqa: BLE001 - tidying up only
            pass
    if not received and _ran_without_recording(function_name):
        return wrong(f"{function_name} ran, but did not log its events: deploy it with event_recorder.handler, as "
                     "the cell does.")
    wanted = {order for order, _, _, should in SNS_TEST_ORDERS if should}
    if received == wanted:
        return correct(f"{len(wanted)} of {len(SNS_TEST_ORDERS)} orders reached the function: keys are ANDed, "
                       "the values in a list are ORed, and an order without an attribute the policy names is left "
                       "out.")
    described = {order: f"{order} ({country or 'no country'}, {'no total' if amount is None else amount})"
                 for order, country, amount, _ in SNS_TEST_ORDERS}
    if received & {"o-4", "o-6", "o-8", "o-9"}:
        hint = 'orders outside DE, FR and IT got through: add "country": ["DE", "FR", "IT"].'
    elif received & {"o-5", "o-7"}:
        hint = "an order under 20 (or with no total) got through: add a numeric condition on total."
    elif "o-2" not in received and {"o-1", "o-3"} <= received:
        hint = 'the order of exactly 20 was left out: "at least 20" is ">=", not ">".'
    elif not received:
        hint = "no order got through: compare each condition with the orders' attributes (country, total)."
    else:
        hint = "compare your conditions with these orders."
    got = ", ".join(described[order] for order in sorted(received)) or "none"
    should = ", ".join(described[order] for order in sorted(wanted))
    return wrong(f"{hint} Received: {got}. Wanted: {should}.")


# ---------------------------------------------------------------------------------------------- shared


def _has_placeholder(value: Any) -> bool:
    """True for ..., None, or a list/dict that still holds a ... anywhere."""
    if unanswered(value):
        return True
    if isinstance(value, dict):
        return any(_has_placeholder(item) for item in value.values())
    if isinstance(value, (list, tuple, set)):
        return any(_has_placeholder(item) for item in value)
    return False


def _wait_for_background() -> None:
    from helpers.notebook import wait_for_background

    wait_for_background(30)


def _log_messages(function_name: str) -> list[str]:
    from helpers.observe import log_lines

    return log_lines(function_name)


def _recorded_events(function_name: str) -> list[dict]:
    events = []
    for message in _log_messages(function_name):
        if message.startswith("EVENT "):
            try:
                events.append(json.loads(message[len("EVENT "):]))
            except ValueError:
                pass
    return [event for event in events if isinstance(event, dict)]


def _ran_without_recording(function_name: str) -> bool:
    messages = _log_messages(function_name)
    return any(message.startswith("START ") for message in messages) and not any(
        message.startswith("EVENT ") for message in messages)
