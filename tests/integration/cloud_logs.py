"""Reading a function's CloudWatch Logs in tests: every line, oldest first, across its streams."""

from __future__ import annotations

import json
from typing import Any


def log_messages(logs_client: Any, name: str) -> list[str]:
    """Every log line the function has written so far (none if it has no log group yet)."""
    group = f"/aws/lambda/{name}"
    try:
        streams = logs_client.describe_log_streams(logGroupName=group)["logStreams"]
    except logs_client.exceptions.ResourceNotFoundException:
        return []
    events: list[dict] = []
    for stream in streams:
        token = None
        while True:
            kwargs = {"nextToken": token} if token else {"startFromHead": True}
            page = logs_client.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"], **kwargs)
            events += page["events"]
            if not page["events"] or page["nextForwardToken"] == token:
                break
            token = page["nextForwardToken"]
    events.sort(key=lambda event: event["timestamp"])  # stable: lines of one stream keep their order
    return [event["message"] for event in events]


def recorded_events(logs_client: Any, name: str) -> list[dict]:
    """The events a recorder handler printed as ``EVENT <json>``."""
    return [json.loads(line[6:]) for line in log_messages(logs_client, name) if line.startswith("EVENT ")]
