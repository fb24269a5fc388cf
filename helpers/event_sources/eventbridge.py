"""EventBridge events, as a rule's Lambda target receives them (scheduled events too)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from .shared import (Moment, random_uuid, as_datetime, iso_seconds)


# ---------------------------------------------------------------------------------------------- EventBridge


def eventbridge_event(source: str, detail_type: str, detail: Mapping[str, Any], *, account_id: str = "123456789012",
                      region: str = "us-east-1", resources: Sequence[str] = (), time: Moment = None,
                      event_id: str | None = None) -> dict[str, Any]:
    """An EventBridge event as a rule's Lambda target receives it (version "0", id, detail-type, source, ...)."""
    return {
        "version": "0",
        "id": event_id if event_id is not None else random_uuid(),
        "detail-type": detail_type,
        "source": source,
        "account": account_id,
        "time": iso_seconds(as_datetime(time)),
        "region": region,
        "resources": list(resources),
        "detail": copy.deepcopy(dict(detail)),
    }


def scheduled_event(rule_arn: str, *, account_id: str = "123456789012", region: str = "us-east-1",
                    time: Moment = None) -> dict[str, Any]:
    """The event a scheduled EventBridge rule sends: detail-type "Scheduled Event", source "aws.events"."""
    return eventbridge_event("aws.events", "Scheduled Event", {}, account_id=account_id, region=region,
                             resources=[rule_arn], time=time)
