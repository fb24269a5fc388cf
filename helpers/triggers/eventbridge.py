"""EventBridge (its old name: CloudWatch Events) in front of Lambda: rules route events to targets, and
scheduled rules fire on the workbook clock.

moto stores rules and targets and matches event patterns, but cannot send to a Lambda target, lets disabled rules
deliver, and never fires a schedule (``../shared/reference/moto-notes.md`` §3.3, §4). Here:

* ``LambdaTargets.deliver(rule, event)`` sends an event to a rule's Lambda targets through the asynchronous queue
  (EventBridge invokes Lambda asynchronously); moto sends to the others (SQS, logs, ...);
* ``Scheduler`` checks every enabled scheduled rule once a workbook minute and fires those that are due.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from helpers import arns
from helpers.clock import WorkbookClock
from helpers.event_sources import scheduled_event
from helpers.lambda_service.invoke_api import new_request_id
from helpers.lambda_service.ports import AsyncSubmitter, FunctionDirectory
from helpers.lambda_service.resource_policy import allows
from helpers.moto_seam.events import send_to_other_targets, transform_input
from helpers.moto_seam.state import MotoState
from helpers.moto_seam.views import RuleView
from helpers.runtime.spec import InvocationRequest
from helpers.schedule import ScheduleExpressionError, fires_at, parse_schedule

log = logging.getLogger(__name__)


def target_payload(target: Mapping[str, Any], event: Mapping[str, Any]) -> str:
    """What a target receives: the event, or the target's constant Input, or its InputTransformer's result."""
    if target.get("Input"):
        return target["Input"]
    transformer = target.get("InputTransformer")
    if transformer:
        return transform_input(transformer, event)
    return json.dumps(event)


class LambdaTargets:
    """Delivers events that matched a rule to the rule's Lambda targets, asynchronously, as EventBridge does."""

    def __init__(self, directory: FunctionDirectory, queue: AsyncSubmitter) -> None:
        self._directory = directory
        self._queue = queue

    def deliver(self, rule: RuleView, event: Mapping[str, Any]) -> None:
        for target in rule.targets:
            if ":lambda:" not in target["Arn"]:
                continue
            try:
                function = self._directory.function(target["Arn"], account_id=rule.account_id,
                                                    region=arns.region_of(target["Arn"]))
            except Exception:  # noqa: BLE001 - a deleted function: EventBridge counts a failed invocation, no more
                log.info("EventBridge rule %s: target %s does not exist", rule.name, target["Arn"])
                continue
            if not allows(function, "events.amazonaws.com", rule.arn, rule.account_id):
                # AWS: the invocation fails (a FailedInvocations metric) and the event is dropped; add_permission
                # fixes it
                log.warning("EventBridge rule %s may not invoke %s: its resource-based policy has no statement for "
                            "events.amazonaws.com (add_permission)", rule.name, function.function_name)
                continue
            self._queue.submit(function, InvocationRequest(new_request_id(), target_payload(target, event).encode(),
                                                           target["Arn"]))


class Scheduler:
    """Fires EventBridge scheduled rules on the workbook clock, checking once every workbook minute."""

    def __init__(self, clock: WorkbookClock, state: MotoState, targets: LambdaTargets) -> None:
        self.clock = clock
        self._state = state
        self._targets = targets
        self._created: dict[str, datetime] = {}  # rule ARN -> when the scheduler first saw it (rate origin)
        self._stopped = False
        first_minute = (int(clock.now()) // 60 + 1) * 60
        clock.call_at(first_minute, self._tick)

    def rule_created(self, rule_arn: str) -> None:
        """Remember when a scheduled rule was (re)defined: rate schedules count from then."""
        self._created[rule_arn] = datetime.fromtimestamp(self.clock.now(), timezone.utc)

    def stop(self) -> None:
        self._stopped = True

    def _tick(self, due: float) -> None:
        if self._stopped:
            return
        moment = datetime.fromtimestamp(due, timezone.utc)
        try:
            for rule in self._state.scheduled_rules():
                self._maybe_fire(rule, moment)
        finally:
            self.clock.call_at(due + 60, self._tick)

    def _maybe_fire(self, rule: RuleView, moment: datetime) -> None:
        try:
            schedule = parse_schedule(rule.scheduled_expression or "")
        except ScheduleExpressionError:
            return
        created = self._created.setdefault(rule.arn, moment)
        if fires_at(schedule, moment, created):
            event = scheduled_event(rule.arn, account_id=rule.account_id, region=rule.region, time=moment)
            send_to_other_targets(rule, event)
            self._targets.deliver(rule, event)
