"""An SQS queue worker: each message is an order, as JSON. A message that is not JSON cannot be processed.

Two handlers, for the two ways a worker can answer (pick one with the handler string):

* ``order_worker.all_or_nothing`` lets the error escape: the whole batch fails, and every message in it comes
  back, even those it had already processed;
* ``order_worker.report_failures`` catches the error for each message and names the failed ones in a partial
  batch response. This only works if the event source mapping has ``FunctionResponseTypes`` set to
  ``["ReportBatchItemFailures"]``: without it, Lambda ignores the response and deletes the whole batch.
"""

import json
import os
import time

SECONDS_PER_ORDER = float(os.environ.get("SECONDS_PER_ORDER", "0"))  # to make scaling visible in notebook 04


def process(record):
    order = json.loads(record["body"])  # raises ValueError for a message that is not JSON: a "poison" message
    time.sleep(SECONDS_PER_ORDER)
    # ApproximateReceiveCount: how many times SQS has handed this message out (1 the first time).
    print(f"processed {order['id']} (receive {record['attributes']['ApproximateReceiveCount']})")


def all_or_nothing(event, context):
    for record in event["Records"]:
        process(record)  # the first bad message raises, and the invocation fails
    return None


def report_failures(event, context):
    failures = []
    for record in event["Records"]:
        try:
            process(record)
        except Exception as error:  # noqa: BLE001 - one bad message must not fail the others
            print(f"failed {record['messageId']}: {type(error).__name__}: {error}")
            failures.append({"itemIdentifier": record["messageId"]})  # the messageId, not the receiptHandle
    return {"batchItemFailures": failures}  # an empty list means: every message succeeded
