"""SQS event source mappings: pollers that read batches and invoke the function, as Lambda's do.

What AWS does (``../shared/reference/lambda-facts.md`` §5, as documented in October 2026), and so does this:

* pollers receive up to ``BatchSize`` messages (default 10), waiting up to ``MaximumBatchingWindowInSeconds``
  (workbook time) to fill a batch, and invoke the function synchronously with them;
* a successful invocation deletes the batch; a failed one deletes nothing: the messages become visible again
  after the queue's visibility timeout, and the queue's redrive policy moves them to its dead-letter queue after
  ``maxReceiveCount`` receives;
* with ``FunctionResponseTypes=["ReportBatchItemFailures"]`` the function returns
  ``{"batchItemFailures": [{"itemIdentifier": "<messageId>"}]}`` and only the others are deleted. An empty or null
  response or list is a success; invalid JSON, an empty or unknown identifier, or a bad key is a complete failure;
* ``ScalingConfig.MaximumConcurrency`` caps concurrent invocations (AWS starts with 5 pollers; so does this).

moto invokes the function for each message inside ``SendMessage``; the mapping is taken off that path, and these
pollers run instead. The queue's messages, visibility and redrive stay moto's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import Any

from helpers.runtime.environment import InvocationRequest

DEFAULT_BATCH_SIZE = 10
DEFAULT_CONCURRENCY = 5
IDLE_POLL_S = 0.1
log = logging.getLogger(__name__)
_queue_locks: dict[str, threading.Lock] = {}
_queue_locks_guard = threading.Lock()


def _queue_lock(queue_arn: str) -> threading.Lock:
    """moto's receive is not safe for concurrent receivers of one queue: the pollers take turns."""
    with _queue_locks_guard:
        return _queue_locks.setdefault(queue_arn, threading.Lock())


def sqs_record(message: Any, queue_arn: str) -> dict[str, Any]:
    """One moto message as Lambda hands it to the function (the shape lives in helpers/event_builder.py)."""
    from helpers.event_builder import sqs_record as build

    return build(message.id, message.receipt_handle, message.body, queue_arn=queue_arn,
                 receive_count=message.approximate_receive_count, sent_timestamp_ms=message.sent_timestamp,
                 first_receive_timestamp_ms=message.approximate_first_receive_timestamp, sender_id=message.sender_id,
                 message_attributes=message.message_attributes, md5_of_body=message.body_md5,
                 group_id=message.group_id, sequence_number=message.sequence_number,
                 deduplication_id=message.deduplication_id)


def failed_message_ids(payload: bytes, message_ids: list[str]) -> set[str] | None:
    """Which messages a ReportBatchItemFailures response says failed; None means the whole batch failed."""
    if not payload or payload.strip() in (b"null", b"{}", b'""'):
        return set()
    try:
        response = json.loads(payload)
    except ValueError:
        return None
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    if set(response) - {"batchItemFailures"}:
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    failed: set[str] = set()
    for failure in failures:
        if not isinstance(failure, dict) or set(failure) != {"itemIdentifier"}:
            return None
        identifier = failure["itemIdentifier"]
        if not identifier or identifier not in message_ids:
            return None
        failed.add(identifier)
    return failed


class SQSPollers:
    """Runs a group of pollers for every enabled SQS event source mapping in the local AWS."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._workers: dict[str, list[threading.Thread]] = {}
        self._stopped = threading.Event()
        self.stats: dict[str, dict[str, int]] = {}  # mapping uuid -> counts, for notebooks and tests
        threading.Thread(target=self._watch, name="sqs-mappings", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        """Start workers for new mappings (and let deleted ones end by themselves)."""
        while not self._stopped.wait(0.2):
            for mapping in _sqs_mappings():
                if mapping.uuid not in self._workers:
                    self.stats[mapping.uuid] = {"batches": 0, "messages": 0, "deleted": 0, "failed_batches": 0}
                    self._workers[mapping.uuid] = []
                workers = self._workers[mapping.uuid]
                while len(workers) < _concurrency(mapping):  # new, or MaximumConcurrency raised by an update
                    worker = threading.Thread(target=self._poll, args=(mapping.uuid, len(workers)), daemon=True,
                                              name=f"sqs-poller-{mapping.uuid[:8]}-{len(workers)}")
                    workers.append(worker)
                    worker.start()

    def _poll(self, mapping_uuid: str, index: int) -> None:
        while not self._stopped.is_set():
            mapping = _find_mapping(mapping_uuid)
            if mapping is None:
                return  # deleted
            if not mapping.enabled or index >= _concurrency(mapping):
                time.sleep(IDLE_POLL_S)
                continue
            try:
                if not self._one_batch(mapping):
                    time.sleep(IDLE_POLL_S)
            except Exception:  # noqa: BLE001 - e.g. the queue deleted under the mapping, or the local AWS stopping
                log.debug("SQS poller for %s", mapping_uuid, exc_info=True)
                time.sleep(IDLE_POLL_S)

    def _one_batch(self, mapping: Any) -> bool:
        """Receive one batch and invoke the function with it; False if the queue was empty."""
        from moto.awslambda.utils import get_backend as lambda_backend
        from moto.sqs.models import sqs_backends

        _, _, _, region, account, queue_name = mapping.event_source_arn.split(":")
        queue_backend = sqs_backends[account][region]
        visibility_s = int(queue_backend.get_queue(queue_name).visibility_timeout)  # moto takes None as 0
        batch_size = mapping.batch_size or DEFAULT_BATCH_SIZE
        lock = _queue_lock(mapping.event_source_arn)

        def receive(count: int) -> list[Any]:
            with lock:
                return queue_backend.receive_message(queue_name, min(count, 10), 0, visibility_s, ["All"])

        messages = receive(batch_size)
        if not messages:
            return False
        window = mapping.max_batch_window or 0
        if window and len(messages) < batch_size:  # wait (workbook time) for the batch to fill
            clock = self.engine.clock
            deadline = clock.now() + window
            while len(messages) < batch_size and clock.now() < deadline and not self._stopped.is_set():
                more = receive(batch_size - len(messages))
                messages += more
                if not more:
                    time.sleep(min(0.05, max((deadline - clock.now()) / clock.time_scale, 0.001)))
        function = lambda_backend(account, region).get_function(mapping.function_arn)
        event = {"Records": [sqs_record(message, mapping.event_source_arn) for message in messages]}
        request = InvocationRequest(str(uuid.uuid4()), json.dumps(event).encode(), function.function_arn)
        outcome = self.engine.invoke(function, request)
        ids = [message.id for message in messages]
        if outcome.error_type is not None:
            failed: set[str] | None = None
        elif "ReportBatchItemFailures" in (mapping.function_response_types or []):
            failed = failed_message_ids(outcome.payload, ids)
        else:
            failed = set()
        stats = self.stats.setdefault(mapping.uuid, {"batches": 0, "messages": 0, "deleted": 0, "failed_batches": 0})
        stats["batches"] += 1
        stats["messages"] += len(messages)
        if failed is None:
            stats["failed_batches"] += 1
            return True  # nothing deleted: the batch comes back after the visibility timeout
        with lock:
            for message in messages:
                if message.id not in failed:
                    queue_backend.delete_message(queue_name, message.receipt_handle)
                    stats["deleted"] += 1
        return True


def _concurrency(mapping: Any) -> int:
    scaling = mapping.scaling_config or {}
    return int(scaling.get("MaximumConcurrency") or DEFAULT_CONCURRENCY)


def _sqs_mappings() -> list[Any]:
    """Every SQS event source mapping in every account and region that exists."""
    from moto.awslambda.models import lambda_backends

    from .moto_state import existing_backends

    return [mapping for _, _, backend in existing_backends(lambda_backends)
            for mapping in list(backend._event_source_mappings.values())
            if mapping.event_source_arn.startswith("arn:aws:sqs:")]


def _find_mapping(mapping_uuid: str) -> Any:
    return next((mapping for mapping in _sqs_mappings() if mapping.uuid == mapping_uuid), None)
