"""The platform's writes to CloudWatch Logs: never the reason an invocation fails or hangs."""

from __future__ import annotations

import threading

HELLO = "def handler(event, context):\n    print('hello')\n    return 'ok'\n"


def _subscribe(logs_client, lambda_client, producer: str, consumer: str) -> None:
    logs_client.put_subscription_filter(logGroupName=f"/aws/lambda/{producer}", filterName="to-consumer",
                                        filterPattern="",
                                        destinationArn=lambda_client.get_function(FunctionName=consumer)
                                        ["Configuration"]["FunctionArn"])


def _invoke_within(lambda_client, name: str, seconds: float) -> dict:
    answers: dict = {}
    worker = threading.Thread(target=lambda: answers.update(lambda_client.invoke(FunctionName=name)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert answers, f"invoking {name} did not answer within {seconds} s"
    return answers


def test_a_log_subscription_to_a_function_does_not_hang_the_local_aws(lambda_client, logs_client, deploy):
    producer = deploy("hello.handler", files={"hello.py": HELLO})
    consumer = deploy("hello.handler", files={"hello.py": HELLO})
    lambda_client.invoke(FunctionName=producer)  # the log group exists
    _subscribe(logs_client, lambda_client, producer, consumer)
    assert _invoke_within(lambda_client, producer, 20)["StatusCode"] == 200
    assert _invoke_within(lambda_client, consumer, 20)["StatusCode"] == 200  # and the engine still serves


def test_a_log_write_that_fails_does_not_fail_the_invocation(lambda_client, logs_client, deploy):
    producer = deploy("hello.handler", files={"hello.py": HELLO})
    consumer = deploy("hello.handler", files={"hello.py": HELLO})
    lambda_client.invoke(FunctionName=producer)
    _subscribe(logs_client, lambda_client, producer, consumer)
    lambda_client.delete_function(FunctionName=consumer)  # the subscription now names a missing function
    response = _invoke_within(lambda_client, producer, 20)
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    assert response["Payload"].read() == b'"ok"'
