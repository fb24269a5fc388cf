"""helpers/observe against the local AWS: a function's log read back across its streams, queues at a glance."""

from __future__ import annotations

import json
import time
import uuid

import boto3

from helpers.observe import (invocations, log_events, log_lines, mapping_stats, print_invocations, queue_depth,
                             receive_all, received_events)

CHATTY = ("import json\n"
          "def handler(event, context):\n"
          "    print('EVENT ' + json.dumps(event))\n"
          "    for number in range(event.get('lines', 0)):\n"
          "        print(f'line {number}')\n"
          "    return 'ok'\n")


def test_a_function_without_a_log_has_no_lines(cloud):
    assert log_events(f"never-ran-{uuid.uuid4().hex[:8]}") == []
    assert log_lines(f"never-ran-{uuid.uuid4().hex[:8]}") == []


def test_lines_events_and_invocations_across_streams(deploy, lambda_client, capsys):
    name = deploy("chatty.handler", files={"chatty.py": CHATTY})
    lambda_client.invoke(FunctionName=name, Payload=json.dumps({"n": 1}))
    lambda_client.update_function_configuration(FunctionName=name, Description="a new environment after this")
    lambda_client.invoke(FunctionName=name, Payload=json.dumps({"n": 2, "lines": 3}))

    events = log_events(name)
    assert len({event["logStreamName"] for event in events}) == 2  # an update starts new environments
    assert [event["timestamp"] for event in events] == sorted(event["timestamp"] for event in events)
    assert [line for line in log_lines(name, "line ")] == ["line 0", "line 1", "line 2"]
    assert sum(line.startswith("REPORT RequestId: ") for line in log_lines(name)) == 2
    assert received_events(name) == [{"n": 1}, {"n": 2, "lines": 3}]

    first, second = invocations(name)
    assert first["environment"] != second["environment"]
    assert second["lines"] == ['EVENT {"n": 2, "lines": 3}', "line 0", "line 1", "line 2"]
    print_invocations(name, since=1)
    assert capsys.readouterr().out == 'invocation 1: EVENT {"n": 2, "lines": 3} | line 0 | line 1 | line 2\n'


def test_queue_depth_and_receive_all(cloud):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"observe-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for body in ("first", "second", "third"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
        time.sleep(0.002)  # distinct SentTimestamps
    assert queue_depth(url) == {"visible": 3, "in_flight": 0}
    assert [message["Body"] for message in receive_all(url)] == ["first", "second", "third"]
    assert queue_depth(url) == {"visible": 0, "in_flight": 0}  # received and deleted
    assert receive_all(url) == []


def test_mapping_stats_of_an_unknown_mapping_is_empty(cloud):
    assert mapping_stats(str(uuid.uuid4())) == {}


def test_every_stream_is_read_not_only_the_first_page(cloud):
    """describe_log_streams answers 50 streams at a time; a burst of environments makes more."""
    logs = boto3.client("logs")
    name = f"many-streams-{uuid.uuid4().hex[:6]}"
    group = f"/aws/lambda/{name}"
    logs.create_log_group(logGroupName=group)
    for index in range(60):
        stream = f"2026/12/06/[$LATEST]{index:032x}"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": f"REPORT {index}"}])
    assert len(log_lines(name, "REPORT ")) == 60
