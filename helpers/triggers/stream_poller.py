"""DynamoDB Streams event source mappings: one poller per shard, in order, as Lambda's.

What AWS does (``../shared/reference/lambda-facts.md`` §5, as documented in October 2026), and so does this:

* one batch at a time per shard, in order (moto keeps one shard per table); ``BatchSize`` (default 100);
  ``StartingPosition`` TRIM_HORIZON (from the oldest record) or LATEST (from records written after the mapping);
* a failed batch is retried whole, and blocks the shard until it succeeds, its retries run out
  (``MaximumRetryAttempts``, -1 = forever, the default) or its records grow older than
  ``MaximumRecordAgeInSeconds``; then it goes to the on-failure destination (SQS or SNS) as batch information,
  and the shard moves on;
* ``BisectBatchOnFunctionError`` splits a failing batch in two and retries each half, isolating a bad record;
* a throttled batch (no concurrency for the function now) is tried again and the shard waits; a throttle does not
  use up ``MaximumRetryAttempts``;
* with ``ReportBatchItemFailures`` the function names the failed records by sequence number, and the poller
  checkpoints at the lowest one: records before it are done, it and those after it are retried.

moto invokes the function inside the write and then forgets the records, even when the function failed; the
mapping is taken off that path and these pollers read moto's stream instead.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from helpers import arns, aws_facts
from helpers.clock import WorkbookClock
from helpers.event_sources import dynamodb_stream_record
from helpers.lambda_service.async_invocations import iso_millis
from helpers.lambda_service.concurrency import Throttled
from helpers.lambda_service.invoke_api import new_request_id
from helpers.lambda_service.ports import Destinations, FunctionDirectory, Invoker
from helpers.moto_seam.state import MotoState
from helpers.moto_seam.views import MappingView, StreamRecord
from helpers.runtime.spec import InvocationOutcome, InvocationRequest

from .batch_failures import failed_item_ids
from .mapping_watch import MappingWatch

RETRY_DELAY_S = 0.5  # between attempts at a failing batch (workbook seconds: real seconds at time scale 1)
IDLE_POLL_S = 0.1
log = logging.getLogger(__name__)


class StreamPollers:
    """Runs a poller for every DynamoDB Streams event source mapping in the local AWS."""

    def __init__(self, state: MotoState, directory: FunctionDirectory, invoker: Invoker, clock: WorkbookClock,
                 destinations: Destinations) -> None:
        self._state = state
        self._directory = directory
        self._invoker = invoker
        self._clock = clock
        self._destinations = destinations
        self._positions: dict[str, int] = {}  # mapping uuid -> where its poller starts
        self.stats: dict[str, dict[str, Any]] = {}  # mapping uuid -> counts and iterator age, for notebooks/tests
        self._watch = MappingWatch(state, "dynamodb", "stream-poller", wanted=lambda mapping: 1, worker=self._poll,
                                   started=self._new_mapping)

    def stop(self) -> None:
        self._watch.stop()

    def _new_mapping(self, mapping: MappingView) -> None:
        length = self._state.stream_length(mapping.event_source_arn)
        latest = (mapping.starting_position or "TRIM_HORIZON") != "TRIM_HORIZON"
        self._positions[mapping.uuid] = length if latest and length is not None else 0
        self.stats[mapping.uuid] = {"batches": 0, "records": 0, "retries": 0, "to_destination": 0,
                                    "throttles": 0, "iterator_age_s": 0.0}

    def _poll(self, mapping_uuid: str, index: int) -> None:
        position = self._positions.pop(mapping_uuid, 0)
        stopped = self._watch.stopped
        while not stopped.is_set():
            mapping = self._state.mapping(mapping_uuid)
            if mapping is None:
                return
            if not mapping.enabled:
                time.sleep(IDLE_POLL_S)
                continue
            records = self._state.stream_records(mapping.event_source_arn, position,
                                                 mapping.batch_size or aws_facts.STREAM_DEFAULT_BATCH_SIZE)
            stats = self.stats[mapping_uuid]
            stats["iterator_age_s"] = _age_s(records[0], self._clock.now()) if records else 0.0
            if not records:
                time.sleep(IDLE_POLL_S)
                continue
            try:
                position += self._deliver(mapping, records)
            except Exception:  # noqa: BLE001 - the local AWS stopping under it
                log.debug("stream poller for %s", mapping_uuid, exc_info=True)
                time.sleep(IDLE_POLL_S)

    def _deliver(self, mapping: MappingView, batch: list[StreamRecord]) -> int:
        """Deliver one batch to the end (success, isolated, or sent to the destination); return records consumed."""
        stats = self.stats[mapping.uuid]
        attempts = 0
        consumed = 0
        while batch and not self._watch.stopped.is_set():
            current = self._state.mapping(mapping.uuid)  # settings updated while a batch is retried apply at once
            if current is None:
                return consumed
            mapping = current
            try:
                outcome = self._invoke(mapping, batch)
            except Throttled:  # the batch is tried again and the shard waits; a throttle is not an attempt
                stats["throttles"] += 1
                time.sleep(RETRY_DELAY_S / self._clock.time_scale)
                continue
            attempts += 1
            stats["batches"] += 1
            if outcome.error_type is None:
                failed_at = _first_failure(mapping, outcome.payload, batch)
                if failed_at == len(batch):
                    stats["records"] += len(batch)
                    return consumed + len(batch)
                if failed_at is not None and failed_at > 0:  # checkpoint at the lowest failed record
                    stats["records"] += failed_at
                    consumed += failed_at
                    batch = batch[failed_at:]
            elif mapping.bisect_on_error and len(batch) > 1:
                half = len(batch) // 2
                return consumed + self._deliver(mapping, batch[:half]) + self._deliver(mapping, batch[half:])
            retries = mapping.max_retry_attempts if mapping.max_retry_attempts is not None else -1
            max_age = mapping.max_record_age_s if mapping.max_record_age_s is not None else -1
            exhausted = retries != -1 and attempts > retries
            too_old = max_age != -1 and _age_s(batch[0], self._clock.now()) > max_age
            if exhausted or too_old:
                self._to_destination(mapping, batch, attempts,
                                     "RetryAttemptsExhausted" if exhausted else "RecordAgeExceeded")
                stats["to_destination"] += len(batch)
                return consumed + len(batch)
            stats["retries"] += 1
            stats["iterator_age_s"] = _age_s(batch[0], self._clock.now())
            time.sleep(RETRY_DELAY_S / self._clock.time_scale)  # the shard waits: nothing behind it moves
        return consumed

    def _invoke(self, mapping: MappingView, batch: list[StreamRecord]) -> InvocationOutcome:
        stream_arn = mapping.event_source_arn
        function = self._directory.function(mapping.function_arn, account_id=arns.account_of(stream_arn),
                                            region=arns.region_of(stream_arn))
        table_arn, _ = self._state.stream_names(stream_arn)
        event = {"Records": [lambda_record(record, table_arn, stream_arn) for record in batch]}
        return self._invoker.invoke(function, InvocationRequest(new_request_id(), json.dumps(event).encode(),
                                                                mapping.function_arn), source="stream")

    def _to_destination(self, mapping: MappingView, batch: list[StreamRecord], attempts: int,
                        condition: str) -> None:
        destination = mapping.on_failure_destination
        if not destination:
            log.info("stream mapping %s: dropped a batch of %d after %d attempts", mapping.uuid, len(batch), attempts)
            return
        first, last = batch[0].record["dynamodb"], batch[-1].record["dynamodb"]
        _, shard_id = self._state.stream_names(mapping.event_source_arn)
        record = {
            "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": mapping.function_arn,
                               "condition": condition, "approximateInvokeCount": attempts},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": iso_millis(self._clock.now()),
            "DDBStreamBatchInfo": {
                "shardId": shard_id, "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": iso_millis(_as_datetime(first["ApproximateCreationDateTime"])),
                "approximateArrivalOfLastRecord": iso_millis(_as_datetime(last["ApproximateCreationDateTime"])),
                "batchSize": len(batch), "streamArn": mapping.event_source_arn},
        }
        try:
            self._destinations.send(destination, json.dumps(record))
        except Exception:  # noqa: BLE001
            log.warning("could not send stream batch information to %s", destination, exc_info=True)


def _first_failure(mapping: MappingView, payload: bytes, batch: list[StreamRecord]) -> int | None:
    """Index of the first record to retry (len(batch) if none); None if the response fails the whole batch."""
    if "ReportBatchItemFailures" not in mapping.function_response_types:
        return len(batch)
    sequence_numbers = [record.sequence_number for record in batch]
    failed = failed_item_ids(payload, sequence_numbers)
    if failed is None:
        return None
    if not failed:
        return len(batch)
    return min(sequence_numbers.index(number) for number in failed)


def lambda_record(record: StreamRecord, table_arn: str, stream_arn: str) -> dict[str, Any]:
    """A stream record in the shape Lambda delivers it."""
    plain = TypeDeserializer()
    data = record.record["dynamodb"]

    def image(name: str) -> dict[str, Any] | None:
        return {key: plain.deserialize(value) for key, value in data[name].items()} if name in data else None

    built = dynamodb_stream_record(record.record["eventName"], image("Keys"), new_image=image("NewImage"),
                                   old_image=image("OldImage"), table_arn=table_arn,
                                   sequence_number=data["SequenceNumber"], stream_view_type=data["StreamViewType"],
                                   region=arns.region_of(stream_arn),
                                   time=_as_datetime(data["ApproximateCreationDateTime"]))
    built["eventSourceARN"] = stream_arn
    return built


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), timezone.utc)


def _age_s(record: StreamRecord, now: float) -> float:
    """How old a record is on the workbook clock (``cloud.clock.advance`` ages records, as waiting would)."""
    created = _as_datetime(record.record["dynamodb"]["ApproximateCreationDateTime"]).timestamp()
    return max(now - created, 0.0)
