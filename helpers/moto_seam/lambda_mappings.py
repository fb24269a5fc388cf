"""Lambda's event source mappings, in moto: checked as Lambda checks them, and run by the workbook's pollers.

* ``LambdaBackend.create_event_source_mapping``: SQS and DynamoDB Streams mappings leave moto's inline path
  (inside SendMessage or PutItem, where records are lost on failure); ``helpers/triggers`` polls them instead. An
  SQS mapping is refused as Lambda refuses it: a second one for the same function and queue, a batch over 10
  without a batching window, a queue whose visibility timeout is shorter than the function's timeout.
* ``update_event_source_mapping``: the batch rule again; ``update_`` and ``delete_`` of an unknown UUID are
  ResourceNotFoundException (moto answered 200).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaBackend
from moto.dynamodb.models import dynamodb_backends
from moto.sqs.models import sqs_backends

from helpers.aws_facts import SQS_DEFAULT_BATCH_SIZE, SQS_MAX_BATCH_WITHOUT_WINDOW
from helpers.lambda_service.errors import (InvalidParameterValueException, ResourceConflictException,
                                           ResourceNotFoundException)

from .parts import Seam
from .registry import REGISTRY


def is_sqs(arn: str) -> bool:
    return str(arn).startswith("arn:aws:sqs:")


def check_batch_window(batch_size: Any, window_s: Any) -> None:
    """An SQS batch over 10 needs a batching window."""
    if int(batch_size or SQS_DEFAULT_BATCH_SIZE) > SQS_MAX_BATCH_WITHOUT_WINDOW and not int(window_s or 0):
        raise InvalidParameterValueException("Maximum batch window in seconds must be greater than 0 if maximum "
                                             "batch size is greater than 10")


def check_sqs_mapping(backend: LambdaBackend, spec: dict[str, Any]) -> None:
    """What Lambda refuses when an SQS mapping is created (moto 5.2.5 accepts all three)."""
    arn = spec["EventSourceArn"]
    function = backend.get_function(spec["FunctionName"])
    for mapping in backend._event_source_mappings.values():
        if mapping.event_source_arn == arn and mapping.function_arn == function.function_arn:
            raise ResourceConflictException(
                f'An event source mapping with SQS arn (" {arn} ") and function (" {function.function_name} ") '
                f"already exists. Please update or delete the existing mapping with UUID {mapping.uuid}")
    check_batch_window(spec.get("BatchSize"), spec.get("MaximumBatchingWindowInSeconds"))
    for queue in sqs_backends[backend.account_id][backend.region_name].queues.values():
        visibility_s = int(queue.visibility_timeout or 0)
        if queue.queue_arn == arn and visibility_s < int(function.timeout):
            raise InvalidParameterValueException(f"Queue visibility timeout: {visibility_s} seconds is less than "
                                                 f"Function timeout: {function.timeout} seconds")


@REGISTRY.method(LambdaBackend, "create_event_source_mapping")
def create_event_source_mapping(seam: Seam, backend: LambdaBackend, spec: dict[str, Any]) -> Any:
    if is_sqs(spec.get("EventSourceArn", "")) and spec.get("FunctionName"):
        check_sqs_mapping(backend, spec)
    mapping = seam.original(LambdaBackend, "create_event_source_mapping")(backend, spec)
    if is_sqs(mapping.event_source_arn):
        for queue in sqs_backends[backend.account_id][backend.region_name].queues.values():
            if queue.queue_arn == mapping.event_source_arn:
                queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
    elif ":dynamodb:" in mapping.event_source_arn:
        for table in dynamodb_backends[backend.account_id][backend.region_name].tables.values():
            table.lambda_event_source_mappings.pop(mapping.function_arn, None)
    return mapping


@REGISTRY.method(LambdaBackend, "update_event_source_mapping")
def update_event_source_mapping(seam: Seam, backend: LambdaBackend, uuid: str, spec: dict[str, Any]) -> Any:
    mapping = backend.get_event_source_mapping(uuid)
    if mapping is None:
        raise ResourceNotFoundException()
    if is_sqs(mapping.event_source_arn):
        check_batch_window(spec.get("BatchSize", mapping.batch_size),
                           spec.get("MaximumBatchingWindowInSeconds", mapping.max_batch_window))
    return seam.original(LambdaBackend, "update_event_source_mapping")(backend, uuid, spec)


@REGISTRY.method(LambdaBackend, "delete_event_source_mapping")
def delete_event_source_mapping(seam: Seam, backend: LambdaBackend, uuid: str) -> Any:
    if backend.get_event_source_mapping(uuid) is None:
        raise ResourceNotFoundException()
    return seam.original(LambdaBackend, "delete_event_source_mapping")(backend, uuid)
