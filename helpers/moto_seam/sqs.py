"""SQS, in moto: the same rules, without reading every message of a queue for every message sent or received.

* ``Queue.attributes``: computed one attribute at a time, when asked (moto computes all of them, counting every
  message three times, for each message sent: SendMessageBatch took 418 ms at a depth of 2,500, and 10,000
  messages could not be queued in reasonable time).
* ``SQSBackend.is_message_valid_based_on_retention_period``: the same rule, in constant time (moto's computes
  every queue attribute for every message received: a receive from 1,000 messages took a second).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from moto.core.utils import camelcase_to_underscores
from moto.sqs.models import Queue, SQSBackend

from .parts import Seam
from .registry import REGISTRY


class QueueAttributes(Mapping[str, Any]):
    """A queue's attributes as moto reports them, each computed only when read."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue
        keys = list(queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            keys += queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:
            keys += queue.KMS_ATTRIBUTES
        if queue.policy:
            keys.append("Policy")
        if queue.redrive_policy:
            keys.append("RedrivePolicy")
        self._keys = dict.fromkeys(keys)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        if key == "Policy":
            return self._queue.policy
        if key == "RedrivePolicy":
            return json.dumps(self._queue.redrive_policy)
        value = getattr(self._queue, camelcase_to_underscores(key))
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@REGISTRY.getter(Queue, "attributes")
def queue_attributes(seam: Seam, queue: Queue) -> Mapping[str, Any]:
    return QueueAttributes(queue)


@REGISTRY.method(SQSBackend, "is_message_valid_based_on_retention_period")
def retention_check(seam: Seam, backend: SQSBackend, queue_name: str, message: Any) -> bool:
    retention_s = int(backend.get_queue(queue_name).message_retention_period)
    return retention_s + message.sent_timestamp / 1000 > time.time()
