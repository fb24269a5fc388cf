"""helpers/exercises/failures.py: right answers pass, unanswered ones say so, wrong ones get a hint; none raise."""

from __future__ import annotations

import uuid

import boto3
import pytest

from helpers.exercises import failures


def test_retry_counts(solutions, capsys):
    assert failures.check_retry_counts(solutions.RETRY_COUNTS)
    for unanswered in (..., None, dict.fromkeys(solutions.RETRY_COUNTS, ...)):
        capsys.readouterr()
        assert not failures.check_retry_counts(unanswered)
        assert "Not answered yet" in capsys.readouterr().out
    partly = {**dict.fromkeys(solutions.RETRY_COUNTS, ...), "invoked synchronously (RequestResponse)": 1}
    assert not failures.check_retry_counts(partly)
    assert "4 still to answer" in capsys.readouterr().out
    for situation, wrong, hint in (("invoked synchronously (RequestResponse)", 3, "never retries a synchronous"),
                                   ("triggered by an S3 upload, default settings", 1, "S3 invokes asynchronously"),
                                   ("invoked asynchronously (Event), default settings", 2, "2 retries, after")):
        assert not failures.check_retry_counts({**solutions.RETRY_COUNTS, situation: wrong})
        assert hint in capsys.readouterr().out
    assert not failures.check_retry_counts({**solutions.RETRY_COUNTS, "a typo": 1})
    assert "keep the situations" in capsys.readouterr().out


@pytest.fixture
def report_queue(cloud):
    sqs = boto3.client("sqs")
    name = f"report-failures-{uuid.uuid4().hex[:6]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    yield name, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.delete_queue(QueueUrl=url)


def test_on_failure_destination(solutions, deploy, lambda_client, report_queue, capsys):
    queue_name, queue_arn = report_queue
    name = deploy("faults.raise_error")
    assert not failures.check_on_failure_destination(name, queue_name)
    assert "Not answered yet" in capsys.readouterr().out
    lambda_client.put_function_event_invoke_config(FunctionName=name,
                                                   DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    assert not failures.check_on_failure_destination(name, queue_name)
    assert "the default applies: 2 retries" in capsys.readouterr().out
    lambda_client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    assert not failures.check_on_failure_destination(name, queue_name)
    assert "no on-failure destination" in capsys.readouterr().out
    other_queue = queue_arn.replace("report-failures", "some-other-queue")
    lambda_client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0,
                                                   DestinationConfig={"OnFailure": {"Destination": other_queue}})
    assert not failures.check_on_failure_destination(name, queue_name)
    assert "it should be the queue's ARN" in capsys.readouterr().out

    class Renamed:  # the solution names the function nightly-report; point it at this test's function
        def put_function_event_invoke_config(self, **settings):
            return lambda_client.put_function_event_invoke_config(**{**settings, "FunctionName": name})

    solutions.configure_nightly_report(Renamed(), queue_arn)
    assert failures.check_on_failure_destination(name, queue_name)
    assert "approximateInvokeCount 1, condition RetriesExhausted" in capsys.readouterr().out


@pytest.fixture
def charges_table(cloud):
    dynamodb = boto3.client("dynamodb")
    name = f"MyCharges-{uuid.uuid4().hex[:6]}"
    dynamodb.create_table(TableName=name, KeySchema=[{"AttributeName": "chargeId", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "chargeId", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    yield name
    dynamodb.delete_table(TableName=name)


def test_charge_once(solutions, deploy, charges_table, capsys):
    settings = {"MemorySize": 512, "Timeout": 10, "Environment": {"Variables": {"CHARGES_TABLE": charges_table}}}
    assert not failures.check_charge_once("no-such-charger", charges_table)
    assert "Not answered yet" in capsys.readouterr().out
    template = solutions.MY_CHARGE_SOURCE.split("def handler")[0] + "def handler(event, context):\n    ...\n"
    stub = deploy("mine.handler", files={"mine.py": template}, **settings)
    assert not failures.check_charge_once(stub, charges_table)
    assert "returns None" in capsys.readouterr().out
    naive = template.replace("    ...\n", "    import uuid\n    table.put_item(Item={'chargeId': str(uuid.uuid4()), "
                             "'orderId': event['orderId'], 'amount': event['amount']})\n    return 'charged'\n")
    assert not failures.check_charge_once(deploy("mine.handler", files={"mine.py": naive}, **settings), charges_table)
    assert "made 3 charges" in capsys.readouterr().out
    raises = solutions.MY_CHARGE_SOURCE.replace("        if error.response", "        raise\n        if error.response")
    assert not failures.check_charge_once(deploy("mine.handler", files={"mine.py": raises}, **settings), charges_table)
    assert "ConditionalCheckFailedException" in capsys.readouterr().out
    check_first = template.replace("    ...\n", "    key = {'chargeId': 'c-' + event['orderId']}\n"
                                   "    if 'Item' not in table.get_item(Key=key):\n"
                                   "        table.put_item(Item={**key, 'amount': event['amount']})\n    return key\n")
    checked = deploy("mine.handler", files={"mine.py": check_first}, **settings)
    assert not failures.check_charge_once(checked, charges_table, check_first)
    assert "two deliveries at the same moment" in capsys.readouterr().out
    done = deploy("mine.handler", files={"mine.py": solutions.MY_CHARGE_SOURCE}, **settings)
    assert failures.check_charge_once(done, charges_table, solutions.MY_CHARGE_SOURCE)
    assert "one charge" in capsys.readouterr().out
