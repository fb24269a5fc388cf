"""S3 event notifications, as S3 sends them to Lambda."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from .shared import (Moment, EPOCH, UPPER_ALNUM, random_hex, random_b64, stable_chars, as_datetime, iso_millis,
                     partition_of)


S3_EVENT_VERSION = "2.1"  # the Lambda guide's example; the S3 guide's newer examples show 2.4+ (see the report)
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"  # the ETag of an empty object (MD5 of no bytes)

S3_SCHEMA_VERSION = "1.0"


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
    moment = as_datetime(time)
    removed = event_name.startswith("ObjectRemoved:")

    obj: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if not removed:
        obj["size"] = size
        obj["eTag"] = etag or (EMPTY_MD5 if size == 0 else random_hex(32))
    if version_id is not None:
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer if sequencer is not None else _s3_sequencer(moment)

    record = {
        "eventVersion": S3_EVENT_VERSION,
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": iso_millis(moment),
        "eventName": event_name,
        "userIdentity": {"principalId": principal_id if principal_id is not None else _s3_principal(account_id)},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {
            "x-amz-request-id": random_hex(16, upper=True),
            "x-amz-id-2": random_b64(56),
        },
        "s3": {
            "s3SchemaVersion": S3_SCHEMA_VERSION,
            "configurationId": configuration_id,
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": _s3_owner(account_id)},
                "arn": f"arn:{partition_of(region)}:s3:::{bucket}",
            },
            "object": obj,
        },
    }
    return {"Records": [record]}


def _s3_sequencer(moment: datetime) -> str:
    """18 upper-case hex digits, the epoch seconds after a 00 prefix, as in S3's sequencers, then random ones."""
    return f"00{int((moment - EPOCH).total_seconds()):08X}{random_hex(8, upper=True)}"


def _s3_principal(account_id: str) -> str:
    """The caller's principal id, as S3 shows an IAM user's: AWS:AIDA + 17 characters (the same per account)."""
    return "AWS:AIDA" + stable_chars(f"user:{account_id}", 17, UPPER_ALNUM)


def _s3_owner(account_id: str) -> str:
    """The bucket owner's short id, 14 upper-case characters starting with A (the same per account)."""
    return "A" + stable_chars(f"owner:{account_id}", 13, UPPER_ALNUM)
