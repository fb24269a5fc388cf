"""What every event shape shares: ids and times, fresh per call or seeded (``fixed_ids``), and the types
of what callers pass in."""

from __future__ import annotations

import base64
import hashlib
import random
import secrets
import string
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Any, Union

from helpers import arns

Moment = Union[datetime, float, int, str, None]
"""When something happened: a datetime (naive = UTC), epoch seconds, an ISO 8601 string, or None for now."""

HeaderValues = Mapping[str, Union[str, Sequence[str]]]
"""Headers or query parameters: a value, or a list of values for a name that appears more than once."""

Body = Union[str, bytes, Mapping[str, Any], Sequence[Any], None]
"""A request body: text, bytes (sent base64-encoded), or a dict/list (sent as JSON text)."""


DEFAULT_USER_AGENT = "curl/8.11.1"

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits


# ---------------------------------------------------------------------------------------------- ids and times

_seeded: ContextVar[random.Random | None] = ContextVar("event_sources_seeded", default=None)


@contextmanager
def fixed_ids(seed: int | str = 0) -> Iterator[None]:
    """Inside this block, generated ids come from a generator seeded with ``seed``: same calls, same events."""
    token = _seeded.set(random.Random(seed))
    try:
        yield
    finally:
        _seeded.reset(token)


def random_bytes(count: int) -> bytes:
    rng = _seeded.get()
    return rng.randbytes(count) if rng is not None else secrets.token_bytes(count)


def random_chars(count: int, alphabet: str) -> str:
    rng = _seeded.get()
    pick = rng.choice if rng is not None else secrets.choice
    return "".join(pick(alphabet) for _ in range(count))


def random_hex(count: int, *, upper: bool = False) -> str:
    text = random_bytes((count + 1) // 2).hex()[:count]
    return text.upper() if upper else text


def random_uuid() -> str:
    return str(uuid.UUID(bytes=random_bytes(16), version=4))


def random_b64(byte_count: int, *, urlsafe: bool = False) -> str:
    raw = random_bytes(byte_count)
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode("ascii")


def stable_chars(seed_text: str, count: int, alphabet: str) -> str:
    """Characters derived from ``seed_text``: the same text always gives the same id (for things that do not
    change from one event to the next, such as a bucket owner's id or an API's deployment id)."""
    digest = int.from_bytes(hashlib.sha256(seed_text.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(count):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def as_datetime(time: Moment) -> datetime:
    if time is None:
        return datetime.now(UTC)
    if isinstance(time, datetime):
        return time.replace(tzinfo=UTC) if time.tzinfo is None else time.astimezone(UTC)
    if isinstance(time, str):
        return as_datetime(datetime.fromisoformat(time.replace("Z", "+00:00")))
    if isinstance(time, (int, float)) and not isinstance(time, bool):
        return EPOCH + timedelta(seconds=time)
    raise TypeError(f"time must be a datetime, epoch seconds or an ISO 8601 string, not {type(time).__name__}")


def iso_millis(moment: datetime) -> str:
    """2026-11-22T08:00:00.000Z (S3, SNS)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def iso_seconds(moment: datetime) -> str:
    """2026-11-22T08:00:00Z (EventBridge)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def clf_time(moment: datetime) -> str:
    """22/Nov/2026:08:00:00 +0000 (API Gateway, function URLs); English month names whatever the locale."""
    return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment:%H:%M:%S} +0000"


def epoch_millis(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def xray_trace_header(moment: datetime) -> str:
    """An X-Ray trace header as API Gateway and function URLs add it: Root=1-<epoch hex>-<24 hex>."""
    return f"Root=1-{int((moment - EPOCH).total_seconds()):08x}-{random_hex(24)}"


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn_region(arn: str, what: str) -> str:
    try:
        return arns.parts_of(arn)[3]
    except ValueError:
        raise ValueError(f"{what} must be an ARN (arn:aws:service:region:account:resource), not {arn!r}") from None
