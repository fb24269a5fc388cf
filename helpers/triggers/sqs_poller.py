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
* ``ScalingConfig.MaximumConcurrency`` caps concurrent invocations (AWS starts with 5 pollers; so does this);
* a throttled batch (no concurrency for the function now) is not deleted: it comes back after its visibility
  timeout, and the poller backs off.

moto invokes the function for each message inside ``SendMessage``; the mapping is taken off that path
(``helpers/moto_seam/lambda_mappings.py``), and these pollers run instead. The queue's messages, visibility and
redrive stay moto's.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from helpers import arns, aws_facts
from helpers.clock import WorkbookClock
from helpers.event_sources import sqs_record
from helpers.lambda_service.concurrency import Throttled
from helpers.lambda_service.invoke_api import new_request_id
from helpers.lambda_service.ports import FunctionDirectory, Invoker
from helpers.moto_seam.state import MotoState
from helpers.moto_seam.views import MappingView, SqsMessage
from helpers.runtime.spec import InvocationRequest

from .batch_failures import failed_item_ids
from .mapping_watch import MappingWatch

IDLE_POLL_S = 0.1
THROTTLE_BACKOFF_S = 0.1  # the first wait after a throttled batch (workbook seconds), doubling
log = logging.getLogger(__name__)


def lambda_record(message: SqsMessage, queue_arn: str) -> dict[str, Any]:
    """One received message as Lambda hands it to the function."""
    return sqs_record(message.message_id, message.receipt_handle, message.body, queue_arn=queue_arn,
                      receive_count=message.receive_count, sent_timestamp_ms=message.sent_timestamp_ms,
                      first_receive_timestamp_ms=message.first_receive_timestamp_ms, sender_id=message.sender_id,
                      message_attributes=message.message_attributes, md5_of_body=message.md5_of_body,
                      group_id=message.group_id, sequence_number=message.sequence_number,
                      deduplication_id=message.deduplication_id)


def _new_stats() -> dict[str, int]:
    return {"batches": 0, "messages": 0, "deleted": 0, "failed_batches": 0, "throttled_batches": 0}


def concurrency(mapping: MappingView) -> int:
    return int(mapping.maximum_concurrency or aws_facts.SQS_DEFAULT_POLLERS)


class SQSPollers:
    """Runs a group of pollers for every enabled SQS event source mapping in the local AWS."""

    def __init__(self, state: MotoState, directory: FunctionDirectory, invoker: Invoker,
                 clock: WorkbookClock) -> None:
        self._state = state
        self._directory = directory
        self._invoker = invoker
        self._clock = clock
        self.stats: dict[str, dict[str, int]] = {}  # mapping uuid -> counts, for notebooks and tests
        self._watch = MappingWatch(state, "sqs", "sqs-poller", wanted=concurrency, worker=self._poll,
                                   started=self._new_mapping)

    def stop(self) -> None:
        self._watch.stop()

    def _new_mapping(self, mapping: MappingView) -> None:
        self.stats[mapping.uuid] = _new_stats()

    def _back_off(self, throttles: int) -> None:
        """Lambda backs off a throttled poller: wait longer after each throttle (workbook time), up to 10 s."""
        self._watch.stopped.wait(min(THROTTLE_BACKOFF_S * 2 ** min(throttles, 10), 10.0) / self._clock.time_scale)

    def _poll(self, mapping_uuid: str, index: int) -> None:
        stopped = self._watch.stopped
        while not stopped.is_set():
            mapping = self._state.mapping(mapping_uuid)
            if mapping is None:
                return  # deleted
            if not mapping.enabled or index >= concurrency(mapping):
                time.sleep(IDLE_POLL_S)
                continue
            try:
                if not self._one_batch(mapping):
                    time.sleep(IDLE_POLL_S)
            except Exception:  # noqa: BLE001 - e.g. the queue deleted under the mapping, or the local AWS stopping
                log.debug("SQS poller for %s", mapping_uuid, exc_info=True)
                time.sleep(IDLE_POLL_S)

    def _one_batch(self, mapping: MappingView) -> bool:
        """Receive one batch and invoke the function with it; False if the queue was empty."""
        queue_arn = mapping.event_source_arn
        visibility_s = self._state.visibility_timeout(queue_arn)
        batch_size = mapping.batch_size or aws_facts.SQS_DEFAULT_BATCH_SIZE
        messages = self._state.receive(queue_arn, batch_size, visibility_s)
        if not messages:
            return False
        window = mapping.max_batch_window_s or 0
        if window and len(messages) < batch_size:  # wait (workbook time) for the batch to fill
            deadline = self._clock.now() + window
            while len(messages) < batch_size and self._clock.now() < deadline and not self._watch.stopped.is_set():
                more = self._state.receive(queue_arn, batch_size - len(messages), visibility_s)
                messages += more
                if not more:
                    time.sleep(min(0.05, max((deadline - self._clock.now()) / self._clock.time_scale, 0.001)))
        function = self._directory.function(mapping.function_arn, account_id=arns.account_of(queue_arn),
                                            region=arns.region_of(queue_arn))
        event = {"Records": [lambda_record(message, queue_arn) for message in messages]}
        stats = self.stats.setdefault(mapping.uuid, _new_stats())
        try:
            outcome = self._invoker.invoke(function, InvocationRequest(new_request_id(), json.dumps(event).encode(),
                                                                       mapping.function_arn), source="sqs")
        except Throttled:
            # Nothing is deleted: the batch comes back after its visibility timeout; the poller backs off
            stats["throttled_batches"] += 1
            self._back_off(stats["throttled_batches"])
            return True
        ids = [message.message_id for message in messages]
        if outcome.error_type is not None:
            failed: set[str] | None = None
        elif "ReportBatchItemFailures" in mapping.function_response_types:
            failed = failed_item_ids(outcome.payload, ids)
        else:
            failed = set()
        stats["batches"] += 1
        stats["messages"] += len(messages)
        if failed is None:
            stats["failed_batches"] += 1
            return True  # nothing deleted: the batch comes back after the visibility timeout
        done = [message.receipt_handle for message in messages if message.message_id not in failed]
        self._state.delete(queue_arn, done)
        stats["deleted"] += len(done)
        return True
