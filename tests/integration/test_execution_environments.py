"""Execution environments as AWS runs them: cold and warm starts, concurrency, what a function sees, logs."""

from __future__ import annotations

import base64
import json
import math
import os
import re
import threading
import time

import psutil
import pytest

import helpers
from helpers.runtime.log_lines import parse_report

STREAM_NAME = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")


def call(lambda_client, name, event=None, **kwargs):
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}), LogType="Tail", **kwargs)
    log = base64.b64decode(response["LogResult"]).decode().rstrip("\n").split("\n")
    return json.loads(response["Payload"].read()), log


def report_of(log):
    return parse_report(log[-1])


def test_cold_then_warm(lambda_client, deploy):
    name = deploy("counter.handler")
    first, cold_log = call(lambda_client, name)
    second, warm_log = call(lambda_client, name)
    assert cold_log[0].startswith("INIT_START ") and not any(line.startswith("INIT_START") for line in warm_log)
    cold, warm = report_of(cold_log), report_of(warm_log)
    assert cold.init_duration_ms is not None and cold.init_duration_ms > 0 and warm.init_duration_ms is None
    assert cold.billed_duration_ms == math.ceil(cold.duration_ms + cold.init_duration_ms)
    assert warm.billed_duration_ms == max(1, math.ceil(warm.duration_ms))
    assert second["pid"] == first["pid"] and second["invocations"] == 2
    assert second["initialised_at"] == first["initialised_at"]
    assert cold.memory_size_mb == 128 and 5 <= cold.max_memory_used_mb < 128


def test_a_busy_environment_means_a_new_one(lambda_client, deploy, cloud):
    source = "import os, time\ndef handler(event, context):\n    time.sleep(1.5)\n    return os.getpid()\n"
    name = deploy("slow.handler", files={"slow.py": source})
    pids: list[int] = []
    threads = [threading.Thread(target=lambda: pids.append(call(lambda_client, name)[0])) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(pids)) == 3
    assert len([env for env in cloud.engine.environments() if env.function_name == name]) == 3
    assert call(lambda_client, name)[0] in pids  # and afterwards they are warm


def test_environment_variables_and_context(lambda_client, deploy, cloud):
    name = deploy("context_inspector.handler", MemorySize=256, Environment={"Variables": {"TABLE_NAME": "orders"}})
    context, _ = call(lambda_client, name)
    env = context["environment"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == cloud.region
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert STREAM_NAME.match(env["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert re.fullmatch(r"127\.0\.0\.1:\d+", env["AWS_LAMBDA_RUNTIME_API"])
    assert env["_HANDLER"] == "context_inspector.handler"
    assert env["LAMBDA_TASK_ROOT"] == context["cwd"]
    assert os.path.isfile(os.path.join(env["LAMBDA_TASK_ROOT"], "context_inspector.py"))
    assert os.path.isdir(env["LAMBDA_RUNTIME_DIR"])
    assert env["TZ"] in (":UTC", "UTC") and env["LANG"] == "en_US.UTF-8"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint_url
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert env["TABLE_NAME"] == "orders"
    assert context["function_name"] == name and context["function_version"] == "$LATEST"
    assert context["memory_limit_in_mb"] == "256" and context["memory_limit_type"] == "str"
    assert context["remaining_type"] == "int" and 0 < context["remaining_ms"] <= 3000
    assert context["log_group_name"] == env["AWS_LAMBDA_LOG_GROUP_NAME"]
    assert context["log_stream_name"] == env["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert context["identity"] == {"cognito_identity_id": None, "cognito_identity_pool_id": None}
    assert context["client_context"] is None
    other, _ = call(lambda_client, name)
    assert other["aws_request_id"] != context["aws_request_id"]


def test_logging_trap_and_its_fix(lambda_client, deploy):
    name = deploy("logging_demo.handler")
    _, log = call(lambda_client, name)
    assert "print() always reaches the log" in log
    assert not any("INFO:" in line for line in log)
    (warning,) = [line for line in log if "WARNING:" in line]
    assert re.fullmatch(r"\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tWARNING: shown, in the "
                        r"runtime's format", warning)
    _, fixed = call(lambda_client, name, {"fix": True})
    assert any(line.startswith("[INFO]\t") and "shown once a level is set" in line for line in fixed)


def test_reset_after_timeout_keeps_tmp_but_not_globals(lambda_client, deploy):
    source = ("import os, tempfile, time\ncount = 0\n"
              "def handler(event, context):\n    global count\n    count += 1\n"
              "    marker = os.path.join(tempfile.gettempdir(), 'marker.txt')\n"
              "    if event.get('write'):\n        open(marker, 'w').write('kept')\n"
              "    if event.get('hang'):\n        time.sleep(10)\n"
              "    return {'count': count, 'marker': open(marker).read() if os.path.exists(marker) else None,"
              " 'pid': os.getpid()}\n")
    name = deploy("tmpdemo.handler", files={"tmpdemo.py": source}, Timeout=1)
    before, _ = call(lambda_client, name, {"write": True})
    assert before["count"] == 1 and before["marker"] == "kept"
    timed_out, log = call(lambda_client, name, {"hang": True})
    assert timed_out["errorType"] == "Sandbox.Timedout"
    assert log[-1].endswith("\tStatus: timeout\t") and "Error Type" not in log[-1]
    after, after_log = call(lambda_client, name)
    assert after["count"] == 1 and after["pid"] != before["pid"]  # a new process: globals are gone
    assert after["marker"] == "kept"  # ... but the environment's /tmp survived the reset
    assert not any(line.startswith("INIT_START") for line in after_log)  # a suppressed init
    assert report_of(after_log).init_duration_ms is None
    assert psutil.pid_exists(before["pid"]) is False or psutil.Process(before["pid"]).status() == psutil.STATUS_ZOMBIE


def test_logs_go_to_cloudwatch_one_stream_per_environment(lambda_client, logs_client, deploy):
    name = deploy("hello.handler")
    call(lambda_client, name)
    call(lambda_client, name)
    streams = logs_client.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert len(streams) == 1 and STREAM_NAME.match(streams[0]["logStreamName"])
    messages = [event["message"] for event in logs_client.get_log_events(
        logGroupName=f"/aws/lambda/{name}", logStreamName=streams[0]["logStreamName"])["events"]]
    kinds = [message.split(" ")[0] for message in messages]
    assert kinds == ["INIT_START", "START", "END", "REPORT", "START", "END", "REPORT"]


def test_new_configuration_retires_old_environments(lambda_client, deploy, cloud):
    name = deploy("counter.handler")
    first, _ = call(lambda_client, name)
    lambda_client.update_function_configuration(FunctionName=name, MemorySize=512)
    assert not psutil.pid_exists(first["pid"]) or psutil.Process(first["pid"]).status() == psutil.STATUS_ZOMBIE
    second, log = call(lambda_client, name)
    assert second["pid"] != first["pid"] and second["invocations"] == 1
    assert report_of(log).memory_size_mb == 512


def test_deleting_a_version_stops_its_environments_only(lambda_client, deploy, cloud):
    import helpers

    name = deploy("hello.handler", source="hello")
    version = lambda_client.publish_version(FunctionName=name)["Version"]
    helpers.invoke(name)
    helpers.invoke(name, qualifier=version)
    lambda_client.delete_function(FunctionName=f"{name}:{version}")
    assert [env.version for env in cloud.engine.environments() if env.function_name == name] == ["$LATEST"]
    assert not helpers.invoke(name).cold_start


def test_idle_environments_are_reclaimed(lambda_client, deploy, cloud):
    name = deploy("counter.handler")
    pid = call(lambda_client, name)[0]["pid"]
    saved = cloud.engine.idle_timeout_s
    cloud.engine.idle_timeout_s = 0.0
    try:
        assert cloud.engine.reclaim_idle() >= 1
    finally:
        cloud.engine.idle_timeout_s = saved
    assert not [env for env in cloud.engine.environments() if env.function_name == name]
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert call(lambda_client, name)[0]["invocations"] == 1


def test_boto3_inside_a_handler_reaches_the_local_aws(lambda_client, deploy):
    import boto3

    source = ("import boto3\ns3 = boto3.client('s3')\n"
              "def handler(event, context):\n    s3.create_bucket(Bucket=event['bucket'])\n"
              "    return [b['Name'] for b in s3.list_buckets()['Buckets']]\n")
    name = deploy("maker.handler", files={"maker.py": source}, Timeout=30, MemorySize=1024)
    buckets, _ = call(lambda_client, name, {"bucket": "made-by-a-handler"})
    assert "made-by-a-handler" in buckets
    assert "made-by-a-handler" in [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]


def test_a_handler_sees_the_sdk_but_no_other_installed_package(lambda_client, deploy):
    """As on AWS: boto3 and its dependencies come with the runtime; anything else must be in the zip or a layer."""
    from helpers.deploy.packaging import library_files

    source = ("import importlib\ndef handler(event, context):\n    found = {}\n    for name in event:\n"
              "        try:\n            importlib.import_module(name)\n            found[name] = True\n"
              "        except ImportError:\n            found[name] = False\n    return found\n")
    names = ["boto3", "botocore", "jmespath", "s3transfer", "urllib3", "dateutil", "six",
             "requests", "moto", "helpers", "aws_lambda_powertools", "typing_extensions"]
    name = deploy("imports.handler", files={"imports.py": source}, Timeout=30)
    found, _ = call(lambda_client, name, names)
    print("importable in an environment:", sorted(module for module, ok in found.items() if ok))
    assert found == {module: module in names[:7] for module in names}
    bundled = deploy("imports.handler", Timeout=30, files={
        "imports.py": source, **library_files("aws-lambda-powertools"), **library_files("typing_extensions")})
    found, _ = call(lambda_client, bundled, ["aws_lambda_powertools.utilities.idempotency", "requests"])
    assert found == {"aws_lambda_powertools.utilities.idempotency": True, "requests": False}


def test_the_notebook_helper_reads_the_report(deploy):
    name = deploy("hello.handler")
    cold = helpers.invoke(name, {"name": "Ada"})
    warm = helpers.invoke(name, {"name": "Bob"})
    assert cold.payload == {"message": "Hello, Ada!"} and cold.cold_start and not warm.cold_start
    assert cold.report.init_duration_ms > 0 and warm.report.init_duration_ms is None
    assert warm.status_code == 200 and warm.ok and warm.executed_version == "$LATEST"
    assert warm.log_lines[0].startswith("START RequestId: " + warm.request_id)
    assert "Hello, Bob!" in str(warm)
    with pytest.raises(helpers.LambdaAPIError) as caught:
        helpers.invoke("does-not-exist")
    assert caught.value.code == "ResourceNotFoundException" and caught.value.status_code == 404
    with pytest.raises(helpers.LambdaAPIError) as caught:
        helpers.invoke(name, "{broken")
    assert caught.value.code == "InvalidRequestContentException"


def test_logs_survive_a_deleted_log_group_or_stream(lambda_client, logs_client, deploy):
    name = deploy("hello.handler")
    group = f"/aws/lambda/{name}"
    call(lambda_client, name)
    logs_client.delete_log_group(logGroupName=group)
    call(lambda_client, name, {"name": "after group deleted"})
    (stream,) = logs_client.describe_log_streams(logGroupName=group)["logStreams"]
    logs_client.delete_log_stream(logGroupName=group, logStreamName=stream["logStreamName"])
    call(lambda_client, name, {"name": "after stream deleted"})
    events = logs_client.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"])["events"]
    assert [event["message"].split(" ")[0] for event in events] == ["START", "END", "REPORT"]


def test_an_environment_whose_process_died_while_idle_is_replaced(lambda_client, deploy, cloud):
    """Killed from outside between invocations: the next invoke gets a fresh environment (a cold start), never an
    error for a request the dead runtime never saw."""
    import os
    import signal

    name = deploy("counter.handler")
    call(lambda_client, name)
    (environment,) = [env for env in cloud.engine.environments() if env.function_name == name]
    os.kill(environment.pid, signal.SIGKILL)
    for _ in range(100):
        if not psutil.pid_exists(environment.pid) or psutil.Process(environment.pid).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.01)
    answer, log = call(lambda_client, name)
    assert answer["invocations"] == 1 and log[0].startswith("INIT_START")
