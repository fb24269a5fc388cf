"""Events in the shapes AWS sends them to Lambda: S3, SNS, EventBridge, API Gateway (REST and HTTP APIs),
function URLs and DynamoDB Streams.

Every call makes a new event with fresh ids and timestamps, unless you pass your own:

    >>> event = s3_event("uploads", "in/data file.csv", size=1024)
    >>> event["Records"][0]["s3"]["object"]["key"]          # URL-encoded, as S3 sends it
    'in/data+file.csv'
    >>> api = http_api_event("GET", "/orders/o-1", route_key="GET /orders/{orderId}", query={"include": "items"})
    >>> api["pathParameters"], api["rawQueryString"]
    ({'orderId': 'o-1'}, 'include=items')

``time`` takes a ``datetime`` (naive means UTC), epoch seconds (a workbook clock's ``now()``) or an ISO 8601
string. Inside ``with fixed_ids("seed"):`` the generated ids come from a seeded generator, so the same calls make
the same events; ``events/generate.py`` uses this to write the sample files in ``events/``.

Where the shapes come from: the AWS Lambda, S3, API Gateway and DynamoDB developer guides (payload examples and
field tables) and captured events in aws-powertools' test suite. Values a real event carries but that nobody
can predict (request ids, signatures, trace ids) are random in the same alphabet and length as the real ones.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
import random
import re
import secrets
import string
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Union
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

__all__ = [
    "api_gateway_rest_event",
    "dynamodb_stream_event",
    "dynamodb_stream_record",
    "eventbridge_event",
    "fixed_ids",
    "function_url_event",
    "http_api_event",
    "s3_event",
    "scheduled_event",
    "sns_event",
    "sqs_event",
    "sqs_record",
]

Moment = Union[datetime, float, int, str, None]
"""When something happened: a datetime (naive = UTC), epoch seconds, an ISO 8601 string, or None for now."""

HeaderValues = Mapping[str, Union[str, Sequence[str]]]
"""Headers or query parameters: a value, or a list of values for a name that appears more than once."""

Body = Union[str, bytes, Mapping[str, Any], Sequence[Any], None]
"""A request body: text, bytes (sent base64-encoded), or a dict/list (sent as JSON text)."""

S3_EVENT_VERSION = "2.1"  # the Lambda guide's example; the S3 guide's newer examples show 2.4+ (see the report)
S3_SCHEMA_VERSION = "1.0"
SNS_EVENT_VERSION = "1.0"
DYNAMODB_EVENT_VERSION = "1.1"
DEFAULT_USER_AGENT = "curl/8.11.1"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"  # the ETag of an empty object (MD5 of no bytes)

_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits
_STREAM_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


# ---------------------------------------------------------------------------------------------- ids and times

_seeded: ContextVar[random.Random | None] = ContextVar("event_builder_seeded", default=None)


@contextmanager
def fixed_ids(seed: int | str = 0) -> Iterator[None]:
    """Inside this block, generated ids come from a generator seeded with ``seed``: same calls, same events."""
    token = _seeded.set(random.Random(seed))
    try:
        yield
    finally:
        _seeded.reset(token)


def _random_bytes(count: int) -> bytes:
    rng = _seeded.get()
    return rng.randbytes(count) if rng is not None else secrets.token_bytes(count)


def _random_chars(count: int, alphabet: str) -> str:
    rng = _seeded.get()
    pick = rng.choice if rng is not None else secrets.choice
    return "".join(pick(alphabet) for _ in range(count))


def _random_hex(count: int, *, upper: bool = False) -> str:
    text = _random_bytes((count + 1) // 2).hex()[:count]
    return text.upper() if upper else text


def _random_uuid() -> str:
    return str(uuid.UUID(bytes=_random_bytes(16), version=4))


def _random_b64(byte_count: int, *, urlsafe: bool = False) -> str:
    raw = _random_bytes(byte_count)
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode("ascii")


def _stable_chars(seed_text: str, count: int, alphabet: str) -> str:
    """Characters derived from ``seed_text``: the same text always gives the same id (for things that do not
    change from one event to the next, such as a bucket owner's id or an API's deployment id)."""
    digest = int.from_bytes(hashlib.sha256(seed_text.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(count):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def _moment(time: Moment) -> datetime:
    if time is None:
        return datetime.now(_UTC)
    if isinstance(time, datetime):
        return time.replace(tzinfo=_UTC) if time.tzinfo is None else time.astimezone(_UTC)
    if isinstance(time, str):
        return _moment(datetime.fromisoformat(time.replace("Z", "+00:00")))
    if isinstance(time, (int, float)) and not isinstance(time, bool):
        return _EPOCH + timedelta(seconds=time)
    raise TypeError(f"time must be a datetime, epoch seconds or an ISO 8601 string, not {type(time).__name__}")


def _iso_millis(moment: datetime) -> str:
    """2026-11-22T08:00:00.000Z (S3, SNS)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _iso_seconds(moment: datetime) -> str:
    """2026-11-22T08:00:00Z (EventBridge)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def _clf_time(moment: datetime) -> str:
    """22/Nov/2026:08:00:00 +0000 (API Gateway, function URLs); English month names whatever the locale."""
    return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment:%H:%M:%S} +0000"


def _epoch_millis(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _trace_id(moment: datetime) -> str:
    """An X-Ray trace header as API Gateway and function URLs add it: Root=1-<epoch hex>-<24 hex>."""
    return f"Root=1-{int((moment - _EPOCH).total_seconds()):08x}-{_random_hex(24)}"


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


# ---------------------------------------------------------------------------------------------- S3


def s3_event(bucket: str, key: str, *, event_name: str = "ObjectCreated:Put", size: int = 0, etag: str = "",
             version_id: str | None = None, sequencer: str | None = None, region: str = "us-east-1",
             account_id: str = "123456789012", configuration_id: str = "", source_ip: str = "127.0.0.1",
             principal_id: str | None = None, time: Moment = None) -> dict[str, Any]:
    """An S3 event notification as Lambda receives it: ``{"Records": [one record]}``.

    The object key is URL-encoded as S3 does ("red flower.jpg" arrives as "red+flower.jpg"). ``ObjectRemoved:*``
    events carry no size or eTag. Without ``etag`` an empty object gets the MD5 of no bytes, any other a random
    one; without ``sequencer`` one is made from the time (later events on a key get greater sequencers).
    """
    if event_name.startswith("s3:"):  # the notification configuration's spelling, s3:ObjectCreated:Put
        event_name = event_name[3:]
    if "*" in event_name:
        raise ValueError(f"{event_name!r} is a pattern for a notification configuration; an event names one "
                         "type, such as 'ObjectCreated:Put'")
    moment = _moment(time)
    removed = event_name.startswith("ObjectRemoved:")

    obj: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if not removed:
        obj["size"] = size
        obj["eTag"] = etag or (EMPTY_MD5 if size == 0 else _random_hex(32))
    if version_id is not None:
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer if sequencer is not None else _s3_sequencer(moment)

    record = {
        "eventVersion": S3_EVENT_VERSION,
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": _iso_millis(moment),
        "eventName": event_name,
        "userIdentity": {"principalId": principal_id if principal_id is not None else _s3_principal(account_id)},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {
            "x-amz-request-id": _random_hex(16, upper=True),
            "x-amz-id-2": _random_b64(56),
        },
        "s3": {
            "s3SchemaVersion": S3_SCHEMA_VERSION,
            "configurationId": configuration_id,
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": _s3_owner(account_id)},
                "arn": f"arn:{_partition(region)}:s3:::{bucket}",
            },
            "object": obj,
        },
    }
    return {"Records": [record]}


def _s3_sequencer(moment: datetime) -> str:
    """18 upper-case hex digits, the epoch seconds after a 00 prefix, as in S3's sequencers, then random ones."""
    return f"00{int((moment - _EPOCH).total_seconds()):08X}{_random_hex(8, upper=True)}"


def _s3_principal(account_id: str) -> str:
    """The caller's principal id, as S3 shows an IAM user's: AWS:AIDA + 17 characters (the same per account)."""
    return "AWS:AIDA" + _stable_chars(f"user:{account_id}", 17, _UPPER_ALNUM)


def _s3_owner(account_id: str) -> str:
    """The bucket owner's short id, 14 upper-case characters starting with A (the same per account)."""
    return "A" + _stable_chars(f"owner:{account_id}", 13, _UPPER_ALNUM)


# ---------------------------------------------------------------------------------------------- SNS


def sns_event(topic_arn: str, message: str, *, subject: str | None = None,
              message_attributes: Mapping[str, Mapping[str, Any]] | None = None, subscription_arn: str | None = None,
              message_id: str | None = None, time: Moment = None) -> dict[str, Any]:
    """An SNS notification as Lambda receives it: ``{"Records": [{"EventSource": "aws:sns", ..., "Sns": {...}}]}``.

    ``message_attributes`` is in the form Publish takes, ``{"name": {"DataType": "String", "StringValue": "x"}}``;
    the event shows it as ``{"name": {"Type": "String", "Value": "x"}}`` (binary values base64-encoded).
    """
    moment = _moment(time)
    region = _arn_region(topic_arn, "topic_arn")
    subscription_arn = subscription_arn if subscription_arn is not None else f"{topic_arn}:{_random_uuid()}"
    endpoint = f"https://sns.{region}.amazonaws.com"
    certificate = f"SimpleNotificationService-{_stable_chars(region, 32, '0123456789abcdef')}.pem"  # per region
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": SNS_EVENT_VERSION,
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id if message_id is not None else _random_uuid(),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": _iso_millis(moment),
            "SignatureVersion": "1",
            "Signature": _random_b64(256),  # an RSA-2048 signature's length
            "SigningCertUrl": f"{endpoint}/{certificate}",
            "UnsubscribeUrl": f"{endpoint}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}",
            "MessageAttributes": _sns_attributes(message_attributes or {}),
        },
    }]}


def _sns_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    converted = {}
    for name, attribute in attributes.items():
        data_type = attribute.get("DataType")
        if not data_type:
            raise ValueError(f"message attribute {name!r} needs a DataType (String, Number, Binary or String.Array)")
        if data_type.startswith("Binary"):
            value = attribute.get("BinaryValue")
            if isinstance(value, (bytes, bytearray)):
                value = base64.b64encode(bytes(value)).decode("ascii")
        else:
            value = attribute.get("StringValue")
        if value is None:
            wanted = "BinaryValue" if data_type.startswith("Binary") else "StringValue"
            raise ValueError(f"message attribute {name!r} ({data_type}) needs a {wanted}")
        converted[name] = {"Type": data_type, "Value": value}
    return converted


def _arn_region(arn: str, what: str) -> str:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"{what} must be an ARN (arn:aws:service:region:account:resource), not {arn!r}")
    return parts[3]


# ---------------------------------------------------------------------------------------------- EventBridge


def eventbridge_event(source: str, detail_type: str, detail: Mapping[str, Any], *, account_id: str = "123456789012",
                      region: str = "us-east-1", resources: Sequence[str] = (), time: Moment = None,
                      event_id: str | None = None) -> dict[str, Any]:
    """An EventBridge event as a rule's Lambda target receives it (version "0", id, detail-type, source, ...)."""
    return {
        "version": "0",
        "id": event_id if event_id is not None else _random_uuid(),
        "detail-type": detail_type,
        "source": source,
        "account": account_id,
        "time": _iso_seconds(_moment(time)),
        "region": region,
        "resources": list(resources),
        "detail": copy.deepcopy(dict(detail)),
    }


def scheduled_event(rule_arn: str, *, account_id: str = "123456789012", region: str = "us-east-1",
                    time: Moment = None) -> dict[str, Any]:
    """The event a scheduled EventBridge rule sends: detail-type "Scheduled Event", source "aws.events"."""
    return eventbridge_event("aws.events", "Scheduled Event", {}, account_id=account_id, region=region,
                             resources=[rule_arn], time=time)


# ---------------------------------------------------------------------------------------------- HTTP requests


def _split_path(path: str, query: HeaderValues | None) -> tuple[str, list[tuple[str, str]]]:
    """The path without any ?query, and the query as (name, value) pairs: the path's first, then ``query``."""
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/', not {path!r}")
    path, _, raw = path.partition("?")
    pairs = parse_qsl(raw, keep_blank_values=True) if raw else []
    for name, values in (query or {}).items():
        pairs.extend((name, value) for value in _values(values))
    return path, pairs


def _values(values: str | Sequence[str] | Any) -> list[str]:
    if isinstance(values, str):
        return [values]
    if isinstance(values, Sequence):
        return [str(value) for value in values]
    return [str(values)]


def _grouped(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _raw_query(pairs: Sequence[tuple[str, str]]) -> str:
    """The query string as a client sends it: percent-encoded, in order, repeated names repeated."""
    return urlencode(list(pairs), quote_via=quote)


def _body(body: Body, is_base64_encoded: bool) -> tuple[str | None, bool, int, str | None]:
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
        return body, False, len(body.encode("utf-8")), "application/json" if _is_json(body) else "text/plain"
    text = json.dumps(body)
    return text, False, len(text.encode("utf-8")), "application/json"


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _merge_headers(defaults: Mapping[str, str], given: HeaderValues | None) -> dict[str, list[str]]:
    """Default headers overridden by the caller's (names compared case-insensitively), sorted by name."""
    merged: dict[str, tuple[str, list[str]]] = {name.lower(): (name, [value]) for name, value in defaults.items()}
    for name, values in (given or {}).items():
        merged[name.lower()] = (name, _values(values))
    return {name: values for _, (name, values) in sorted(merged.items())}


def _header(headers: Mapping[str, list[str]], name: str) -> str | None:
    for key, values in headers.items():
        if key.lower() == name:
            return values[-1]
    return None


def _template_parameters(template: str, path: str) -> dict[str, str] | None:
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
    moment = _moment(time)
    path, pairs = _split_path(path, query)
    resource = resource or path
    api_id = api_id if api_id is not None else _random_chars(10, _LOWER_ALNUM)
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    body_text, base64_encoded, _, content_type = _body(body, is_base64_encoded)
    edge_ip = f"15.158.{int.from_bytes(_random_bytes(1), 'big')}.{int.from_bytes(_random_bytes(1), 'big') % 254 + 1}"

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
        "Via": f"2.0 {_random_hex(32)}.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": _random_b64(40, urlsafe=True),
        "X-Amzn-Trace-Id": _trace_id(moment),
        "X-Forwarded-For": f"{source_ip}, {edge_ip}",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if content_type is not None:
        defaults["Content-Type"] = content_type
    merged = _merge_headers(defaults, headers)
    grouped_query = _grouped(pairs)
    if path_parameters is None:
        path_parameters = _template_parameters(resource, path)

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
            "deploymentId": _stable_chars(f"deployment:{api_id}:{stage}", 6, _LOWER_ALNUM),
            "domainName": domain,
            "domainPrefix": api_id,
            "extendedRequestId": _random_b64(11, urlsafe=True),
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
                "userAgent": _header(merged, "user-agent"),
                "userArn": None,
            },
            "path": f"/{stage}{path}",
            "protocol": "HTTP/1.1",
            "requestId": _random_uuid(),
            "requestTime": _clf_time(moment),
            "requestTimeEpoch": _epoch_millis(moment),
            "resourceId": _stable_chars(f"resource:{api_id}:{resource}", 6, _LOWER_ALNUM),
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body_text,
        "isBase64Encoded": base64_encoded,
    }


def _v2_headers(defaults: Mapping[str, str], given: HeaderValues | None,
                cookies: Sequence[str] | None) -> tuple[dict[str, str], list[str]]:
    """Payload 2.0 headers (lower-case names, repeated values comma-joined) and cookies (taken out of Cookie)."""
    merged = _merge_headers(defaults, given)
    headers = {name.lower(): ",".join(values) for name, values in merged.items() if name.lower() != "cookie"}
    jar = list(cookies or [])
    for name, values in merged.items():
        if name.lower() == "cookie":
            jar.extend(cookie.strip() for value in values for cookie in value.split(";") if cookie.strip())
    return dict(sorted(headers.items())), jar


def _v2_event(route_key: str, raw_path: str, pairs: Sequence[tuple[str, str]], headers: dict[str, str],
              cookies: list[str], context: dict[str, Any], body_text: str | None, base64_encoded: bool,
              path_parameters: Mapping[str, str] | None, *, function_url: bool) -> dict[str, Any]:
    event: dict[str, Any] = {"version": "2.0", "routeKey": route_key, "rawPath": raw_path,
                             "rawQueryString": _raw_query(pairs)}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if pairs:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in _grouped(pairs).items()}
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
    moment = _moment(time)
    path, pairs = _split_path(path, query)
    route_key = route_key or f"{method} {path}"
    api_id = api_id if api_id is not None else _random_chars(10, _LOWER_ALNUM)
    domain = f"{api_id}.execute-api.{region}.amazonaws.com"
    body_text, base64_encoded, length, content_type = _body(body, is_base64_encoded)
    defaults = {
        "accept": "*/*",
        "content-length": str(length),
        "host": domain,
        "user-agent": DEFAULT_USER_AGENT,
        "x-amzn-trace-id": _trace_id(moment),
        "x-forwarded-for": source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if content_type is not None:
        defaults["content-type"] = content_type
    header_map, jar = _v2_headers(defaults, headers, cookies)
    if path_parameters is None and route_key != "$default":
        path_parameters = _template_parameters(route_key.partition(" ")[2] or route_key, path)
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    context = {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": domain,
        "domainPrefix": api_id,
        "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                 "userAgent": header_map.get("user-agent", "")},
        "requestId": _random_b64(11, urlsafe=True),
        "routeKey": route_key,
        "stage": stage,
        "time": _clf_time(moment),
        "timeEpoch": _epoch_millis(moment),
    }
    return _v2_event(route_key, raw_path, pairs, header_map, jar, context, body_text, base64_encoded,
                     path_parameters, function_url=False)


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
    moment = _moment(time)
    path, pairs = _split_path(path, query)
    url_id = url_id if url_id is not None else _random_chars(32, _LOWER_ALNUM)
    domain = f"{url_id}.lambda-url.{region}.on.aws"
    body_text, base64_encoded, length, content_type = _body(body, is_base64_encoded)
    defaults = {
        "accept": "*/*",
        "host": domain,
        "user-agent": DEFAULT_USER_AGENT,
        "x-amzn-tls-cipher-suite": "ECDHE-RSA-AES128-GCM-SHA256",
        "x-amzn-tls-version": "TLSv1.2",
        "x-amzn-trace-id": _trace_id(moment),
        "x-forwarded-for": source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if body_text is not None:
        defaults["content-length"] = str(length)
        if content_type is not None:
            defaults["content-type"] = content_type
    header_map, jar = _v2_headers(defaults, headers, cookies)
    context = {
        "accountId": account_id,
        "apiId": url_id,
        "domainName": domain,
        "domainPrefix": url_id,
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                 "userAgent": header_map.get("user-agent", "")},
        "requestId": _random_uuid(),
        "routeKey": "$default",
        "stage": "$default",
        "time": _clf_time(moment),
        "timeEpoch": _epoch_millis(moment),
    }
    return _v2_event("$default", path, pairs, header_map, jar, context, body_text, base64_encoded, None,
                     function_url=True)


# ---------------------------------------------------------------------------------------------- DynamoDB Streams


def dynamodb_stream_record(event_name: str, keys: Mapping[str, Any], *, new_image: Mapping[str, Any] | None = None,
                           old_image: Mapping[str, Any] | None = None, table_arn: str, sequence_number: str | int,
                           stream_view_type: str = "NEW_AND_OLD_IMAGES", region: str = "us-east-1",
                           time: Moment = None) -> dict[str, Any]:
    """One DynamoDB Streams record as Lambda delivers it; keys and images are plain Python values.

    Values become DynamoDB JSON (numbers as {"N": "2"}); floats are taken as their decimal text. The images the
    stream view type leaves out are left out, and an image lacking a key attribute gets it from ``keys``.
    ``table_arn`` may also be a stream ARN (…/stream/<label>); for a table ARN the label is the same for
    every record of that table. SizeBytes follows DynamoDB's item size rules.
    """
    if event_name not in ("INSERT", "MODIFY", "REMOVE"):
        raise ValueError(f"event_name must be INSERT, MODIFY or REMOVE, not {event_name!r}")
    if stream_view_type not in _STREAM_VIEW_TYPES:
        raise ValueError(f"stream_view_type must be one of {', '.join(_STREAM_VIEW_TYPES)}, not {stream_view_type!r}")
    if event_name == "INSERT" and old_image is not None:
        raise ValueError("an INSERT has no old image: the item did not exist before")
    if event_name == "REMOVE" and new_image is not None:
        raise ValueError("a REMOVE has no new image: the item no longer exists")
    moment = _moment(time)

    change: dict[str, Any] = {
        "ApproximateCreationDateTime": float(math.floor((moment - _EPOCH).total_seconds())),
        "Keys": _to_dynamodb(keys),
    }
    if new_image is not None and stream_view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        change["NewImage"] = _to_dynamodb({**new_image, **{k: v for k, v in keys.items() if k not in new_image}})
    if old_image is not None and stream_view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        change["OldImage"] = _to_dynamodb({**old_image, **{k: v for k, v in keys.items() if k not in old_image}})
    change["SequenceNumber"] = str(sequence_number)
    change["SizeBytes"] = sum(_item_size(change[part]) for part in ("Keys", "NewImage", "OldImage") if part in change)
    change["StreamViewType"] = stream_view_type

    return {
        "eventID": _random_hex(32),
        "eventName": event_name,
        "eventVersion": DYNAMODB_EVENT_VERSION,
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": _stream_arn(table_arn),
    }


def dynamodb_stream_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A batch of DynamoDB Streams records as one Lambda event: ``{"Records": [...]}``."""
    return {"Records": [copy.deepcopy(dict(record)) for record in records]}


def _stream_arn(table_arn: str) -> str:
    if "/stream/" in table_arn:
        return table_arn
    if ":table/" not in table_arn:
        raise ValueError(f"table_arn must be a DynamoDB table ARN (arn:aws:dynamodb:region:account:table/name), "
                         f"not {table_arn!r}")
    # A stream label is the stream's creation time to the millisecond; made up here, but the same for a table.
    digest = int.from_bytes(hashlib.sha256(table_arn.encode("utf-8")).digest()[:8], "big")
    created = datetime(2025, 1, 1, tzinfo=_UTC) + timedelta(milliseconds=digest % (365 * 86_400_000))
    return f"{table_arn}/stream/{created:%Y-%m-%dT%H:%M:%S}.{created.microsecond // 1000:03d}"


def _decimals(value: Any) -> Any:
    """Floats as Decimals (TypeSerializer refuses floats), through lists, sets and dicts."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("DynamoDB numbers cannot be NaN or infinite")
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _decimals(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return {_decimals(item) for item in value}
    if isinstance(value, (list, tuple)):
        return [_decimals(item) for item in value]
    return value


def _to_dynamodb(item: Mapping[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {name: _jsonable(serializer.serialize(_decimals(value))) for name, value in item.items()}


def _jsonable(attribute: Mapping[str, Any]) -> dict[str, Any]:
    """One attribute of TypeSerializer's output as it appears in a stream event: binary values as base64 text,
    and sets (which have no order) sorted, so the same item always looks the same."""
    (kind, value), = attribute.items()
    if kind == "B":
        return {kind: _base64(value)}
    if kind == "BS":
        return {kind: sorted(_base64(blob) for blob in value)}
    if kind == "SS":
        return {kind: sorted(value)}
    if kind == "NS":
        return {kind: sorted(value, key=Decimal)}
    if kind == "L":
        return {kind: [_jsonable(element) for element in value]}
    if kind == "M":
        return {kind: {name: _jsonable(element) for name, element in value.items()}}
    return {kind: value}


def _base64(blob: Any) -> str:
    from boto3.dynamodb.types import Binary

    raw = blob.value if isinstance(blob, Binary) else bytes(blob)
    return base64.b64encode(raw).decode("ascii")


def _item_size(item: Mapping[str, Any]) -> int:
    """DynamoDB's size of an item in DynamoDB JSON: attribute names plus values (developer guide, "Item sizes")."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def _value_size(attribute: Mapping[str, Any]) -> int:
    (kind, value), = attribute.items()
    if kind == "S":
        return len(value.encode("utf-8"))
    if kind == "N":
        return _number_size(value)
    if kind == "B":
        return len(base64.b64decode(value))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(text.encode("utf-8")) for text in value)
    if kind == "NS":
        return sum(_number_size(number) for number in value)
    if kind == "BS":
        return sum(len(base64.b64decode(blob)) for blob in value)
    if kind == "L":
        return 3 + sum(1 + _value_size(element) for element in value)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + _value_size(element) for name, element in value.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def _number_size(text: str) -> int:
    digits = text.lstrip("+-").lower().split("e")[0].replace(".", "").strip("0")
    return math.ceil(len(digits) / 2) + 1


def sqs_record(message_id: str, receipt_handle: str, body: str, *, queue_arn: str, receive_count: int = 1,
               sent_timestamp_ms: int | None = None, first_receive_timestamp_ms: int | None = None,
               sender_id: str = "AROAIWPX5BD2BHG722MW4:sender", message_attributes: Mapping[str, Any] | None = None,
               md5_of_body: str | None = None, group_id: str | None = None, sequence_number: str | None = None,
               deduplication_id: str | None = None) -> dict[str, Any]:
    """One SQS message as an event source mapping hands it to the function.

    ``message_attributes`` comes in the SendMessage API form {"name": {"DataType": ..., "StringValue": ...}}."""
    import hashlib

    now = int(_moment(None).timestamp() * 1000)
    attributes = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(sent_timestamp_ms if sent_timestamp_ms is not None else now),
        "SenderId": sender_id,
        "ApproximateFirstReceiveTimestamp": str(first_receive_timestamp_ms if first_receive_timestamp_ms is not None
                                                else now),
    }
    if group_id is not None:  # FIFO queues
        attributes.update({"SequenceNumber": str(sequence_number or ""), "MessageGroupId": group_id,
                           "MessageDeduplicationId": deduplication_id or ""})
    return {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": attributes,
        "messageAttributes": {
            name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
                   "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
            for name, value in (message_attributes or {}).items()},
        "md5OfBody": md5_of_body or hashlib.md5(body.encode("utf-8")).hexdigest(),  # noqa: S324 - SQS's checksum
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": _arn_region(queue_arn, "queue ARN"),
    }


def sqs_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A batch of SQS records, as one invocation receives it."""
    return {"Records": [dict(record) for record in records]}
