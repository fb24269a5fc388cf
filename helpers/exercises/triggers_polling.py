"""Checks for notebooks/04_triggers_polling.ipynb.

Exercise 1 and 3 run the learner's answer for real: on a queue with a dead-letter queue and a mapping that
reports batch item failures, and on a DynamoDB stream with a poison record. Each check makes its own queues,
table and mapping (unique names), and deletes its mapping when it is done.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from helpers import arns
from helpers.deploy.queues import make_queue

from .feedback import (
    check_role_arn,
    correct,
    invoke_learner_function,
    never_raises,
    not_yet,
    require_table,
    unanswered,
    wrong,
)


def _cloud_running() -> bool:
    from helpers import local_cloud

    return local_cloud.current() is not None


# ---------------------------------------------------------------------------------------------------- exercise 1

@never_raises
def check_partial_batch_worker(function_name: str = "exercise-worker") -> bool:
    """Exercise 1: a worker that processes each message and names the failed ones in ``batchItemFailures``."""
    from helpers.event_sources import sqs_event, sqs_record

    if not _cloud_running():
        return not_yet("run the setup cell at the top of the notebook first.")
    good = [f"ex1-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    records = [sqs_record(str(uuid.uuid4()), uuid.uuid4().hex * 4, body, queue_arn=_QUEUE_ARN_EXAMPLE)
               for body in (json.dumps({"id": good[0]}), "this is not JSON", json.dumps({"id": good[1]}))]
    bad_id = records[1]["messageId"]
    result = invoke_learner_function(function_name, sqs_event(records))
    if result is None:
        return not_yet(f"there is no function named {function_name!r} yet: run the cell that deploys it.")
    if result.function_error:
        message = (result.payload or {}).get("errorMessage", "") if isinstance(result.payload, dict) else ""
        return wrong(f"your handler raised {result.error_type} ({message}). An error that escapes fails the whole "
                     "batch: every message would come back, the good ones too. Catch the error for each message, "
                     "and put that message in the failures instead.")
    if result.payload is None:
        return not_yet("your handler returns nothing (None). Lambda counts that as success and deletes every "
                       "message, the bad one too. Return {\"batchItemFailures\": [...]}.")
    processed = [line for line in result.log_lines if "processed" in line]
    counts = {order: sum(1 for line in processed if order in line) for order in good}
    problem = _response_problem(result.payload, records, bad_id, any(counts.values()))
    if problem:
        return wrong(problem)
    missing = [order for order, count in counts.items() if count == 0]
    if missing:
        return wrong(f"the response is right, but the good orders were not processed (no 'processed {missing[0]}' "
                     "line in the log): call process(record[\"body\"]) for every record.")
    twice = [order for order, count in counts.items() if count > 1]
    if twice:
        return wrong(f"{twice[0]} was processed {counts[twice[0]]} times in one invocation: call process once for "
                     "each record.")
    return _run_on_a_real_queue(function_name)


_QUEUE_ARN_EXAMPLE = "arn:aws:sqs:us-east-1:123456789012:exercise-orders"


def _response_problem(response: Any, records: list[dict], bad_id: str, good_processed: bool = True) -> str:
    """What is wrong with a partial batch response for this batch (AWS's rules), or "" if it is right.
    ``good_processed``: whether the handler logged processing any of the good orders."""
    if not isinstance(response, dict):
        return (f"the response must be a dict {{\"batchItemFailures\": [...]}}; you returned "
                f"{type(response).__name__} {json.dumps(response)[:80]}. Lambda would treat it as a complete "
                "failure: the whole batch comes back.")
    extra = [key for key in response if key != "batchItemFailures"]
    if extra:
        return (f"Lambda accepts only the key \"batchItemFailures\"; {extra[0]!r} makes the response invalid, a "
                "complete failure: the whole batch comes back.")
    failures = response.get("batchItemFailures")
    if not failures:
        return ("the response names no failed message, so Lambda deletes all three, the bad one too: it is "
                "lost. Add the bad message's id to batchItemFailures.")
    if not isinstance(failures, list):
        return "batchItemFailures must be a list of {\"itemIdentifier\": ...} dicts."
    identifiers = []
    for failure in failures:
        if not isinstance(failure, dict):
            return (f"each failure is a dict {{\"itemIdentifier\": <messageId>}}, not {json.dumps(failure)[:60]}: "
                    "a bare value is invalid, and the whole batch would come back.")
        keys = set(failure)
        if keys != {"itemIdentifier"}:
            other = sorted(keys - {"itemIdentifier"})
            return (f"the key is spelt \"itemIdentifier\" (you wrote {other[0]!r}); any other key makes the response "
                    "invalid, and the whole batch would come back." if other else
                    "each failure needs an \"itemIdentifier\".")
        identifiers.append(failure["itemIdentifier"])
    by_receipt = {record["receiptHandle"]: record for record in records}
    by_id = {record["messageId"]: record for record in records}
    for identifier in identifiers:
        if identifier in by_receipt:
            return ("that is the message's receiptHandle; Lambda wants its messageId. An id it does not know makes "
                    "the whole response invalid: every message would come back.")
        if identifier not in by_id:
            return (f"{json.dumps(identifier)[:60]} is not the messageId of any message in the batch (use "
                    "record[\"messageId\"]). An unknown id makes the whole response invalid: every message would "
                    "come back.")
    named_good = [identifier for identifier in identifiers if identifier != bad_id]
    if named_good and not good_processed:
        return ("you named the good messages as failed too, and none of them was processed (no 'processed' line "
                "in the log), so process raised for them as well. It takes the message's body: "
                "process(record[\"body\"]), not the whole record.")
    if named_good:
        return ("you also named a message that succeeded: it would come back and be processed again. Name only "
                "the messages whose processing raised.")
    return ""


def _run_on_a_real_queue(function_name: str) -> bool:
    """The learner's function on a real mapping: good orders processed once, the bad one in the dead-letter queue."""
    import boto3

    from helpers.observe import log_lines, queue_depth, receive_all, wait_until

    lambda_client, sqs = boto3.client("lambda"), boto3.client("sqs")
    timeout = int(lambda_client.get_function_configuration(FunctionName=function_name)["Timeout"])
    suffix = uuid.uuid4().hex[:8]
    dlq_url, dlq_arn = make_queue(f"ex1-dlq-{suffix}", visibility_timeout=30)
    url, arn = make_queue(f"ex1-orders-{suffix}", visibility_timeout=timeout, dead_letter_arn=dlq_arn,
                      max_receive_count=2)
    good = [f"real-{suffix}-{index}" for index in range(3)]
    bodies = [json.dumps({"id": good[0]}), json.dumps({"id": good[1]}), "not JSON either", json.dumps({"id": good[2]})]
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(index), "MessageBody": body}
                                                  for index, body in enumerate(bodies)])
    mapping = lambda_client.create_event_source_mapping(FunctionName=function_name, EventSourceArn=arn, BatchSize=10,
                                                        FunctionResponseTypes=["ReportBatchItemFailures"])
    try:
        emptied = wait_until(lambda: sum(queue_depth(url).values()) == 0, timeout_s=10 + 4 * timeout)
    finally:
        lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])
    in_dlq = [message["Body"] for message in receive_all(dlq_url)]
    lines = log_lines(function_name)
    counts = {order: sum(1 for line in lines if "processed" in line and order in line) for order in good}
    if not emptied:
        return wrong("on a real queue, the messages were still there after the wait. Does the handler return "
                     "quickly?")
    twice = [order for order, count in counts.items() if count > 1]
    if twice:
        return wrong(f"on a real queue, {twice[0]} was processed {counts[twice[0]]} times: the whole batch came "
                     "back. Is the response exactly {\"batchItemFailures\": [{\"itemIdentifier\": messageId}]}?")
    if in_dlq != ["not JSON either"]:
        return wrong(f"on a real queue, the dead-letter queue got {in_dlq}; only the bad message should be there.")
    return correct("On a real queue: the three good orders were processed once each and deleted; the bad message "
                   "came back alone, and after its second receive the redrive policy moved it to the dead-letter "
                   "queue.")


# ---------------------------------------------------------------------------------------------------- exercise 2

REPROCESSED = {
    "returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}": {"m2"},
    "returns {'batchItemFailures': []}": set(),
    "returns None (the handler has no return statement)": set(),
    "raises an exception after processing m1": {"m1", "m2", "m3"},
    "returns {'batchItemFailures': [{'itemIdentifier': m2's receiptHandle}]}": {"m1", "m2", "m3"},
    "returns {'batchItemFailures': [{'messageId': m2's messageId}]}": {"m1", "m2", "m3"},
    "returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}, on a mapping without FunctionResponseTypes":
        set(),
}
WHY = {
    "returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}":
        "only the messages named come back; the others are deleted",
    "returns {'batchItemFailures': []}": "an empty list says that every message succeeded: all three are deleted",
    "returns None (the handler has no return statement)": "an empty (null) response counts as success",
    "raises an exception after processing m1":
        "an exception fails the whole batch: all three come back, m1 too, although its work was done",
    "returns {'batchItemFailures': [{'itemIdentifier': m2's receiptHandle}]}":
        "an itemIdentifier that is not a messageId of the batch makes the response invalid: a complete failure",
    "returns {'batchItemFailures': [{'messageId': m2's messageId}]}":
        "a key other than itemIdentifier makes the response invalid: a complete failure",
    "returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}, on a mapping without FunctionResponseTypes":
        "without ReportBatchItemFailures Lambda ignores the response; the invocation succeeded, so all three are "
        "deleted, and m2 is lost",
}
_NAMES = {"m1", "m2", "m3"}


def _as_set(answer: Any) -> set[str] | None:
    if isinstance(answer, str):
        lowered = answer.strip().lower()
        if lowered in ("all", "all three"):
            return set(_NAMES)
        if lowered in ("none", "nothing", ""):
            return set()
        return {answer.strip()}
    if isinstance(answer, (set, frozenset, list, tuple)):
        return {str(item).strip() for item in answer}
    if isinstance(answer, dict) and not answer:  # {} typed for an empty set
        return set()
    return None


@never_raises
def check_reprocessed(answers: Any) -> bool:
    """Exercise 2: which of m1, m2, m3 come back (are received again) for each handler answer."""
    require_table(answers, REPROCESSED, "cases", "replace each ... with the set of messages that come back, e.g. {\"m2\"}, or set().")
    wrong_ones, open_ones = [], [case for case in REPROCESSED if unanswered(answers.get(case))]
    for case, answer in answers.items():
        if unanswered(answer):
            continue
        names = _as_set(answer)
        if names is None or not names <= _NAMES:
            return wrong(f"answer with a set of the names m1, m2 and m3 (or set() for none); for {case!r} you gave "
                         f"{answer!r}.")
        if names != REPROCESSED[case]:
            wrong_ones.append(case)
    if wrong_ones:
        listed = " ".join(f"When the handler {case}: {WHY[case]}." for case in wrong_ones[:2])
        more = f" And {len(wrong_ones) - 2} more." if len(wrong_ones) > 2 else ""
        return wrong(f"{len(wrong_ones)} not right yet. {listed}{more}")
    if open_ones:
        return not_yet(f"{len(open_ones)} case(s) still to answer; the others are right.")
    return correct("Only a well-formed list of known messageIds brings back just those messages; anything "
                   "malformed, or an exception, brings back the whole batch; and without ReportBatchItemFailures "
                   "on the mapping the response is not even read.")


# ---------------------------------------------------------------------------------------------------- exercise 3

STREAM_SETTINGS = {"BatchSize", "BisectBatchOnFunctionError", "DestinationConfig", "Enabled", "FilterCriteria",
                   "FunctionResponseTypes", "MaximumBatchingWindowInSeconds", "MaximumRecordAgeInSeconds",
                   "MaximumRetryAttempts", "ParallelizationFactor", "StartingPosition", "TumblingWindowInSeconds",
                   "MetricsConfig", "Tags", "KMSKeyArn"}
POISON_HANDLER = '''
def handler(event, context):
    for record in event["Records"]:
        if "poison" in record["dynamodb"].get("NewImage", {}):
            raise ValueError("cannot handle " + record["dynamodb"]["Keys"]["pk"]["S"])
    for record in event["Records"]:
        print("GOT " + record["dynamodb"]["Keys"]["pk"]["S"])
'''


@never_raises
def check_unblocked_shard(settings: Any) -> bool:
    """Exercise 3: stream mapping settings that let the shard move past a poison record without losing track of it."""
    if unanswered(settings):
        return not_yet("write the settings as a dict, e.g. {\"BatchSize\": 10, ...}.")
    if not isinstance(settings, dict):
        return wrong(f"the settings are a dict of create_event_source_mapping arguments, not "
                     f"{type(settings).__name__}.")
    if not _cloud_running():
        return not_yet("run the setup cell at the top of the notebook first.")
    problem = _settings_problem(settings)
    if problem:
        return wrong(problem)
    return _run_on_a_real_stream(settings)


def _settings_problem(settings: dict) -> str:
    for key in ("FunctionName", "EventSourceArn"):
        if key in settings:
            return f"leave {key} out: the check makes its own function and table, and fills it in."
    sqs_only = {"ScalingConfig", "ProvisionedPollerConfig", "Queues"}
    for key in settings:
        if key in sqs_only:
            return f"{key} is not a setting of a DynamoDB stream mapping."
        if key not in STREAM_SETTINGS:
            return f"{key!r} is not a setting of an event source mapping (check its spelling)."
    if settings.get("Enabled") is False:
        return "a disabled mapping processes nothing at all."
    if settings.get("StartingPosition", "TRIM_HORIZON") != "TRIM_HORIZON":
        return ("keep StartingPosition TRIM_HORIZON (or leave it out): the check writes its records before it "
                "creates the mapping, and LATEST would skip them all.")
    retries = settings.get("MaximumRetryAttempts", -1)
    age = settings.get("MaximumRecordAgeInSeconds", -1)
    for name, value in (("MaximumRetryAttempts", retries), ("MaximumRecordAgeInSeconds", age)):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{name} is a whole number, not {value!r}."
    if not -1 <= retries <= 10_000:
        return "MaximumRetryAttempts is -1 (retry for ever) or 0 to 10,000."
    if age != -1 and not 60 <= age <= 604_800:
        return "MaximumRecordAgeInSeconds is -1 (no limit) or 60 to 604,800 seconds."
    if retries == -1:
        if age != -1:
            return (f"MaximumRecordAgeInSeconds {age} gives the batch up, but only once its records are {age} s "
                    "old: the shard waits that long for every poison record. Give up after a few retries "
                    "(MaximumRetryAttempts) too.")
        if "ReportBatchItemFailures" in (settings.get("FunctionResponseTypes") or []):
            return ("partial batch responses alone do not unblock a shard: Lambda checkpoints at the failed "
                    "record and retries from there, for ever by default. Limit the retries.")
        return ("with these settings Lambda retries the poison batch until its records expire (24 hours in a "
                "DynamoDB stream), and the shard waits. Limit the retries with MaximumRetryAttempts.")
    if retries > 3:
        return f"the exercise asks for at most 3 retries; MaximumRetryAttempts is {retries}."
    destination = ((settings.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    if not destination:
        return ("the shard moves on now, but the poison record's batch is dropped without a trace. Add "
                "DestinationConfig={\"OnFailure\": {\"Destination\": exercise_failures_arn}}.")
    if not isinstance(destination, str) or not destination.startswith(("arn:aws:sqs:", "arn:aws:sns:")):
        return f"the on-failure destination of a stream mapping is an SQS queue or SNS topic ARN, not {destination!r}."
    return ""


def _run_on_a_real_stream(settings: dict) -> bool:
    """A table whose stream holds g1 g2 POISON g3 g4 g5, a function that fails on the poison, the learner's settings."""
    import boto3
    from botocore.exceptions import ClientError, ParamValidationError

    from helpers.deploy.packaging import zip_files
    from helpers.observe import log_lines, mapping_stats, wait_until

    destination = settings["DestinationConfig"]["OnFailure"]["Destination"]
    if destination.startswith("arn:aws:sns:"):
        return correct("These settings unblock the shard. (The check reads SQS destinations only, so it did not "
                       "run them; use the exercise's queue to see the batch information arrive.)")
    dynamodb, lambda_client, sqs = boto3.client("dynamodb"), boto3.client("lambda"), boto3.client("sqs")
    queue_name = arns.resource_of(destination)
    try:
        destination_url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        return wrong(f"there is no queue {queue_name!r}: run the cell that creates exercise_failures_arn, and use it.")
    suffix = uuid.uuid4().hex[:8]
    table = f"ex3-orders-{suffix}"
    stream_arn = dynamodb.create_table(
        TableName=table, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    keys = ["g1", "g2", "POISON", "g3", "g4", "g5"]
    for key in keys:
        item = {"pk": {"S": key}}
        if key == "POISON":
            item["poison"] = {"BOOL": True}
        dynamodb.put_item(TableName=table, Item=item)
    function = f"ex3-audit-{suffix}"
    lambda_client.create_function(FunctionName=function, Runtime="python3.12", Role=check_role_arn(), Timeout=3,
                                  Handler="strict.handler", Code={"ZipFile": zip_files({"strict.py": POISON_HANDLER})})
    arguments = {"BatchSize": len(keys), "StartingPosition": "TRIM_HORIZON", **settings}
    try:
        mapping = lambda_client.create_event_source_mapping(FunctionName=function, EventSourceArn=stream_arn,
                                                            **arguments)
    except (ParamValidationError, ClientError) as error:  # e.g. a misspelt key inside DestinationConfig
        lambda_client.delete_function(FunctionName=function)
        dynamodb.delete_table(TableName=table)
        return wrong(f"Lambda refused these settings: {error}")
    good = [key for key in keys if key != "POISON"]

    def done() -> bool:
        stats = mapping_stats(mapping["UUID"])
        return stats.get("to_destination", 0) + stats.get("records", 0) >= len(keys)

    try:
        finished = wait_until(done, timeout_s=20)
    finally:
        lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])
    processed = sorted({line[4:] for line in log_lines(function, "GOT ")})
    infos = _batch_infos(sqs, destination_url, stream_arn)
    lambda_client.delete_function(FunctionName=function)
    dynamodb.delete_table(TableName=table)
    if not finished:
        return wrong("the shard was still stuck after 20 seconds: check MaximumRetryAttempts.")
    if not infos:
        return wrong("the shard moved on, but no batch information reached the destination queue.")
    lost = [key for key in good if key not in processed]
    if lost:
        sizes = ", ".join(str(info["batchSize"]) for info in infos)
        return wrong(f"the shard moves on, but {len(lost)} good record(s) ({', '.join(lost)}) were given up with the "
                     f"poison, never processed: the destination got batch information for {sizes} record(s). Let "
                     "Lambda split a failing batch to isolate the bad record (BisectBatchOnFunctionError).")
    note = (" A BatchSize of 1 isolates it too, at one invocation per record; BisectBatchOnFunctionError keeps "
            "the big batches." if settings.get("BatchSize") == 1 else "")
    info = infos[0]
    return correct(f"The five good records were processed; the poison record was given up after "
                   f"{info['approximateInvokeCount']} attempt(s), and its batch information (batchSize "
                   f"{info['batchSize']}, sequence number {info['startSequenceNumber']}) is in the queue.{note}")


def _batch_infos(sqs: Any, queue_url: str, stream_arn: str) -> list[dict]:
    """The batch-information records for this stream in the destination queue (deleted once read)."""
    from helpers.observe import wait_until

    found: list[dict] = []

    def read() -> bool:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           VisibilityTimeout=0).get("Messages", []):
            try:
                record = json.loads(message["Body"])
            except ValueError:
                continue
            info = record.get("DDBStreamBatchInfo") if isinstance(record, dict) else None
            if info and info.get("streamArn") == stream_arn:
                found.append({**info, "approximateInvokeCount":
                              record.get("requestContext", {}).get("approximateInvokeCount")})
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return bool(found)

    wait_until(read, timeout_s=2)
    return found


