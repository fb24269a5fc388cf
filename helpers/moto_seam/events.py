"""EventBridge, in moto: rules deliver to Lambda, and schedules are checked as AWS checks them.

* ``Rule.send_to_targets`` (PutEvents): disabled and schedule-only rules take no events; an event that matches a
  rule goes to the rule's Lambda targets through ``RuleTargets`` (asynchronously; moto 5.2.5 raised
  NotImplementedError for them), to its other targets with moto's own code (also ``send_to_other_targets``, which
  the scheduler uses).
* ``EventsBackend.put_rule``: schedule expressions validated as AWS does (moto accepts ``cron(bogus)``); the
  scheduler learns when a rule was (re)defined, where rate schedules count from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from moto.events.exceptions import ValidationException as EventsValidationException
from moto.events.models import EventsBackend, Rule, events_backends

from helpers.event_sources.shared import as_datetime, iso_seconds
from helpers.schedule import is_valid

from .parts import Seam
from .registry import REGISTRY
from .state import rule_view
from .views import RuleView


@REGISTRY.method(Rule, "send_to_targets")
def send_to_targets(seam: Seam, rule: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
    if rule.state != "ENABLED" or not rule.event_pattern.get_pattern():
        return
    if not rule.event_pattern.matches_event(original_event):
        return
    others = [target for target in rule.targets if ":lambda:" not in target["Arn"]]
    if others:
        _send_with_moto(rule, others, original_event, transform_input)
    if len(others) < len(rule.targets):
        event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
        if isinstance(event.get("time"), (int, float)):  # moto keeps epoch seconds; AWS sends ISO 8601
            event["time"] = iso_seconds(as_datetime(event["time"]))
        seam.rule_targets.deliver(rule_view(rule), event)


def send_to_other_targets(rule: RuleView, event: Mapping[str, Any]) -> None:
    """Send an event to a rule's non-Lambda targets (SQS, logs, other buses) with moto's own code."""
    others = [target for target in rule.targets if ":lambda:" not in target["Arn"]]
    bus = events_backends[rule.account_id][rule.region].event_buses.get("default")
    moto_rule = None if bus is None else bus.rules.get(rule.name)
    if others and moto_rule is not None:
        _send_with_moto(moto_rule, others, dict(event), True)


def transform_input(transformer: Mapping[str, Any], event: Mapping[str, Any]) -> str:
    """What a target with an InputTransformer receives, by moto's implementation of EventBridge's templates."""
    from moto.events.utils import EventTemplateParser

    result = EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                       input_paths_map=transformer.get("InputPathsMap", {}), event=dict(event))
    return result if isinstance(result, str) else json.dumps(result)


def _send_with_moto(rule: Rule, targets: Sequence[Mapping[str, Any]], event: dict[str, Any],
                    transform_input: bool) -> None:
    saved = rule.targets
    rule.targets = list(targets)
    try:
        REGISTRY.original(Rule, "send_to_targets")(rule, event, transform_input)
    finally:
        rule.targets = saved


@REGISTRY.method(EventsBackend, "put_rule")
def put_rule(seam: Seam, backend: EventsBackend, name: str, *args: Any, **kwargs: Any) -> Any:
    expression = kwargs.get("scheduled_expression")
    if expression and not is_valid(expression):
        raise EventsValidationException("Parameter ScheduleExpression is not valid.")
    rule = seam.original(EventsBackend, "put_rule")(backend, name, *args, **kwargs)
    if expression:
        seam.schedules.rule_created(rule.arn)
    return rule
