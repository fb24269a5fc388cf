"""helpers.local_cloud in a fresh process, as a notebook kernel uses it: start, reuse, reset, stop, and the guard.

Each test runs a short script in its own interpreter, with a learner's real-looking AWS set-up (credentials in the
environment, a profile in ~/.aws/config), so that nothing here touches the test session's own local AWS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_script(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text("[default]\nregion = eu-west-3\n[profile work]\nregion = ap-south-1\n"
                                          "endpoint_url = https://example.invalid\n")
    (home / ".aws" / "credentials").write_text("[default]\naws_access_key_id = AKIAREALLOOKINGKEY01\n"
                                               "aws_secret_access_key = realLookingSecretKey0123456789abcdefghij\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"HOME": str(home), "USERPROFILE": str(home), "AWS_PROFILE": "work",
                "AWS_ACCESS_KEY_ID": "AKIAREALLOOKINGKEY02", "AWS_SECRET_ACCESS_KEY": "anotherRealLookingSecret"})
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body))
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120,
                          cwd=ROOT / "notebooks")


def test_start_reuse_reset_stop_and_no_noise(tmp_path):
    result = run_script(tmp_path, """
        import contextlib, io, json, boto3, psutil
        import helpers
        from helpers import local_cloud
        noise = io.StringIO()
        with contextlib.redirect_stdout(noise), contextlib.redirect_stderr(noise):
            cloud = helpers.start_local_cloud()
            assert helpers.start_local_cloud() is cloud             # a re-run setup cell reuses it
            session = boto3.session.Session()                        # any library's own session, too
            lam, s3 = session.client("lambda"), boto3.client("s3")
            assert lam.meta.endpoint_url == s3.meta.endpoint_url == cloud.endpoint_url
            assert lam.meta.region_name == "us-east-1"
            assert session.get_credentials().access_key == "testing"
            s3.create_bucket(Bucket="before-reset")
            role = boto3.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            lam.create_function(FunctionName="f", Runtime="python3.12", Role=role, Handler="counter.handler",
                                Code={"ZipFile": helpers.package_handler("counter")})
            pid = json.loads(lam.invoke(FunctionName="f")["Payload"].read())["pid"]
            helpers.reset_local_cloud()
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
            assert s3.list_buckets()["Buckets"] == [] and lam.list_functions()["Functions"] == []
            role = boto3.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            lam.create_function(FunctionName="f", Runtime="python3.12", Role=role, Handler="counter.handler",
                                Code={"ZipFile": helpers.package_handler("counter")})
            pid = json.loads(lam.invoke(FunctionName="f")["Payload"].read())["pid"]
            helpers.stop_local_cloud()
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
            assert local_cloud.current() is None
            again = helpers.start_local_cloud()                       # and it starts again
            assert again.endpoint_url != "" and boto3.client("s3").list_buckets()["Buckets"] == []
            helpers.stop_local_cloud()
        print(json.dumps({"noise": noise.getvalue()}))
    """)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"noise": ""}
    assert result.stderr == ""


def test_the_guard_refuses_real_aws_even_with_a_real_profile(tmp_path):
    result = run_script(tmp_path, """
        import boto3, helpers
        helpers.start_local_cloud()
        for make in (lambda: boto3.client("s3", endpoint_url="https://s3.amazonaws.com"),
                     lambda: boto3.session.Session(profile_name=None).client("sts", endpoint_url="https://sts.amazonaws.com"),
                     lambda: boto3.client("lambda", endpoint_url="http://10.0.0.1:4566")):
            try:
                client = make()
                getattr(client, {"s3": "list_buckets", "sts": "get_caller_identity", "lambda": "list_functions"}[
                    client.meta.service_model.service_name])()
            except ConnectionRefusedError as error:
                print("refused:", error)
            else:
                print("REACHED")
        helpers.stop_local_cloud()
    """)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("refused: lambda-workbook safety guard") for line in lines)


def test_import_helpers_works_from_the_notebooks_folder(tmp_path):
    result = run_script(tmp_path, """
        import helpers  # no sys.path edits: the install step makes it importable from any folder
        print(helpers.__file__)
    """)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == ROOT / "helpers" / "__init__.py"


@pytest.mark.skipif(os.name != "posix", reason="a shebang bootstrap needs a POSIX shell")
def test_a_custom_runtime_bootstrap_uses_the_same_runtime_api(lambda_client):
    bootstrap = textwrap.dedent(f"""\
        #!{sys.executable}
        # A custom runtime in a dozen lines: poll /next, run something, post the response.
        import json, os, urllib.request
        api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
        while True:
            with urllib.request.urlopen(api + "next") as response:
                request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
                event = json.loads(response.read())
            answer = json.dumps({{"echo": event, "handler": os.environ["_HANDLER"]}}).encode()
            urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=answer)).read()
        """)
    from helpers.deploy.packaging import zip_files

    name = "custom-" + os.urandom(4).hex()
    lambda_client.create_function(FunctionName=name, Runtime="provided.al2023", Role=_role(lambda_client),
                                  Handler="my.handler",
                                  Code={"ZipFile": zip_files({"bootstrap": bootstrap}, executable=("bootstrap",))})
    try:
        response = lambda_client.invoke(FunctionName=name, Payload=b'{"hi": 1}')
        assert json.loads(response["Payload"].read()) == {"echo": {"hi": 1}, "handler": "my.handler"}
        assert "FunctionError" not in response
    finally:
        lambda_client.delete_function(FunctionName=name)


def _role(lambda_client) -> str:
    import boto3

    return boto3.client("iam").create_role(RoleName="custom-" + os.urandom(4).hex(),
                                           AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def test_missing_bootstrap_is_invalid_entrypoint(lambda_client, deploy):
    name = deploy("my.handler", source="hello", Runtime="provided.al2023")
    response = lambda_client.invoke(FunctionName=name)
    error = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.InvalidEntrypoint"
    assert "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]" in error["errorMessage"]


def test_cpu_model_stretches_cpu_time_by_the_memory_share(lambda_client, deploy):
    """Duration is modelled from this invocation's measured CPU time (helpers/runtime/metering.py)."""
    import helpers
    from helpers.runtime.metering import modelled_duration_ms

    source = ("import time\ndef handler(event, context):\n    end = time.process_time() + 0.05\n"
              "    while time.process_time() < end:\n        pass\n")
    small = deploy("burn.handler", files={"burn.py": source}, MemorySize=128)
    large = deploy("burn.handler", files={"burn.py": source}, MemorySize=1769)
    helpers.invoke(small), helpers.invoke(large)  # cold starts out of the way
    for result, memory in ((helpers.invoke(small), 128), (helpers.invoke(large), 1769)):
        assert 45 <= result.cpu_ms <= result.measured_ms + 1  # the handler burned 50 ms of CPU, measured
        modelled = modelled_duration_ms(result.measured_ms, result.cpu_ms, memory)
        assert result.report.duration_ms == pytest.approx(modelled, abs=0.01)
        if memory == 1769:  # one full vCPU: the measured time, unchanged
            assert result.report.duration_ms == pytest.approx(result.measured_ms, abs=0.01)
        else:  # 128 MB gets 128/1769 of a vCPU: the CPU part takes 13.8 times as long
            # (CPU time can read a hair above wall time; the model counts at most the wall time as CPU)
            cpu_part = min(result.cpu_ms, result.measured_ms)
            assert result.report.duration_ms >= result.measured_ms + cpu_part * (1769 / 128 - 1) - 0.01


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize(("bootstrap", "executable", "error_type", "detail"), [
    ("#!/bin/sh\necho starting\n", False, "Runtime.InvalidEntrypoint", "permission denied"),
    ("#!/bin/sh\necho giving up\nexit 4\n", True, "Runtime.ExitError", "Runtime exited with error: exit status 4"),
])
def test_a_runtime_that_cannot_start_fails_at_once(lambda_client, bootstrap, executable, error_type, detail):
    import time

    from helpers.deploy.packaging import zip_files

    name = "broken-" + os.urandom(4).hex()
    code = zip_files({"bootstrap": bootstrap}, executable=("bootstrap",) if executable else ())
    lambda_client.create_function(FunctionName=name, Runtime="provided.al2023", Role=_role(lambda_client),
                                  Handler="x", Code={"ZipFile": code})
    try:
        started = time.monotonic()
        response = lambda_client.invoke(FunctionName=name, LogType="Tail")
        assert time.monotonic() - started < 5  # not the 10 s init limit: the process is gone
        error = json.loads(response["Payload"].read())
        assert response["FunctionError"] == "Unhandled" and error["errorType"] == error_type
        assert error["errorMessage"].endswith(detail)
        import base64

        log = base64.b64decode(response["LogResult"]).decode()
        assert "INIT_REPORT Init Duration: " in log and f"Phase: init\tStatus: error\tError Type: {error_type}" in log
    finally:
        lambda_client.delete_function(FunctionName=name)
