"""EventBridge through boto3: event patterns route PutEvents to Lambda, schedules fire on the workbook clock."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers.observe.logs import received_events

RECORDER = "import json\ndef handler(event, context):\n    print('EVENT ' + json.dumps(event))\n    return 'ok'\n"


def function_arn(cloud, name: str) -> str:
    return f"arn:aws:lambda:{cloud.region}:{cloud.account_id}:function:{name}"


@pytest.fixture
def events_client(cloud):
    return boto3.client("events")


def target(events_client, rule: str, name: str, cloud, target_id: str = "t") -> None:
    """What a Lambda target needs, as on AWS: the function's permission for this rule, then the target."""
    rule_arn = events_client.describe_rule(Name=rule)["Arn"]
    boto3.client("lambda").add_permission(FunctionName=name, StatementId=f"events-{rule}"[:100],
                                          Action="lambda:InvokeFunction", Principal="events.amazonaws.com",
                                          SourceArn=rule_arn)
    events_client.put_targets(Rule=rule, Targets=[{"Id": target_id, "Arn": function_arn(cloud, name)}])


def test_a_daily_schedule_fires_at_exactly_the_expected_times_over_a_simulated_week(
        deploy, events_client, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    rule = f"daily-cleanup-{time.monotonic_ns()}"
    events_client.put_rule(Name=rule, ScheduleExpression="cron(0 8 * * ? *)")
    target(events_client, rule, name, cloud, "cleanup")
    start = cloud.clock.datetime()
    started = time.monotonic()
    cloud.clock.advance(7 * 24 * 3600)
    assert cloud.wait_for_background(30)
    seconds = time.monotonic() - started
    times = sorted(event["time"] for event in received_events(name))
    print(f"a simulated week in {seconds:.1f} s: {len(times)} invocations, at {times}")
    expected = [moment.strftime("%Y-%m-%dT%H:%M:%SZ") for moment in _daily_at_eight_after(start, 7)]
    assert times == expected
    event = received_events(name)[0]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [f"arn:aws:events:{cloud.region}:{cloud.account_id}:rule/{rule}"]
    events_client.remove_targets(Rule=rule, Ids=["cleanup"])
    events_client.delete_rule(Name=rule)


def _daily_at_eight_after(start: datetime, days: int) -> list[datetime]:
    from helpers.schedule import next_fire_times

    return next_fire_times("cron(0 8 * * ? *)", start, days)


def test_a_rate_schedule_counts_from_its_creation(deploy, events_client, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    rule = f"every-five-{time.monotonic_ns()}"
    events_client.put_rule(Name=rule, ScheduleExpression="rate(5 minutes)")
    target(events_client, rule, name, cloud)
    cloud.clock.advance(31 * 60)
    assert cloud.wait_for_background(30)
    times = sorted(datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%SZ") for e in received_events(name))
    assert len(times) == 6 and {(b - a).total_seconds() for a, b in zip(times, times[1:])} == {300}
    events_client.disable_rule(Name=rule)
    cloud.clock.advance(15 * 60)
    assert cloud.wait_for_background(30)
    assert len(received_events(name)) == 6  # a disabled schedule does not fire
    events_client.remove_targets(Rule=rule, Ids=["t"])
    events_client.delete_rule(Name=rule)


@pytest.mark.parametrize("expression", ["cron(0 8 * * * *)", "cron(bogus)", "rate(1 minutes)", "rate(0 hours)"])
def test_an_invalid_schedule_is_rejected(events_client, expression):
    with pytest.raises(ClientError) as caught:
        events_client.put_rule(Name=f"bad-{time.monotonic_ns()}", ScheduleExpression=expression)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException" and error["Message"] == "Parameter ScheduleExpression is not valid."


def test_put_events_reach_lambda_targets_of_matching_enabled_rules(deploy, events_client, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    rule = f"big-orders-{time.monotonic_ns()}"
    events_client.put_rule(Name=rule, EventPattern=json.dumps(
        {"source": ["shop.orders"], "detail": {"total": [{"numeric": [">=", 100]}]}}))
    target(events_client, rule, name, cloud)
    answer = events_client.put_events(Entries=[
        {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({"id": "o-1", "total": 250})},
        {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({"id": "o-2", "total": 20})},
        {"Source": "shop.returns", "DetailType": "OrderPlaced", "Detail": json.dumps({"id": "o-3", "total": 900})},
    ])
    assert answer["FailedEntryCount"] == 0
    assert cloud.wait_for_background(30)
    (event,) = received_events(name)
    assert event["detail"] == {"id": "o-1", "total": 250} and event["detail-type"] == "OrderPlaced"
    assert event["account"] == cloud.account_id and event["region"] == cloud.region
    assert datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    events_client.disable_rule(Name=rule)
    events_client.put_events(Entries=[{"Source": "shop.orders", "DetailType": "OrderPlaced",
                                       "Detail": json.dumps({"id": "o-4", "total": 500})}])
    assert cloud.wait_for_background(30)
    assert len(received_events(name)) == 1  # disabled rules deliver nothing


def test_a_target_without_the_functions_permission_gets_nothing(deploy, events_client, cloud):
    """AWS counts a failed invocation and drops the event; add_permission for events.amazonaws.com fixes it."""
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    rule = f"no-permission-{time.monotonic_ns()}"
    events_client.put_rule(Name=rule, EventPattern=json.dumps({"source": ["shop.orders"]}))
    events_client.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": function_arn(cloud, name)}])
    events_client.put_events(Entries=[{"Source": "shop.orders", "DetailType": "X", "Detail": "{}"}])
    assert cloud.wait_for_background(30)
    assert received_events(name) == []


def test_a_schedule_only_rule_takes_no_put_events(deploy, events_client, cloud):
    name = deploy("recorder.handler", files={"recorder.py": RECORDER})
    rule = f"nightly-{time.monotonic_ns()}"
    events_client.put_rule(Name=rule, ScheduleExpression="cron(0 3 * * ? *)")
    target(events_client, rule, name, cloud)
    events_client.put_events(Entries=[{"Source": "anything", "DetailType": "X", "Detail": "{}"}])
    assert cloud.wait_for_background(30)
    assert received_events(name) == []
    events_client.remove_targets(Rule=rule, Ids=["t"])
    events_client.delete_rule(Name=rule)
