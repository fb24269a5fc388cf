"""Checks for notebooks/05_failures_retries_idempotency.ipynb."""

from __future__ import annotations

import json
import uuid
from typing import Any

from .feedback import (correct, invoke_learner_function, mark_table, never_raises, not_yet, require_table, settle,
                       wrong)

EXPECTED_RUNS = {
    "invoked synchronously (RequestResponse)": 1,
    "invoked asynchronously (Event), default settings": 3,
    "invoked asynchronously, MaximumRetryAttempts set to 1": 2,
    "triggered by an S3 upload, default settings": 3,
    "an SQS message, queue redrive policy maxReceiveCount 4": 4,
}

HINTS = {
    "invoked synchronously (RequestResponse)": "Lambda never retries a synchronous call: the caller decides.",
    "invoked asynchronously (Event), default settings": "the default is 2 retries, after the first attempt.",
    "invoked asynchronously, MaximumRetryAttempts set to 1": "one retry after the first attempt.",
    "triggered by an S3 upload, default settings": "S3 invokes asynchronously, so the async rules apply.",
    "an SQS message, queue redrive policy maxReceiveCount 4": ("each receive is one run; after the 4th failed "
                                                               "receive the queue moves the message to its DLQ."),
}


@never_raises
def check_retry_counts(answers: Any) -> bool:
    """Exercise 1: how many times a handler that always fails runs in total, per way of invoking it."""
    require_table(answers, EXPECTED_RUNS, "situations", "replace each ... with a whole number: the total number of runs, first attempt included.")
    marked = mark_table(answers, EXPECTED_RUNS)
    if marked.wrong:
        return wrong(" ".join(f"{situation}: not {answers[situation]!r}; {HINTS[situation]}"
                              for situation in marked.wrong))
    return settle([], marked.still_open, "Only asynchronous and poll-based invocations are retried by AWS; the retries are yours to "
                   "make harmless.")


@never_raises
def check_on_failure_destination(function_name: str = "nightly-report", queue_name: str = "report-failures") -> bool:
    """Exercise 2: no retries, and failed events recorded in an SQS queue, for a function that always fails."""
    import boto3

    lambda_client, sqs = boto3.client("lambda"), boto3.client("sqs")
    try:
        settings = lambda_client.get_function_event_invoke_config(FunctionName=function_name)
    except lambda_client.exceptions.ResourceNotFoundException:
        return not_yet(f"{function_name!r} has no event invoke configuration yet: call "
                       "put_function_event_invoke_config.")
    retries = settings.get("MaximumRetryAttempts")
    if retries is None:
        return wrong("MaximumRetryAttempts is not set, so the default applies: 2 retries. Set it to 0.")
    if retries != 0:
        return wrong(f"MaximumRetryAttempts is {retries}; a retry would send the report again: set it to 0.")
    destination = settings.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    queue_url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if not destination:
        return wrong("there is no on-failure destination: DestinationConfig={'OnFailure': {'Destination': ...}}.")
    if destination != queue_arn:
        return wrong(f"the on-failure destination is {destination!r}; it should be the queue's ARN, "
                     f"{queue_arn!r} (report_failures_arn in the cell).")
    marker = f"check-{uuid.uuid4().hex[:8]}"
    lambda_client.invoke(FunctionName=function_name, InvocationType="Event", Payload=json.dumps({"run": marker}))
    from helpers.notebook import wait_for_background

    wait_for_background()
    for _ in range(10):
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            record = json.loads(message["Body"])
            if record.get("requestPayload") == {"run": marker}:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                context = record["requestContext"]
                return correct(f"A test event failed once (approximateInvokeCount {context['approximateInvokeCount']}"
                               f", condition {context['condition']}) and its record, with the error in "
                               "responsePayload, is in the queue.")
    return wrong("a test event failed but no record reached the queue. Is the function's only failure its own "
                 "error, and is the destination the queue above?")


@never_raises
def check_charge_once(function_name: str = "charge-once-mine", table_name: str = "MyCharges",
                      source: Any = None) -> bool:
    """Exercise 3: the same order, delivered three times, is charged once; another order is charged too; and the
    write itself refuses a repeat (``source`` is the handler's code, to see how)."""
    import boto3

    table = boto3.resource("dynamodb").Table(table_name)
    order_id = f"o-{uuid.uuid4().hex[:6]}"
    first = invoke_learner_function(function_name, {"orderId": order_id, "amount": 25})
    if first is None:
        return not_yet(f"there is no function named {function_name!r} yet: run the cell that deploys it.")
    if first.function_error:
        return wrong(f"the first delivery failed with {first.error_type}: "
                     f"{(first.payload or {}).get('errorMessage')}")
    if first.payload is None:
        return not_yet("your handler returns None: write its body in place of the ..., and return what it did.")
    for _ in range(2):
        again = invoke_learner_function(function_name, {"orderId": order_id, "amount": 25})
        if again.function_error:
            return wrong(f"a repeated delivery failed with {again.error_type}: "
                         f"{(again.payload or {}).get('errorMessage')}. A repeat is not an error: catch "
                         "ConditionalCheckFailedException and carry on.")
    items = _items_for(table, order_id)
    if not items:
        return wrong(f"nothing for order {order_id} reached the table {table_name}: write the charge with put_item.")
    if len(items) > 1:
        return wrong(f"three deliveries of order {order_id} made {len(items)} charges. Derive the item's key from "
                     "the order id, and write only if it does not exist (ConditionExpression).")
    other_id = f"o-{uuid.uuid4().hex[:6]}"
    invoke_learner_function(function_name, {"orderId": other_id, "amount": 30})
    if not _items_for(table, other_id):
        return wrong("a second, different order was not charged: the condition must only stop repeats of the "
                     "same order.")
    if isinstance(source, str) and not any(word in source for word in ("ConditionExpression", "transact_write")):
        return wrong("one delivery after another is charged once, but this checks before it writes: two "
                     "deliveries at the same moment could both pass the check. Put the condition on the write "
                     "(ConditionExpression).")
    return correct(f"Three deliveries of {order_id}: one charge. A new order: charged as it should be.")


def _items_for(table: Any, order_id: str) -> list[dict]:
    """The table's items that mention this order, in any attribute (the key included)."""
    return [item for item in table.scan()["Items"] if any(order_id in str(value) for value in item.values())]
