"""API Gateway's events: a REST API's proxy integration (payload format 1.0) and an HTTP API's (2.0)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .shared import (Moment, HeaderValues, Body, DEFAULT_USER_AGENT, LOWER_ALNUM, random_bytes, random_chars,
                     random_hex, random_uuid, random_b64, stable_chars, as_datetime, clf_time, epoch_millis,
                     xray_trace_header)
from .http_request import (split_path, grouped, encode_body, merge_headers, header_value, template_parameters,
                           v2_headers, v2_event, v2_request_context)


def api_gateway_rest_event(method: str, path: str, *, resource: str | None = None, body: Body = None,
                           query: HeaderValues | None = None, headers: HeaderValues | None = None,
                           path_parameters: Mapping[str, str] | None = None, stage: str = "prod",
                           api_id: str | None = None, account_id: str = "123456789012", region: str = "us-east-1",
                           source_ip: str = "198.51.100.42", is_base64_encoded: bool = False,
                           time: Moment = None) -> dict[str, Any]:
    """A REST API (API Gateway v1) Lambda proxy event, payload format 1.0, as in events/apigateway_rest_v1.json.

    ``resource`` is the matched resource ("/orders/{orderId}"; default: the path); path parameters are read
    from it unless given. Repeated headers or query names take a list; the single-value fields hold the last.
    """
    method = method.upper()
    moment = as_datetime(time)
    path, pairs = split_path(path, query)
    resource = resource or path
    api_id = api_id if api_id is not None else random_chars(10, LOWER_ALNUM)
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    body_text, base64_encoded, _, content_type = encode_body(body, is_base64_encoded)
    edge_ip = f"15.158.{int.from_bytes(random_bytes(1), 'big')}.{int.from_bytes(random_bytes(1), 'big') % 254 + 1}"

    defaults = {
        "Accept": "*/*",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Is-Desktop-Viewer": "true",
        "CloudFront-Is-Mobile-Viewer": "false",
        "CloudFront-Is-SmartTV-Viewer": "false",
        "CloudFront-Is-Tablet-Viewer": "false",
        "CloudFront-Viewer-ASN": "64496",
        "CloudFront-Viewer-Country": "US",
        "Host": domain,
        "User-Agent": DEFAULT_USER_AGENT,
        "Via": f"2.0 {random_hex(32)}.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": random_b64(40, urlsafe=True),
        "X-Amzn-Trace-Id": xray_trace_header(moment),
        "X-Forwarded-For": f"{source_ip}, {edge_ip}",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if content_type is not None:
        defaults["Content-Type"] = content_type
    merged = merge_headers(defaults, headers)
    grouped_query = grouped(pairs)
    if path_parameters is None:
        path_parameters = template_parameters(resource, path)

    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in merged.items()},
        "multiValueHeaders": merged,
        "queryStringParameters": {name: values[-1] for name, values in grouped_query.items()} or None,
        "multiValueQueryStringParameters": grouped_query or None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": account_id,
            "apiId": api_id,
            "deploymentId": stable_chars(f"deployment:{api_id}:{stage}", 6, LOWER_ALNUM),
            "domainName": domain,
            "domainPrefix": api_id,
            "extendedRequestId": random_b64(11, urlsafe=True),
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": header_value(merged, "user-agent"),
                "userArn": None,
            },
            "path": f"/{stage}{path}",
            "protocol": "HTTP/1.1",
            "requestId": random_uuid(),
            "requestTime": clf_time(moment),
            "requestTimeEpoch": epoch_millis(moment),
            "resourceId": stable_chars(f"resource:{api_id}:{resource}", 6, LOWER_ALNUM),
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body_text,
        "isBase64Encoded": base64_encoded,
    }




def http_api_event(method: str, path: str, *, route_key: str | None = None, body: Body = None,
                   query: HeaderValues | None = None, headers: HeaderValues | None = None,
                   cookies: Sequence[str] | None = None, path_parameters: Mapping[str, str] | None = None,
                   stage: str = "$default", api_id: str | None = None, account_id: str = "123456789012",
                   region: str = "us-east-1", source_ip: str = "198.51.100.42", is_base64_encoded: bool = False,
                   time: Moment = None) -> dict[str, Any]:
    """An HTTP API (API Gateway v2) Lambda event, payload format 2.0, as in events/http_api_v2.json.

    ``route_key`` defaults to "METHOD /path"; path parameters are read from it ("GET /orders/{orderId}")
    unless given. rawQueryString is built from ``query``; headers are lower-cased, repeated ones comma-joined.
    A stage other than $default appears at the front of rawPath, as on AWS.
    """
    method = method.upper()
    moment = as_datetime(time)
    path, pairs = split_path(path, query)
    route_key = route_key or f"{method} {path}"
    api_id = api_id if api_id is not None else random_chars(10, LOWER_ALNUM)
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    body_text, base64_encoded, length, content_type = encode_body(body, is_base64_encoded)
    defaults = {
        "accept": "*/*",
        "content-length": str(length),
        "host": domain,
        "user-agent": DEFAULT_USER_AGENT,
        "x-amzn-trace-id": xray_trace_header(moment),
        "x-forwarded-for": source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if content_type is not None:
        defaults["content-type"] = content_type
    header_map, jar = v2_headers(defaults, headers, cookies)
    if path_parameters is None and route_key != "$default":
        path_parameters = template_parameters(route_key.partition(" ")[2] or route_key, path)
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    context = v2_request_context(account_id=account_id, api_id=api_id, domain=domain, method=method, path=raw_path,
                                 source_ip=source_ip, user_agent=header_map.get("user-agent", ""),
                                 request_id=random_b64(11, urlsafe=True), route_key=route_key, stage=stage,
                                 moment=moment)
    return v2_event(route_key, raw_path, pairs, header_map, jar, context, body_text, base64_encoded,
                     path_parameters, function_url=False)
