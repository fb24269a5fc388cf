"""DynamoDB, in moto: stream records are stamped on the workbook clock (``StreamRecord.__init__``), so that records
age as the clock moves (MaximumRecordAgeInSeconds, iterator age) even after ``clock.advance``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from moto.dynamodb.models.table import StreamRecord

from .parts import Seam
from .registry import REGISTRY


@REGISTRY.method(StreamRecord, "__init__")
def stream_record_init(seam: Seam, record: StreamRecord, table: Any, stream_type: str, event_name: str, old: Any,
                       new: Any, seq: int) -> None:
    seam.original(StreamRecord, "__init__")(record, table, stream_type, event_name, old, new, seq)
    stamped = datetime.fromtimestamp(seam.clock.now(), timezone.utc).replace(tzinfo=None)
    record.record["dynamodb"]["ApproximateCreationDateTime"] = stamped
