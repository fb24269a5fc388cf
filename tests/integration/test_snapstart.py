"""SnapStart for Python through plain boto3: a published version is initialised once, snapshotted (a frozen template
process), and each new environment is restored from it by forking the template."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
import time

import boto3
import psutil
import pytest
from botocore.exceptions import ClientError

from helpers.deploy.packaging import package_handler, zip_files
from helpers.runtime import restored
from helpers.runtime.log_lines import parse_report

pytestmark = pytest.mark.skipif(os.name != "posix", reason="restores by fork (Windows inits afresh instead)")
SNAP_START = {"ApplyOn": "PublishedVersions"}


@pytest.fixture
def snap(lambda_client, role_arn):
    """``snap(name_suffix, handler, source=..., files=..., **config)`` -> the function's name, with SnapStart on and
    version 1 published (its snapshot made); deleted afterwards."""
    created: list[str] = []

    def make(handler: str, *, source: str | None = None, files: dict | None = None, wait: bool = True,
             **config) -> str:
        name = f"snap-{len(created)}-{os.urandom(4).hex()}"
        code = zip_files(files) if files is not None else package_handler(source or handler.split(".")[0])
        lambda_client.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn, Handler=handler,
                                      Code={"ZipFile": code}, SnapStart=SNAP_START, Publish=True, **config)
        created.append(name)
        if wait:
            wait_until_settled(lambda_client, name)
        return name

    yield make
    for name in created:
        try:
            lambda_client.delete_function(FunctionName=name)
        except ClientError:
            pass


def wait_until_settled(lambda_client, name: str, version: str = "1", timeout_s: float = 60) -> dict:
    """The version's configuration once its snapshot is made (Active) or failed (boto3's waiter polls every 5 s)."""
    deadline = time.monotonic() + timeout_s
    while True:
        configuration = lambda_client.get_function_configuration(FunctionName=name, Qualifier=version)
        if configuration["State"] != "Pending" or time.monotonic() > deadline:
            return configuration
        time.sleep(0.02)


def call(lambda_client, name, event=None, qualifier="1"):
    response = lambda_client.invoke(FunctionName=name, Qualifier=qualifier, Payload=json.dumps(event or {}),
                                    LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode().rstrip("\n").split("\n")
    return json.loads(response["Payload"].read()), log


def call_at_once(lambda_client, name, count: int, event: dict) -> list[tuple[dict, list[str]]]:
    results: list[tuple[dict, list[str]]] = []
    threads = [threading.Thread(target=lambda: results.append(call(lambda_client, name, event))) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def template_pid(cloud, name: str, version: str = "1") -> int | None:
    return next((pid for (arn, number), pid in cloud.parts.snapshots.template_pids().items()
                 if arn.endswith(f":function:{name}") and number == version), None)


def gone(pids, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]:
            return True
        time.sleep(0.05)
    return False


def test_configuration_shows_snapstart_as_aws_does(lambda_client, role_arn, snap):
    name = snap("snapstart_unique_id.handler", wait=False)
    latest = lambda_client.get_function_configuration(FunctionName=name)
    assert latest["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    version = wait_until_settled(lambda_client, name)
    assert version["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    assert version["State"] == "Active"
    versions = lambda_client.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["SnapStart"]["OptimizationStatus"] for v in versions] == ["Off", "On"]
    lambda_client.update_function_configuration(FunctionName=name, SnapStart={"ApplyOn": "None"})
    assert lambda_client.get_function_configuration(FunctionName=name)["SnapStart"] == {
        "ApplyOn": "None", "OptimizationStatus": "Off"}
    two = lambda_client.publish_version(FunctionName=name)
    assert two["Version"] == "2" and two["SnapStart"]["OptimizationStatus"] == "Off"
    assert lambda_client.get_function_configuration(FunctionName=name, Qualifier="1")["SnapStart"][
        "OptimizationStatus"] == "On"  # a published version keeps what it was published with


def test_the_snapshot_is_made_at_publish_and_its_log_says_so(lambda_client, logs_client, snap, cloud):
    name = snap("snapstart_unique_id_fixed.handler")
    pid = template_pid(cloud, name)
    deadline = time.monotonic() + 5  # a stop signal takes effect when the process is next scheduled
    while psutil.Process(pid).status() != psutil.STATUS_STOPPED and time.monotonic() < deadline:
        time.sleep(0.01)
    assert psutil.Process(pid).status() == psutil.STATUS_STOPPED  # a frozen template
    streams = logs_client.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert len(streams) == 1 and "[1]" in streams[0]["logStreamName"]
    lines = [event["message"] for event in logs_client.get_log_events(
        logGroupName=f"/aws/lambda/{name}", logStreamName=streams[0]["logStreamName"])["events"]]
    assert lines[0].startswith("INIT_START Runtime Version: ")
    assert any(line.startswith("before snapshot: environment id") for line in lines)
    assert lines[-1].startswith("INIT_REPORT Init Duration: ") and "Status" not in lines[-1]


def test_environments_are_restored_and_the_uniqueness_pitfall_is_real(lambda_client, snap, cloud):
    name = snap("snapstart_unique_id.handler")
    results = call_at_once(lambda_client, name, 3, {"hold_seconds": 0.6})
    payloads = [payload for payload, _ in results]
    assert len({payload["pid"] for payload in payloads}) == 3  # three environments, three processes
    assert len({payload["environment_id"] for payload in payloads}) == 1  # ... with one "unique" id
    assert len({(payload["lucky_number"], payload["next_random"]) for payload in payloads}) == 1
    template = template_pid(cloud, name)
    for payload, log in results:
        assert payload["initialization_type"] == "snap-start"
        assert psutil.Process(payload["pid"]).ppid() == template  # forked from the snapshot's template
        assert log[0].startswith("RESTORE_START Runtime Version: ") and log[1].startswith("RESTORE_REPORT Restore ")
        assert not any(line.startswith("INIT_START") for line in log)
        report = parse_report(log[-1])
        assert report.init_duration_ms is None
        assert report.restore_duration_ms is not None and 0 < report.restore_duration_ms < 10_000
        assert 1 <= report.billed_restore_duration_ms <= report.restore_duration_ms + 1
        assert log[-1].index("Max Memory Used") < log[-1].index("Restore Duration") < log[-1].index("Billed Restore")
    # warm: no restore lines, the same process
    payload, log = call(lambda_client, name)
    assert payload["pid"] in {p["pid"] for p in payloads}
    assert parse_report(log[-1]).restore_duration_ms is None and not log[0].startswith("RESTORE_START")
    # $LATEST is never restored: every environment inits, with a value of its own
    latest, log = call(lambda_client, name, qualifier="$LATEST")
    assert latest["initialization_type"] == "on-demand" and latest["environment_id"] != payloads[0]["environment_id"]
    assert log[0].startswith("INIT_START")


def test_an_after_restore_hook_fixes_it(lambda_client, snap):
    name = snap("snapstart_unique_id_fixed.handler")
    results = call_at_once(lambda_client, name, 3, {"hold_seconds": 0.6})
    payloads = [payload for payload, _ in results]
    assert len({payload["environment_id"] for payload in payloads}) == 3
    assert all(payload["hooks_run"] == ["before_snapshot", "after_restore"] for payload in payloads)
    for payload, log in results:
        assert f"after restore: this environment's id is {payload['environment_id']}" in log[1]
        assert log[2].startswith("RESTORE_REPORT")


def test_what_a_restored_environment_sees(lambda_client, snap):
    source = ("import os, tempfile, time\nopen(os.path.join(tempfile.gettempdir(), 'made-at-init'), 'w').write('x')\n"
              "def handler(event, context):\n    time.sleep(event.get('hold', 0))\n"
              "    return {'env': dict(os.environ), 'tmp': tempfile.gettempdir(), 'files': os.listdir(tempfile.gettempdir()),"
              " 'group': context.log_group_name}\n")
    name = snap("app.handler", files={"app.py": source})
    first, _ = call(lambda_client, name)
    env = first["env"]
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "snap-start" and env["AWS_LAMBDA_FUNCTION_VERSION"] == "1"
    assert "AWS_LAMBDA_LOG_GROUP_NAME" not in env and "AWS_LAMBDA_LOG_STREAM_NAME" not in env
    assert first["group"] is None
    assert first["tmp"] == env["TMPDIR"] and "made-at-init" in first["files"]  # /tmp is in the snapshot
    others = [payload for payload, _ in call_at_once(lambda_client, name, 2, {"hold": 0.4})]
    # each environment has a Runtime API and a /tmp of its own, with the snapshot's files in it
    assert len({payload["env"]["AWS_LAMBDA_RUNTIME_API"] for payload in others}) == 2
    assert len({payload["tmp"] for payload in others}) == 2 and all("made-at-init" in p["files"] for p in others)


def test_a_crash_and_a_timeout_in_a_restored_environment(lambda_client, snap):
    crash = snap("faults.hard_exit", source="faults")
    payload, log = call(lambda_client, crash, {"code": 7})
    assert payload["errorType"] == "Runtime.ExitError" and payload["errorMessage"].endswith("exit status 7")
    assert log[0].startswith("RESTORE_START") and parse_report(log[-1]).error_type == "Runtime.ExitError"
    payload, log = call(lambda_client, crash, {"code": 5})  # the reset environment restores again
    assert payload["errorMessage"].endswith("exit status 5")
    assert not log[0].startswith("RESTORE_START")  # inside this invocation, as a suppressed init would be

    slow = snap("faults.sleep_past_timeout", source="faults", Timeout=1)
    payload, log = call(lambda_client, slow, {"seconds": 5})
    assert payload["errorType"] == "Sandbox.Timedout"
    assert parse_report(log[-1]).status == "timeout"
    payload, _ = call(lambda_client, slow, {"seconds": 0})
    assert "errorType" not in (payload or {})


def test_deleting_the_version_ends_its_template(lambda_client, snap, cloud):
    name = snap("snapstart_unique_id.handler")
    results = call_at_once(lambda_client, name, 2, {"hold_seconds": 0.3})
    pids = [template_pid(cloud, name)] + [payload["pid"] for payload, _ in results]
    assert all(psutil.pid_exists(pid) for pid in pids)
    lambda_client.delete_function(FunctionName=name, Qualifier="1")
    assert template_pid(cloud, name) is None and gone(pids)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.invoke(FunctionName=name, Qualifier="1")


def test_a_failing_after_restore_hook_is_a_snapstart_exception(lambda_client, logs_client, snap):
    source = ("from snapshot_restore_py import register_after_restore\n"
              "@register_after_restore\ndef reconnect():\n    raise ConnectionError('database unreachable')\n"
              "def handler(event, context):\n    return 'never'\n")
    name = snap("app.handler", files={"app.py": source})
    with pytest.raises(ClientError) as caught:
        lambda_client.invoke(FunctionName=name, Qualifier="1")
    error = caught.value.response["Error"]
    assert error["Code"] == "SnapStartException" and caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    lines = _log_lines(logs_client, name)
    assert any(line.startswith("[ERROR] ConnectionError: database unreachable") for line in lines)
    assert any(line.startswith("RESTORE_REPORT Restore Duration: ") and
               line.endswith("\tStatus: error\tError Type: Runtime.AfterRestoreError") for line in lines)


def test_a_restore_past_its_limit_is_a_snapstart_timeout(lambda_client, snap, monkeypatch):
    monkeypatch.setattr(restored.aws_facts, "RESTORE_LIMIT_S", 0.5)  # AWS's 10 s, shortened for the test
    source = ("import time\nfrom snapshot_restore_py import register_after_restore\n"
              "register_after_restore(time.sleep, 3)\ndef handler(event, context):\n    return 'never'\n")
    name = snap("app.handler", files={"app.py": source})
    with pytest.raises(lambda_client.exceptions.SnapStartTimeoutException):
        lambda_client.invoke(FunctionName=name, Qualifier="1")
    monkeypatch.undo()
    assert json.loads(lambda_client.invoke(FunctionName=name, Qualifier="1")["Payload"].read()) == "never"


def test_a_failing_before_snapshot_hook_fails_the_version(lambda_client, snap):
    source = ("from snapshot_restore_py import register_before_snapshot\n"
              "@register_before_snapshot\ndef close():\n    raise RuntimeError('cannot close')\n"
              "def handler(event, context):\n    return 'never'\n")
    name = snap("app.handler", files={"app.py": source})
    configuration = wait_until_settled(lambda_client, name)
    assert configuration["State"] == "Failed" and configuration["StateReasonCode"] == "FunctionError"
    assert "Runtime.BeforeSnapshotError" in configuration["StateReason"]
    with pytest.raises(lambda_client.exceptions.ResourceConflictException):
        lambda_client.invoke(FunctionName=name, Qualifier="1")


def test_invoking_before_the_snapshot_is_ready(lambda_client, snap):
    source = "import time\ntime.sleep(1.5)\ndef handler(event, context):\n    return 'ready'\n"
    name = snap("app.handler", files={"app.py": source}, wait=False)
    with pytest.raises(lambda_client.exceptions.SnapStartNotReadyException):
        lambda_client.invoke(FunctionName=name, Qualifier="1")
    assert lambda_client.get_function_configuration(FunctionName=name, Qualifier="1")["State"] == "Pending"
    assert wait_until_settled(lambda_client, name)["State"] == "Active"
    assert call(lambda_client, name)[0] == "ready"


def test_bad_snapstart_settings_get_aws_errors(lambda_client, role_arn, deploy):
    code = package_handler("hello")

    def refused(**settings) -> tuple[str, str]:
        with pytest.raises(ClientError) as caught:
            lambda_client.create_function(FunctionName=f"bad-{os.urandom(4).hex()}", Role=role_arn,
                                          Handler="hello.handler", Code={"ZipFile": code}, **settings)
        return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]

    assert refused(Runtime="python3.11", SnapStart=SNAP_START) == (
        "InvalidParameterValueException", "python3.11 is not supported for SnapStart enabled functions.")
    assert refused(Runtime="nodejs22.x", SnapStart=SNAP_START)[1] == \
        "nodejs22.x is not supported for SnapStart enabled functions."
    assert refused(Runtime="python3.12", SnapStart={"ApplyOn": "Always"}) == (
        "ValidationException", "1 validation error detected: Value 'Always' at 'snapStart.applyOn' failed to satisfy "
                               "constraint: Member must satisfy enum value set: [PublishedVersions, None]")
    assert refused(Runtime="python3.12", SnapStart=SNAP_START, EphemeralStorage={"Size": 1024})[0] == \
        "InvalidParameterValueException"
    # "None" is accepted anywhere, and only $LATEST has no snapshot: invoking it is an ordinary cold start
    name = deploy("hello.handler", Runtime="python3.11", SnapStart={"ApplyOn": "None"})
    assert lambda_client.get_function_configuration(FunctionName=name)["SnapStart"]["ApplyOn"] == "None"
    with pytest.raises(ClientError) as caught:
        lambda_client.update_function_configuration(FunctionName=name, SnapStart=SNAP_START)
    assert caught.value.response["Error"]["Message"] == "python3.11 is not supported for SnapStart enabled functions."
    # the engine still serves
    assert json.loads(lambda_client.invoke(FunctionName=name, Payload=b'{"name": "x"}')["Payload"].read()) == {
        "message": "Hello, x!"}


def test_the_runtime_cannot_be_changed_to_one_without_snapstart(lambda_client, deploy):
    name = deploy("hello.handler", SnapStart=SNAP_START)
    with pytest.raises(ClientError) as caught:
        lambda_client.update_function_configuration(FunctionName=name, Runtime="python3.11")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert lambda_client.get_function_configuration(FunctionName=name)["Runtime"] == "python3.12"


def _log_lines(logs_client, name: str) -> list[str]:
    deadline = time.monotonic() + 5
    while True:
        try:
            events = logs_client.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs_client.exceptions.ResourceNotFoundException:
            events = []
        lines = [event["message"] for event in events]
        if any(line.startswith("RESTORE_REPORT") for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_through_the_command_line_and_nothing_is_left_behind():
    """``python -m helpers.local_cloud`` used from another process: restores there, and when it is stopped, and when
    it is killed outright, its templates and restored environments end with it."""
    import signal
    import subprocess
    import sys

    for stop in (signal.SIGTERM, signal.SIGKILL):
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        process = subprocess.Popen([sys.executable, "-m", "helpers.local_cloud"], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, env=env)
        try:
            endpoint = process.stdout.readline().strip().rsplit(" ", 1)[-1]
            client = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
            iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing")
            role = iam.create_role(RoleName="snap", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            client.create_function(FunctionName="ids", Runtime="python3.12", Role=role,
                                   Handler="snapstart_unique_id_fixed.handler",
                                   Code={"ZipFile": package_handler("snapstart_unique_id_fixed")},
                                   SnapStart=SNAP_START)
            version = client.publish_version(FunctionName="ids")["Version"]
            assert wait_until_settled(client, "ids", version)["State"] == "Active"
            results = call_at_once(client, "ids", 2, {"hold_seconds": 0.4})
            payloads = [payload for payload, _ in results]
            assert len({payload["environment_id"] for payload in payloads}) == 2
            assert all(parse_report(log[-1]).restore_duration_ms for _, log in results)
            processes = psutil.Process(process.pid).children(recursive=True)
            assert {payload["pid"] for payload in payloads} <= {child.pid for child in processes}
            assert len(processes) == 3  # the template and its two copies
        finally:
            process.send_signal(stop)
            process.wait(20)
        assert gone([child.pid for child in processes], within_s=10), f"left behind after {stop.name}"


def test_reset_ends_templates_and_restored_environments(tmp_path):
    """helpers.reset_local_cloud() in a kernel of its own: nothing of a SnapStart version survives it."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        import json, time, boto3, psutil, helpers, helpers.local_cloud
        cloud = helpers.start_local_cloud()
        lam = boto3.client("lambda")

        def publish():
            role = boto3.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            lam.create_function(FunctionName="ids", Runtime="python3.12", Role=role,
                                Handler="snapstart_unique_id.handler", Publish=True,
                                Code={"ZipFile": helpers.package_handler("snapstart_unique_id")},
                                SnapStart={"ApplyOn": "PublishedVersions"})
            while lam.get_function_configuration(FunctionName="ids", Qualifier="1")["State"] == "Pending":
                time.sleep(0.02)
            copy = json.loads(lam.invoke(FunctionName="ids", Qualifier="1")["Payload"].read())["pid"]
            return list(helpers.local_cloud.current().parts.snapshots.template_pids().values()) + [copy]

        def alive(pids):
            return [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]

        before = publish()
        helpers.reset_local_cloud()
        deadline = time.monotonic() + 5
        while alive(before) and time.monotonic() < deadline:
            time.sleep(0.02)
        after = publish()  # and SnapStart works again in the new local AWS
        helpers.stop_local_cloud()
        deadline = time.monotonic() + 5
        while alive(after) and time.monotonic() < deadline:
            time.sleep(0.02)
        print(json.dumps({"before": len(before), "left": alive(before), "after": len(after), "left_after": alive(after)}))
    """))
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"before": 2, "left": [], "after": 2,
                                                                 "left_after": []}


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed (pip install awscli)")
def test_the_aws_cli_turns_snapstart_on_and_a_new_environment_reports_a_restore_duration(tmp_path):
    from test_command_line import ForegroundCloud

    foreground = ForegroundCloud()
    try:
        foreground.deploy("cli-snap", "snapstart_unique_id_fixed.handler", "snapstart_unique_id_fixed")
        env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "PATH": os.environ["PATH"], "AWS_CONFIG_FILE": str(tmp_path / "none"),
               "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}

        def aws(*args: str) -> dict:
            done = subprocess.run(["aws", "--endpoint-url", foreground.endpoint, "lambda", *args], env=env,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout) if done.stdout.strip() else {}

        aws("update-function-configuration", "--function-name", "cli-snap", "--snap-start",
            "ApplyOn=PublishedVersions")
        assert aws("publish-version", "--function-name", "cli-snap")["Version"] == "1"
        deadline = time.monotonic() + 30
        while aws("get-function-configuration", "--function-name", "cli-snap", "--qualifier", "1")["State"] \
                != "Active" and time.monotonic() < deadline:
            time.sleep(0.2)
        answer = aws("invoke", "--function-name", "cli-snap:1", "--log-type", "Tail", str(tmp_path / "out.json"))
        report = base64.b64decode(answer["LogResult"]).decode().strip().splitlines()[-1]
        assert "Restore Duration: " in report and "Init Duration" not in report, report
    finally:
        foreground.stop()
