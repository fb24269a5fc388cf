"""DynamoDB Streams event source mappings: one poller per shard, in order, as Lambda's.

What AWS does (``../shared/reference/lambda-facts.md`` §5, as documented in October 2026), and so does this:

* one batch at a time per shard, in order (moto keeps one shard per table); ``BatchSize`` (default 100);
  ``StartingPosition`` TRIM_HORIZON (from the oldest record) or LATEST (from records written after the mapping);
* a failed batch is retried whole, and blocks the shard until it succeeds, its retries run out
  (``MaximumRetryAttempts``, -1 = forever, the default) or its records grow older than
  ``MaximumRecordAgeInSeconds``; then it goes to the on-failure destination (SQS or SNS) as batch information,
  and the shard moves on;
* ``BisectBatchOnFunctionError`` splits a failing batch in two and retries each half, isolating a bad record;
* with ``ReportBatchItemFailures`` the function names the failed records by sequence number, and the poller
  checkpoints at the lowest one: records before it are done, it and those after it are retried.

moto invokes the function inside the write and then forgets the records, even when the function failed; the
mapping is taken off that path and these pollers read moto's stream instead.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from helpers.runtime.environment import InvocationRequest

DEFAULT_BATCH_SIZE = 100
RETRY_DELAY_S = 0.5  # between attempts at a failing batch (real seconds at time scale 1)
log = logging.getLogger(__name__)


class StreamPollers:
    """Runs a poller for every DynamoDB Streams event source mapping in the local AWS."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._workers: dict[str, threading.Thread] = {}
        self._stopped = threading.Event()
        self.stats: dict[str, dict[str, Any]] = {}  # mapping uuid -> counts and iterator age, for notebooks/tests
        threading.Thread(target=self._watch, name="stream-mappings", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        while not self._stopped.wait(0.2):
            for mapping in _stream_mappings():
                if mapping.uuid not in self._workers:
                    table = _table_for(mapping.event_source_arn)
                    start = 0 if (mapping.starting_position or "TRIM_HORIZON") == "TRIM_HORIZON" or table is None \
                        else len(table.stream_shard.items)
                    self.stats[mapping.uuid] = {"batches": 0, "records": 0, "retries": 0, "to_destination": 0,
                                                "iterator_age_s": 0.0}
                    worker = threading.Thread(target=self._poll, args=(mapping.uuid, start), daemon=True,
                                              name=f"stream-poller-{mapping.uuid[:8]}")
                    self._workers[mapping.uuid] = worker
                    worker.start()

    def _poll(self, mapping_uuid: str, position: int) -> None:
        while not self._stopped.is_set():
            mapping = _find_mapping(mapping_uuid)
            if mapping is None:
                return
            table = _table_for(mapping.event_source_arn)
            if not mapping.enabled or table is None or table.stream_shard is None:
                time.sleep(0.1)
                continue
            records = table.stream_shard.items[position:position + (mapping.batch_size or DEFAULT_BATCH_SIZE)]
            stats = self.stats[mapping_uuid]
            stats["iterator_age_s"] = _age_s(records[0], self.engine.clock.now()) if records else 0.0
            if not records:
                time.sleep(0.1)
                continue
            try:
                position += self._deliver(mapping, table, records)
            except Exception:  # noqa: BLE001 - the local AWS stopping under it
                log.debug("stream poller for %s", mapping_uuid, exc_info=True)
                time.sleep(0.1)

    def _deliver(self, mapping: Any, table: Any, batch: list[Any]) -> int:
        """Deliver one batch to the end (success, isolated, or sent to the destination); return records consumed."""
        stats = self.stats[mapping.uuid]
        attempts = 0
        consumed = 0
        while batch and not self._stopped.is_set():
            outcome = self._invoke(mapping, table, batch)
            attempts += 1
            stats["batches"] += 1
            if outcome.error_type is None:
                failed_at = self._first_failure(mapping, outcome.payload, batch)
                if failed_at == len(batch):
                    stats["records"] += len(batch)
                    return consumed + len(batch)
                if failed_at is not None and failed_at > 0:  # checkpoint at the lowest failed record
                    stats["records"] += failed_at
                    consumed += failed_at
                    batch = batch[failed_at:]
            elif mapping.bisect_on_error and len(batch) > 1:
                half = len(batch) // 2
                return consumed + self._deliver(mapping, table, batch[:half]) + self._deliver(mapping, table, batch[half:])
            retries = mapping.max_retry_attempts if mapping.max_retry_attempts is not None else -1
            max_age = mapping.max_record_age if mapping.max_record_age is not None else -1
            too_old = max_age != -1 and _age_s(batch[0], self.engine.clock.now()) > max_age
            if (retries != -1 and attempts > retries) or too_old:
                self._to_destination(mapping, table, batch, attempts,
                                     "RetryAttemptsExhausted" if retries != -1 and attempts > retries
                                     else "RecordAgeExceeded")
                stats["to_destination"] += len(batch)
                return consumed + len(batch)
            stats["retries"] += 1
            stats["iterator_age_s"] = _age_s(batch[0], self.engine.clock.now())
            time.sleep(RETRY_DELAY_S / self.engine.clock.time_scale)  # the shard waits: nothing behind it moves
        return consumed

    def _invoke(self, mapping: Any, table: Any, batch: list[Any]) -> Any:
        from moto.awslambda.utils import get_backend

        region, account = mapping.event_source_arn.split(":")[3], mapping.event_source_arn.split(":")[4]
        function = get_backend(account, region).get_function(mapping.function_arn)
        event = {"Records": [_lambda_record(record, table, mapping.event_source_arn) for record in batch]}
        request = InvocationRequest(str(uuid.uuid4()), json.dumps(event).encode(), function.function_arn)
        return self.engine.invoke(function, request)

    @staticmethod
    def _first_failure(mapping: Any, payload: bytes, batch: list[Any]) -> int | None:
        """Index of the first record to retry (len(batch) if none); None if the response fails the whole batch."""
        if "ReportBatchItemFailures" not in (mapping.function_response_types or []):
            return len(batch)
        from .sqs_poller import failed_message_ids

        sequence_numbers = [record.record["dynamodb"]["SequenceNumber"] for record in batch]
        failed = failed_message_ids(payload, sequence_numbers)
        if failed is None:
            return None
        if not failed:
            return len(batch)
        return min(sequence_numbers.index(number) for number in failed)

    def _to_destination(self, mapping: Any, table: Any, batch: list[Any], attempts: int, condition: str) -> None:
        destination = ((mapping.destination_config or {}).get("OnFailure") or {}).get("Destination")
        if not destination:
            log.info("stream mapping %s: dropped a batch of %d after %d attempts", mapping.uuid, len(batch), attempts)
            return
        first, last = batch[0].record["dynamodb"], batch[-1].record["dynamodb"]
        record = {
            "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": mapping.function_arn,
                               "condition": condition, "approximateInvokeCount": attempts},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": datetime.fromtimestamp(self.engine.clock.now(), timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": table.stream_shard.id, "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first["ApproximateCreationDateTime"]),
                "approximateArrivalOfLastRecord": _iso(last["ApproximateCreationDateTime"]),
                "batchSize": len(batch), "streamArn": mapping.event_source_arn},
        }
        try:
            self.engine.async_invocations.send_to(destination, json.dumps(record))
        except Exception:  # noqa: BLE001
            log.warning("could not send stream batch information to %s", destination, exc_info=True)


def _lambda_record(record: Any, table: Any, stream_arn: str) -> dict[str, Any]:
    """moto's stream record in the shape Lambda delivers (helpers/event_builder.py keeps that shape)."""
    from boto3.dynamodb.types import TypeDeserializer

    from helpers.event_builder import dynamodb_stream_record

    plain = TypeDeserializer()
    data = record.record["dynamodb"]

    def image(name: str) -> dict[str, Any] | None:
        return {key: plain.deserialize(value) for key, value in data[name].items()} if name in data else None

    built = dynamodb_stream_record(record.record["eventName"], image("Keys"), new_image=image("NewImage"),
                                   old_image=image("OldImage"), table_arn=table.table_arn,
                                   sequence_number=data["SequenceNumber"], stream_view_type=data["StreamViewType"],
                                   region=stream_arn.split(":")[3], time=_as_datetime(data["ApproximateCreationDateTime"]))
    built["eventSourceARN"] = stream_arn
    return built


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), timezone.utc)


def _iso(value: Any) -> str:
    return _as_datetime(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _age_s(record: Any, now: float) -> float:
    """How old a record is on the workbook clock (``cloud.clock.advance`` ages records, as waiting would)."""
    created = _as_datetime(record.record["dynamodb"]["ApproximateCreationDateTime"]).timestamp()
    return max(now - created, 0.0)


def _stream_mappings() -> list[Any]:
    from moto.awslambda.models import lambda_backends

    from .moto_state import existing_backends

    return [mapping for _, _, backend in existing_backends(lambda_backends)
            for mapping in list(backend._event_source_mappings.values())
            if ":dynamodb:" in mapping.event_source_arn and "/stream/" in mapping.event_source_arn]


def _find_mapping(mapping_uuid: str) -> Any:
    return next((mapping for mapping in _stream_mappings() if mapping.uuid == mapping_uuid), None)


def _table_for(stream_arn: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    _, _, _, region, account, _ = stream_arn.split(":", 5)
    table_name = stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]
    try:
        return dynamodb_backends[account][region].get_table(table_name)
    except Exception:  # noqa: BLE001 - deleted
        return None
