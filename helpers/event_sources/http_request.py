"""An HTTP request as API Gateway and function URLs describe it to Lambda: path and query, headers, body,
and payload format 2.0's common shape."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from .shared import Body, HeaderValues, clf_time, epoch_millis


# ---------------------------------------------------------------------------------------------- HTTP requests


def split_path(path: str, query: HeaderValues | None) -> tuple[str, list[tuple[str, str]]]:
    """The path without any ?query, and the query as (name, value) pairs: the path's first, then ``query``."""
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/', not {path!r}")
    path, _, raw = path.partition("?")
    pairs = parse_qsl(raw, keep_blank_values=True) if raw else []
    for name, values in (query or {}).items():
        pairs.extend((name, value) for value in values_of(values))
    return path, pairs


def values_of(values: str | Sequence[str] | Any) -> list[str]:
    if isinstance(values, str):
        return [values]
    if isinstance(values, Sequence):
        return [str(value) for value in values]
    return [str(values)]


def grouped(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def raw_query(pairs: Sequence[tuple[str, str]]) -> str:
    """The query string as a client sends it: percent-encoded, in order, repeated names repeated."""
    return urlencode(list(pairs), quote_via=quote)


def encode_body(body: Body, is_base64_encoded: bool) -> tuple[str | None, bool, int, str | None]:
    """(body text, isBase64Encoded, length in bytes, a content type to assume if the caller gave none)."""
    if body is None:
        return None, is_base64_encoded, 0, None
    if isinstance(body, (bytes, bytearray)):
        return base64.b64encode(bytes(body)).decode("ascii"), True, len(body), "application/octet-stream"
    if isinstance(body, str):
        if is_base64_encoded:
            try:
                length = len(base64.b64decode(body, validate=True))
            except ValueError:
                length = len(body)
            return body, True, length, "application/octet-stream"
        return body, False, len(body.encode("utf-8")), "application/json" if is_json(body) else "text/plain"
    text = json.dumps(body)
    return text, False, len(text.encode("utf-8")), "application/json"


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def merge_headers(defaults: Mapping[str, str], given: HeaderValues | None) -> dict[str, list[str]]:
    """Default headers overridden by the caller's (names compared case-insensitively), sorted by name."""
    merged: dict[str, tuple[str, list[str]]] = {name.lower(): (name, [value]) for name, value in defaults.items()}
    for name, values in (given or {}).items():
        merged[name.lower()] = (name, values_of(values))
    return {name: values for _, (name, values) in sorted(merged.items())}


def header_value(headers: Mapping[str, list[str]], name: str) -> str | None:
    for key, values in headers.items():
        if key.lower() == name:
            return values[-1]
    return None


def template_parameters(template: str, path: str) -> dict[str, str] | None:
    """Path parameters from a resource or route template: ("/orders/{id}", "/orders/o-1") -> {"id": "o-1"}."""
    names: list[str] = []
    pattern = ""
    for part in re.split(r"(\{[^{}]+\})", template):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            greedy = name.endswith("+")
            names.append(name[:-1] if greedy else name)
            pattern += "(.+)" if greedy else "([^/]+)"
        else:
            pattern += re.escape(part)
    if not names:
        return None
    match = re.fullmatch(pattern, path)
    return dict(zip(names, match.groups())) if match else None




def v2_headers(defaults: Mapping[str, str], given: HeaderValues | None,
                cookies: Sequence[str] | None) -> tuple[dict[str, str], list[str]]:
    """Payload 2.0 headers (lower-case names, repeated values comma-joined) and cookies (taken out of Cookie)."""
    merged = merge_headers(defaults, given)
    headers = {name.lower(): ",".join(values) for name, values in merged.items() if name.lower() != "cookie"}
    jar = list(cookies or [])
    for name, values in merged.items():
        if name.lower() == "cookie":
            jar.extend(cookie.strip() for value in values for cookie in value.split(";") if cookie.strip())
    return dict(sorted(headers.items())), jar


def v2_request_context(*, account_id: str, api_id: str, domain: str, method: str, path: str, source_ip: str,
                       user_agent: str, request_id: str, route_key: str, stage: str,
                       moment: datetime) -> dict[str, Any]:
    """Payload format 2.0's requestContext (an HTTP API's, or a function URL's with its URL id as the API id)."""
    return {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": domain,
        "domainPrefix": api_id,
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                 "userAgent": user_agent},
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": clf_time(moment),
        "timeEpoch": epoch_millis(moment),
    }


def v2_event(route_key: str, raw_path: str, pairs: Sequence[tuple[str, str]], headers: dict[str, str],
              cookies: list[str], context: dict[str, Any], body_text: str | None, base64_encoded: bool,
              path_parameters: Mapping[str, str] | None, *, function_url: bool) -> dict[str, Any]:
    event: dict[str, Any] = {"version": "2.0", "routeKey": route_key, "rawPath": raw_path,
                             "rawQueryString": raw_query(pairs)}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if pairs:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in grouped(pairs).items()}
    event["requestContext"] = context
    if body_text is not None:
        event["body"] = body_text
    if function_url:
        event["pathParameters"] = None
    elif path_parameters:
        event["pathParameters"] = dict(path_parameters)
    event["isBase64Encoded"] = base64_encoded
    if function_url:
        event["stageVariables"] = None
    return event
