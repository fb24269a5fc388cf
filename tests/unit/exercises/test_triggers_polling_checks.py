"""helpers/exercises/triggers_polling.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise.

Exercises 1 and 3 are checked on real mappings in the local AWS (a queue with a dead-letter queue; a DynamoDB
stream with a poison record), so these tests use the session's local AWS.
"""

from __future__ import annotations

import boto3

from helpers.exercises import triggers_polling as checks

TEMPLATE = '''
import json

def process(body):
    order = json.loads(body)  # raises ValueError when the body is not JSON
    print("processed", order["id"])

def handler(event, context):
    ...  # call process(record["body"]) for every record; return a response that names the failed messages
'''


def deploy_worker(deploy, source: str) -> str:
    return deploy("worker.handler", files={"worker.py": source}, Timeout=1)


def test_partial_batch_worker(solutions, deploy, cloud, capsys):
    assert not checks.check_partial_batch_worker("no-such-worker")
    assert "Not answered yet" in capsys.readouterr().out
    assert not checks.check_partial_batch_worker(deploy_worker(deploy, TEMPLATE))
    out = capsys.readouterr().out
    assert "Not answered yet" in out and "returns nothing" in out
    solution = solutions.PARTIAL_WORKER_SOURCE
    for mistake, hint in (
            (solution.replace("except Exception:", "except KeyError:"), "fails the whole batch"),
            (solution.replace('record["messageId"]', 'record["receiptHandle"]'), "receiptHandle"),
            (solution.replace('{"itemIdentifier": record["messageId"]}', 'record["messageId"]'),
             "a bare value is invalid"),
            (solution.replace('"itemIdentifier"', '"messageId"'), 'spelt "itemIdentifier"'),
            (solution.replace('{"batchItemFailures": failures}', '[f["itemIdentifier"] for f in failures]'),
             "must be a dict"),
            (solution.replace('failures.append({"itemIdentifier": record["messageId"]})', "pass"), "lost"),
            (solution.replace('            process(record["body"])\n', '            json.loads(record["body"])\n'),
             "were not processed"),
            (solution.replace('process(record["body"])', 'process(record)'), 'process(record["body"]), not the whole'),
            (solution.replace('            process(record["body"])\n',
                              '            process(record["body"])\n            process(record["body"])\n'),
             "times in one invocation"),
    ):
        capsys.readouterr()
        assert not checks.check_partial_batch_worker(deploy_worker(deploy, mistake))
        assert hint in capsys.readouterr().out
    capsys.readouterr()
    assert checks.check_partial_batch_worker(deploy_worker(deploy, solution))
    assert "processed once each" in capsys.readouterr().out


def test_reprocessed(solutions, capsys):
    assert checks.check_reprocessed(solutions.REPROCESSED)
    assert "Correct" in capsys.readouterr().out
    for unanswered in (..., None, dict.fromkeys(solutions.REPROCESSED, ...)):
        assert not checks.check_reprocessed(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    raising = "raises an exception after processing m1"
    partly = {**dict.fromkeys(solutions.REPROCESSED, ...), raising: {"m1", "m2", "m3"}}
    assert not checks.check_reprocessed(partly)
    assert "still to answer" in capsys.readouterr().out
    assert not checks.check_reprocessed({**solutions.REPROCESSED, raising: {"m2", "m3"}})
    assert "m1 too, although its work was done" in capsys.readouterr().out
    ignored = ("returns {'batchItemFailures': [{'itemIdentifier': m2's messageId}]}, on a mapping without "
               "FunctionResponseTypes")
    assert not checks.check_reprocessed({**solutions.REPROCESSED, ignored: {"m2"}})
    assert "ignores the response" in capsys.readouterr().out
    assert not checks.check_reprocessed({**solutions.REPROCESSED, raising: {"m4"}})
    assert "names m1, m2 and m3" in capsys.readouterr().out
    assert not checks.check_reprocessed({"something else": set()})
    assert "keep the cases" in capsys.readouterr().out
    # lists, tuples and the words "all" / "none" are understood too
    relaxed = {case: sorted(answer) if answer else "none" for case, answer in solutions.REPROCESSED.items()}
    relaxed[raising] = "all"
    assert checks.check_reprocessed(relaxed)


def test_unblocked_shard(solutions, cloud, capsys):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="test-exercise-failures")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    destination = {"OnFailure": {"Destination": arn}}
    assert not checks.check_unblocked_shard(...)
    assert "Not answered yet" in capsys.readouterr().out
    for settings, hint in (
            ({}, "until its records expire"),
            ({"FunctionResponseTypes": ["ReportBatchItemFailures"]}, "partial batch responses alone"),
            ({"MaximumRecordAgeInSeconds": 120, "DestinationConfig": destination}, "only once its records are"),
            ({"MaximumRecordAgeInSeconds": 10, "DestinationConfig": destination}, "60 to 604,800"),
            ({"MaximumRetryAttempts": 2}, "without a trace"),
            ({"MaximumRetryAttempts": 20, "DestinationConfig": destination}, "at most 3 retries"),
            ({"MaximumRetryAttempts": 2, "ScalingConfig": {"MaximumConcurrency": 2}}, "not a setting of a DynamoDB"),
            ({"MaximumRetryAttemps": 2}, "check its spelling"),
            ({**solutions.stream_settings(arn), "StartingPosition": "LATEST"}, "TRIM_HORIZON"),
            ({**solutions.stream_settings(arn), "FunctionName": "x"}, "leave FunctionName out"),
            ({**solutions.stream_settings(arn), "DestinationConfig": {"OnFailure": {**destination["OnFailure"],
                                                                                    "Type": "SQS"}}},
             "Lambda refused these settings"),
    ):
        assert not checks.check_unblocked_shard(settings), settings
        assert hint in capsys.readouterr().out, settings
    # runs for real: without bisection the good records in the poison's batch are given up with it
    assert not checks.check_unblocked_shard({"MaximumRetryAttempts": 1, "DestinationConfig": destination})
    assert "BisectBatchOnFunctionError" in capsys.readouterr().out
    assert checks.check_unblocked_shard(solutions.stream_settings(arn))
    out = capsys.readouterr().out
    assert "Correct" in out and "batchSize 1" in out
    assert checks.check_unblocked_shard({**solutions.stream_settings(arn), "BisectBatchOnFunctionError": False,
                                         "BatchSize": 1})
    assert "BatchSize of 1 isolates it too" in capsys.readouterr().out
