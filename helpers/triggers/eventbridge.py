"""EventBridge (its old name: CloudWatch Events) in front of Lambda: rules route events to targets, and
scheduled rules fire on the workbook clock.

moto stores rules and targets and matches event patterns, but cannot send to a Lambda target, lets disabled rules
deliver, and never fires a schedule (``../shared/reference/moto-notes.md`` §3.3, §4). Here:

* ``deliver(rule, event)`` sends an event to a rule's targets: Lambda targets through the asynchronous queue
  (EventBridge invokes Lambda asynchronously), the others (SQS, logs, ...) through moto;
* ``Scheduler`` checks every enabled scheduled rule once a workbook minute and fires those that are due.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timezone
from typing import Any

from helpers.clock import WorkbookClock
from helpers.runtime.environment import InvocationRequest

from .schedule import ScheduleExpressionError, fires_at, parse_schedule

log = logging.getLogger(__name__)


def iso_time(moment: datetime | float) -> str:
    """EventBridge's event time format: 2026-11-22T08:00:00Z."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(rule: Any, moment: datetime) -> dict[str, Any]:
    """The event a scheduled rule sends (the shape lives in helpers/event_builder.py)."""
    from helpers.event_builder import scheduled_event as build

    return build(rule.arn, account_id=rule.account_id, region=rule.region_name, time=moment)


def target_payload(target: dict[str, Any], event: dict[str, Any]) -> str:
    """What a target receives: the event, or the target's constant Input, or its InputTransformer's result."""
    if target.get("Input"):
        return target["Input"]
    transformer = target.get("InputTransformer")
    if transformer:
        from moto.events.utils import EventTemplateParser

        result = EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                           input_paths_map=transformer.get("InputPathsMap", {}), event=event)
        return result if isinstance(result, str) else json.dumps(result)
    return json.dumps(event)


def deliver(rule: Any, event: dict[str, Any], engine: Any, send_others: Any) -> int:
    """Send ``event`` to every target of ``rule``; return how many Lambda functions it was queued for."""
    from moto.awslambda.utils import get_backend as lambda_backend

    lambda_targets = [target for target in rule.targets if ":lambda:" in target["Arn"]]
    others = [target for target in rule.targets if ":lambda:" not in target["Arn"]]
    if others:
        send_others(others, event)
    for target in lambda_targets:
        region = target["Arn"].split(":")[3]
        try:
            function = lambda_backend(rule.account_id, region).get_function(target["Arn"])
        except Exception:  # noqa: BLE001 - a deleted function: EventBridge counts a failed invocation, no more
            log.info("EventBridge rule %s: target %s does not exist", rule.name, target["Arn"])
            continue
        from helpers.lambda_service.resource_policy import allows

        if not allows(function, "events.amazonaws.com", rule.arn, rule.account_id):
            # AWS: the invocation fails (a FailedInvocations metric) and the event is dropped; add_permission fixes it
            log.warning("EventBridge rule %s may not invoke %s: its resource-based policy has no statement for "
                        "events.amazonaws.com (add_permission)", rule.name, function.function_name)
            continue
        request = InvocationRequest(str(uuid.uuid4()), target_payload(target, event).encode(), function.function_arn)
        engine.invoke_in_background(function, request)
    return len(lambda_targets)


class Scheduler:
    """Fires EventBridge scheduled rules on the workbook clock, checking once every workbook minute."""

    def __init__(self, clock: WorkbookClock, engine: Any, send_others: Any) -> None:
        self.clock = clock
        self.engine = engine
        self.send_others = send_others
        self.fired: list[tuple[str, str]] = []  # (rule name, event time), for notebooks and tests
        self._created: dict[str, datetime] = {}  # rule ARN -> when the scheduler first saw it (rate origin)
        first_minute = (int(clock.now()) // 60 + 1) * 60
        clock.call_at(first_minute, self._tick)

    def rule_created(self, rule: Any) -> None:
        """Remember when a scheduled rule was (re)defined: rate schedules count from then."""
        self._created[rule.arn] = datetime.fromtimestamp(self.clock.now(), timezone.utc)

    def _tick(self, due: float) -> None:
        moment = datetime.fromtimestamp(due, timezone.utc)
        try:
            for rule in _scheduled_rules():
                self._maybe_fire(rule, moment)
        finally:
            self.clock.call_at(due + 60, self._tick)

    def _maybe_fire(self, rule: Any, moment: datetime) -> None:
        try:
            schedule = parse_schedule(rule.scheduled_expression)
        except ScheduleExpressionError:
            return
        created = self._created.setdefault(rule.arn, moment)
        if fires_at(schedule, moment, created):
            self.fired.append((rule.name, iso_time(moment)))
            deliver(rule, scheduled_event(rule, moment), self.engine, lambda targets, event: self.send_others(
                rule, targets, event))


def _scheduled_rules() -> list[Any]:
    """Enabled rules with a schedule, in every account and region that exists in the local AWS."""
    from moto.events.models import events_backends

    from .moto_state import existing_backends

    rules = []
    for _, _, backend in existing_backends(events_backends):
        bus = backend.event_buses.get("default")
        if bus is not None:
            rules += [rule for rule in list(bus.rules.values())
                      if rule.scheduled_expression and rule.state == "ENABLED" and rule.targets]
    return rules
