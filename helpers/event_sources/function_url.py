"""Function URL events (payload format 2.0, with the URL's own request context)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .shared import (Moment, HeaderValues, Body, DEFAULT_USER_AGENT, LOWER_ALNUM, random_chars, random_uuid,
                     as_datetime, xray_trace_header)
from .http_request import split_path, encode_body, v2_event, v2_headers, v2_request_context


def function_url_event(method: str, path: str, *, body: Body = None, query: HeaderValues | None = None,
                       headers: HeaderValues | None = None, cookies: Sequence[str] | None = None,
                       url_id: str | None = None, account_id: str = "123456789012", region: str = "us-east-1",
                       source_ip: str = "198.51.100.42", is_base64_encoded: bool = False,
                       time: Moment = None) -> dict[str, Any]:
    """A request to a Lambda function URL (https://<url_id>.lambda-url.<region>.on.aws), payload format 2.0.

    routeKey and stage are the placeholder "$default"; pathParameters and stageVariables are null, as the
    Lambda guide's request payload shows them.
    """
    method = method.upper()
    moment = as_datetime(time)
    path, pairs = split_path(path, query)
    url_id = url_id if url_id is not None else random_chars(32, LOWER_ALNUM)
    domain = f"{url_id}.lambda-url.{region}.on.aws"
    body_text, base64_encoded, length, content_type = encode_body(body, is_base64_encoded)
    defaults = {
        "accept": "*/*",
        "host": domain,
        "user-agent": DEFAULT_USER_AGENT,
        "x-amzn-tls-cipher-suite": "ECDHE-RSA-AES128-GCM-SHA256",
        "x-amzn-tls-version": "TLSv1.2",
        "x-amzn-trace-id": xray_trace_header(moment),
        "x-forwarded-for": source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if body_text is not None:
        defaults["content-length"] = str(length)
        if content_type is not None:
            defaults["content-type"] = content_type
    header_map, jar = v2_headers(defaults, headers, cookies)
    context = v2_request_context(account_id=account_id, api_id=url_id, domain=domain, method=method, path=path,
                                 source_ip=source_ip, user_agent=header_map.get("user-agent", ""),
                                 request_id=random_uuid(), route_key="$default", stage="$default", moment=moment)
    return v2_event("$default", path, pairs, header_map, jar, context, body_text, base64_encoded, None,
                     function_url=True)
