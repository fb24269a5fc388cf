"""Logs every event it receives, and which service sent it: S3, SNS or EventBridge each have their own shape.

A function invoked asynchronously has no caller waiting for its answer, so its log is where you see what it
did. This one writes two lines per event: a short description, and the whole event as JSON after "EVENT ".
"""

import json


def handler(event, context):
    print(f"{context.function_name}: {describe(event)}")
    print("EVENT " + json.dumps(event))
    return "recorded"


def describe(event):
    """One line saying where the event came from, told apart by the fields each service sends."""
    records = event.get("Records") if isinstance(event, dict) else None
    if records and records[0].get("eventSource") == "aws:s3":  # S3: lower-case "eventSource"
        s3 = records[0]["s3"]
        return f"S3 {records[0]['eventName']} s3://{s3['bucket']['name']}/{s3['object']['key']}"
    if records and records[0].get("EventSource") == "aws:sns":  # SNS: capital "EventSource"
        sns = records[0]["Sns"]
        attributes = {name: value["Value"] for name, value in sns["MessageAttributes"].items()}
        return f"SNS message {sns['Message']!r}, attributes {attributes}"
    if isinstance(event, dict) and "detail-type" in event:  # EventBridge: source, detail-type, detail
        return f"EventBridge {event['source']} / {event['detail-type']} at {event['time']}: {event['detail']}"
    return f"a direct invocation: {event!r}"
