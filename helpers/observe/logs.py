"""A function's CloudWatch log, read back: where Lambda writes what the code printed and its START, END and
REPORT lines, in the log group ``/aws/lambda/<function name>``, one log stream per execution environment.

    >>> log_lines("slow-worker")                  # every line, oldest first, from all its streams
    >>> log_lines("audit", "[ERROR]")             # only the lines that start with "[ERROR]"
    >>> invocations("order-worker")[-1]["lines"]  # what the last invocation logged
    >>> received_events("print-event")           # the events a handler logged as ``EVENT <json>``
"""

from __future__ import annotations

import json
from typing import Any


def log_events(function_name: str) -> list[dict[str, Any]]:
    """Every CloudWatch Logs event of a function (all its log streams), oldest first, each with its
    ``logStreamName``; none if the function has no log yet."""
    import boto3

    logs = boto3.client("logs")
    group = f"/aws/lambda/{function_name}"
    streams: list[dict[str, Any]] = []
    try:
        for page in logs.get_paginator("describe_log_streams").paginate(logGroupName=group):  # 50 to a page
            streams += page["logStreams"]
    except logs.exceptions.ResourceNotFoundException:  # it has never run, so it has no log group yet
        return []
    events: list[dict[str, Any]] = []
    for stream in streams:
        token = None
        while True:  # a stream's events come a page at a time; the same token again means its end
            kwargs = {"nextToken": token} if token else {"startFromHead": True}
            page = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"], **kwargs)
            events += [{**event, "logStreamName": stream["logStreamName"]} for event in page["events"]]
            if not page["events"] or page["nextForwardToken"] == token:
                break
            token = page["nextForwardToken"]
    events.sort(key=lambda event: event["timestamp"])  # stable: the lines of one stream keep their order
    return events


def log_lines(function_name: str, prefix: str = "") -> list[str]:
    """The function's log lines (oldest first) that start with ``prefix`` (all of them by default)."""
    return [event["message"] for event in log_events(function_name) if event["message"].startswith(prefix)]


def received_events(function_name: str) -> list[Any]:
    """The events a function logged as JSON after ``EVENT `` (handlers/print_event.py, event_recorder.py and
    thumbnailer.py do), oldest first."""
    return [json.loads(line[len("EVENT "):]) for line in log_lines(function_name, "EVENT ")]


def invocations(function_name: str) -> list[dict[str, Any]]:
    """Each invocation in the function's log, oldest first: its ``request_id``, its ``environment`` (the log
    stream: one per execution environment) and the ``lines`` the code wrote (START, END and REPORT left out)."""
    found: list[dict[str, Any]] = []
    current: dict[str, dict[str, Any]] = {}  # log stream -> the invocation running in it
    for event in log_events(function_name):
        stream, message = event["logStreamName"], event["message"]
        words = message.split()
        if message.startswith("START RequestId: ") and len(words) >= 3:
            current[stream] = {"request_id": words[2], "environment": stream, "lines": []}
            found.append(current[stream])
        elif message.startswith(("END RequestId: ", "REPORT RequestId: ")):
            current.pop(stream, None)
        elif stream in current:
            current[stream]["lines"].append(message)
    return found


def print_invocations(function_name: str, since: int = 0) -> None:
    """Print what each invocation (from the ``since``-th on) logged, one invocation a line; an error's traceback is
    cut to its first line."""
    for number, invocation in enumerate(invocations(function_name)[since:], 1):
        print(f"invocation {number}: " + " | ".join(line.split("\n")[0] for line in invocation["lines"]))
