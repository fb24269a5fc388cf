"""``python -m helpers.local_cloud``: a foreground local AWS that other processes use, and that leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import boto3
import psutil
import pytest

from helpers.deploy.packaging import package_handler

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ForegroundCloud:
    """The command line, started as a person would start it, and read line by line."""

    def __init__(self, *args: str) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        self.process = subprocess.Popen([sys.executable, "-m", "helpers.local_cloud", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=env)
        self.lines = [self.process.stdout.readline() for _ in range(4)]
        self.endpoint = self.lines[0].strip().rsplit(" ", 1)[-1]

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def deploy(self, name: str, handler: str, source: str, **config) -> None:
        role = self.client("iam").create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        self.client("lambda").create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler=handler,
                                              Code={"ZipFile": package_handler(source)}, **config)

    def environment_pids(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.process.pid).children(recursive=True)]

    def stop(self, sig: int = signal.SIGTERM) -> str:
        self.process.send_signal(sig)
        rest, _ = self.process.communicate(timeout=20)
        return rest


def gone(pids: list[int], within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.05)
    return False


def test_runs_on_the_given_port_and_runs_real_code():
    port = free_port()
    cloud = ForegroundCloud("--port", str(port))
    try:
        assert cloud.endpoint == f"http://127.0.0.1:{port}"
        assert f"aws --endpoint-url http://127.0.0.1:{port} lambda list-functions" in cloud.lines[2]
        cloud.deploy("hello", "hello.handler", "hello")
        response = cloud.client("lambda").invoke(FunctionName="hello", Payload=b'{"name": "CLI"}')
        assert json.loads(response["Payload"].read()) == {"message": "Hello, CLI!"}
        cloud.deploy("fails", "faults.raise_error", "faults")
        response = cloud.client("lambda").invoke(FunctionName="fails")
        assert response["FunctionError"] == "Unhandled"
        assert json.loads(response["Payload"].read())["errorType"] == "ValueError"
        environments = cloud.environment_pids()
        assert len(environments) == 2
    finally:
        output = cloud.stop()
    assert cloud.process.returncode == 0 and "Stopped." in output
    assert gone(environments)


def test_picks_a_free_port_and_stops_on_ctrl_c():
    cloud = ForegroundCloud()
    try:
        assert cloud.endpoint.startswith("http://127.0.0.1:")
        cloud.deploy("counter", "counter.handler", "counter")
        cloud.client("lambda").invoke(FunctionName="counter")
        environments = cloud.environment_pids()
    finally:
        cloud.stop(signal.SIGINT)
    assert cloud.process.returncode == 0
    assert gone(environments)


def test_stopping_in_the_middle_of_an_invoke():
    cloud = ForegroundCloud()
    cloud.deploy("sleeper", "faults.sleep_past_timeout", "faults", Timeout=30)
    results: list[object] = []

    def call() -> None:
        try:
            results.append(cloud.client("lambda").invoke(FunctionName="sleeper", Payload=b'{"seconds": 20}'))
        except Exception as exc:  # noqa: BLE001 - the server may go away under the request
            results.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 10
    while not cloud.environment_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    environments = cloud.environment_pids()
    assert environments
    started = time.monotonic()
    cloud.stop()
    assert time.monotonic() - started < 15 and cloud.process.returncode == 0
    assert gone(environments)
    caller.join(30)
    assert results  # the caller got an answer or an error, and did not hang


def test_environments_exit_when_their_parent_is_killed():
    cloud = ForegroundCloud()
    cloud.deploy("idle", "counter.handler", "counter")
    cloud.deploy("busy", "faults.swallow_timeout", "faults", Timeout=60)
    cloud.client("lambda").invoke(FunctionName="idle")
    cloud.client("lambda").invoke(FunctionName="busy", InvocationType="Event")
    deadline = time.monotonic() + 10
    while len(cloud.environment_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    environments = cloud.environment_pids()
    assert len(environments) == 2
    import tempfile
    from pathlib import Path

    workdirs = list(Path(tempfile.gettempdir()).glob(f"lambda-workbook-{cloud.process.pid}-*"))
    assert workdirs  # found while its owner is alive
    cloud.process.kill()  # no chance to clean up
    cloud.process.wait(10)
    assert gone(environments, within_s=10), "environment processes outlived the local AWS"
    ForegroundCloud().stop()
    assert not any(folder.exists() for folder in workdirs)  # the next local AWS removed the orphaned folder


def test_triggers_work_through_plain_boto3_and_time_runs_faster():
    """The issue's "through plain boto3 against python -m helpers.local_cloud": a schedule on --time-scale, an SQS
    mapping and a function URL, from a process that is not the local AWS's."""
    import urllib.request

    cloud = ForegroundCloud("--time-scale", "600")  # a workbook minute every 0.1 s
    try:
        cloud.deploy("ticker", "hello.handler", "hello")
        arn = cloud.client("lambda").get_function(FunctionName="ticker")["Configuration"]["FunctionArn"]
        events = cloud.client("events")
        rule_arn = events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")["RuleArn"]
        cloud.client("lambda").add_permission(FunctionName="ticker", StatementId="events", Principal="events.amazonaws.com",
                                              Action="lambda:InvokeFunction", SourceArn=rule_arn)
        events.put_targets(Rule="every-minute", Targets=[{"Id": "ticker", "Arn": arn}])

        sqs = cloud.client("sqs")
        queue_url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        cloud.client("lambda").create_event_source_mapping(FunctionName="ticker", EventSourceArn=queue_arn, BatchSize=1)
        sqs.send_message(QueueUrl=queue_url, MessageBody="job-1")

        url = cloud.client("lambda").create_function_url_config(FunctionName="ticker", AuthType="NONE")["FunctionUrl"]
        for statement, action in (("url", "lambda:InvokeFunctionUrl"), ("url-invoke", "lambda:InvokeFunction")):
            cloud.client("lambda").add_permission(FunctionName="ticker", StatementId=statement, Principal="*",
                                                  Action=action, **({"FunctionUrlAuthType": "NONE"}
                                                                    if action.endswith("Url") else {}))
        with urllib.request.urlopen(url + "?name=web", timeout=10) as response:
            assert response.status == 200

        logs = cloud.client("logs")
        deadline = time.monotonic() + 20
        starts = 0
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                lines = [event["message"] for event in
                         logs.filter_log_events(logGroupName="/aws/lambda/ticker")["events"]]
            except logs.exceptions.ResourceNotFoundException:
                continue
            starts = sum(line.startswith("START") for line in lines)
            counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            left = sum(int(value) for value in counts.values())  # 0: received, handled and deleted
            if starts >= 5 and left == 0:
                break
        print(f"command line, --time-scale 600: {starts} invocations (schedule, queue, URL) within "
              f"{20 - (deadline - time.monotonic()):.1f} s")
        assert starts >= 5 and left == 0
    finally:
        cloud.stop()
    assert cloud.process.returncode == 0


def test_layers_and_configuration_limits_through_plain_boto3():
    """The issue's "through plain boto3 against python -m helpers.local_cloud": a module from a published layer;
    a sixth layer, variables over 4 KB and a reserved key, each refused with AWS's error."""
    from botocore.exceptions import ClientError

    from helpers.deploy.packaging import package_layer, zip_files

    cloud = ForegroundCloud()
    try:
        client = cloud.client("lambda")
        arns = [client.publish_layer_version(LayerName=f"layer-{index}", Content={"ZipFile": package_layer(
            files={f"python/greeting{index}.py": f"TEXT = 'hello from layer {index}'\n"})})["LayerVersionArn"]
            for index in range(6)]
        role = cloud.client("iam").create_role(RoleName="role-layers", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        source = "import greeting0\ndef handler(event, context):\n    return greeting0.TEXT\n"
        client.create_function(FunctionName="layered", Runtime="python3.12", Role=role, Handler="app.handler",
                               Code={"ZipFile": zip_files({"app.py": source})}, Layers=arns[:1])
        assert json.loads(client.invoke(FunctionName="layered")["Payload"].read()) == "hello from layer 0"
        refusals = {}
        for label, settings in (("sixth layer", {"Layers": arns}),
                                ("4 KB", {"Environment": {"Variables": {"BIG": "x" * 4097}}}),
                                ("reserved", {"Environment": {"Variables": {"AWS_REGION": "eu-west-1"}}})):
            with pytest.raises(ClientError) as caught:
                client.update_function_configuration(FunctionName="layered", **settings)
            refusals[label] = caught.value.response["Error"]["Code"]
        print("command line refusals:", refusals)
        assert set(refusals.values()) == {"InvalidParameterValueException"}
    finally:
        cloud.stop()
    assert cloud.process.returncode == 0
