"""An API Gateway (REST, payload 1.0) proxy handler: read the HTTP request from the event, answer with
statusCode, headers and a *string* body. Invalid JSON in the request body gets a 400, not a crash."""

import json
import logging
import os
from datetime import datetime, timezone

logger = logging.getLogger()
logger.setLevel(logging.INFO)  # without this the root logger keeps its default level, WARNING, and drops INFO


def handler(event, context):
    logger.info("request %s for %s, %s MB", context.aws_request_id, context.function_name, context.memory_limit_in_mb)

    method = event.get("httpMethod", "GET")
    path = event.get("path", "/")
    query = event.get("queryStringParameters") or {}  # API Gateway sends null, not {}, when there is no query

    payload = None
    if event.get("body"):
        try:
            payload = json.loads(event["body"])  # the body arrives as a string, even when it is JSON
        except json.JSONDecodeError:
            return _response(400, {"error": "Invalid JSON in request body"}, context)

    stage = os.environ.get("STAGE", "dev")  # configuration comes from environment variables, not from code
    return _response(200, {
        "message": f"Hello from Lambda ({stage})",
        "time": datetime.now(timezone.utc).isoformat(),
        "request": {"method": method, "path": path, "query": query, "body": payload},
    }, context)


def _response(status, document, context):
    # The proxy integration's response format: API Gateway turns this into the HTTP response.
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "X-Request-Id": context.aws_request_id},
        "body": json.dumps(document),
    }
