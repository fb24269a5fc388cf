"""Answers every HTTP request with the event Lambda received for it: to see what each front door sends.

The body is the event itself, as JSON. The header X-Lambda-Request-Id is Lambda's id for this invocation
(the one in the START, END and REPORT log lines), which differs from the request's id in the event.
"""

import json


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Lambda-Request-Id": context.aws_request_id},
        "body": json.dumps(event),
    }
