"""DynamoDB Streams records, as Lambda delivers them."""

from __future__ import annotations

import base64
import copy
import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .shared import (Moment, UTC, EPOCH, random_hex, as_datetime)


_STREAM_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")

DYNAMODB_EVENT_VERSION = "1.1"


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
    moment = as_datetime(time)

    change: dict[str, Any] = {
        "ApproximateCreationDateTime": float(math.floor((moment - EPOCH).total_seconds())),
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
        "eventID": random_hex(32),
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
    created = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(milliseconds=digest % (365 * 86_400_000))
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
