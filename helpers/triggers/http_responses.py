"""From a function's answer to an HTTP response, by API Gateway's and function URLs' rules (payload formats 1.0
and 2.0)."""

from __future__ import annotations

import base64
import json
from typing import Any

Response = tuple[int, dict[str, str], bytes, list[str]]  # status, headers, body, Set-Cookie values


def response_v2(payload: bytes, *, error_status: int) -> Response:
    """A function's answer as the HTTP response, by payload format 2.0's rules."""
    try:
        document = json.loads(payload) if payload else None
    except ValueError:
        return error_status, {"Content-Type": "text/plain"}, b"Internal Server Error", []
    if isinstance(document, dict) and "statusCode" in document:
        try:
            status = int(document["statusCode"])
        except (TypeError, ValueError):
            return error_status, {"Content-Type": "text/plain"}, b"Internal Server Error", []
        headers = {str(name): str(value) for name, value in (document.get("headers") or {}).items()}
        body = document.get("body") or ""
        if not isinstance(body, str):
            body = json.dumps(body)
        data = base64.b64decode(body) if document.get("isBase64Encoded") else body.encode("utf-8")
        return status, headers, data, [str(cookie) for cookie in document.get("cookies") or []]
    return 200, {"Content-Type": "application/json"}, payload, []


def response_v1(payload: bytes) -> Response:
    """A function's answer as the HTTP response, by payload format 1.0's rules (REST APIs): it must be an object
    with statusCode; headers and multiValueHeaders are merged; the body must be a string."""
    bad = json_response(502, {"message": "Internal server error"})
    try:
        document = json.loads(payload) if payload else None
    except ValueError:
        return bad
    if not isinstance(document, dict) or "statusCode" not in document:
        return bad
    try:
        status = int(document["statusCode"])
    except (TypeError, ValueError):
        return bad
    body = document.get("body")
    if body is not None and not isinstance(body, str):
        return bad
    headers: dict[str, str] = {}
    cookies: list[str] = []
    merged: dict[str, list[str]] = {name: [str(value)] for name, value in (document.get("headers") or {}).items()}
    for name, values in (document.get("multiValueHeaders") or {}).items():
        merged.setdefault(name, []).extend(str(value) for value in (values or []))
    for name, values in merged.items():
        if name.lower() == "set-cookie":
            cookies += values
        else:
            headers[name] = ", ".join(dict.fromkeys(values))
    data = base64.b64decode(body) if body and document.get("isBase64Encoded") else (body or "").encode("utf-8")
    return status, headers, data, cookies


def json_response(status: int, document: dict[str, Any]) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(document).encode(), []


def throttled_response(door: str, reason: str) -> Response:
    """What the caller gets when Lambda throttles the function. A function URL passes Lambda's 429 on, with its body
    (Lambda's Invoke API answer; the URL's exact body is not in the reference notes). API Gateway answers its own
    500: Lambda's 429 is an integration failure to it (AWS on re:Post, checked 2026-12: "There is no way to map
    Lambda's 429 to any status code. It will always be considered as 500"; it now maps to the INTEGRATION_FAILURE
    gateway response), with each API type's default body."""
    if door == "lambda-url":
        return 429, {"Content-Type": "application/json", "Retry-After": "1"}, json.dumps(
            {"Reason": reason, "Type": "User", "message": "Rate Exceeded."}).encode(), []
    if door == "rest-api":
        return json_response(500, {"message": "Internal server error"})
    return json_response(500, {"message": "Internal Server Error"})
