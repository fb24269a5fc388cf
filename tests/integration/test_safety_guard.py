"""The safety guard inside execution environments, and in whatever a handler starts (helpers/guard.py,
helpers/guard_proxy.py, helpers/runtime/guard_site).

The handlers here use a learner's real-looking AWS set-up (credentials in the environment and in a profile file)
for what they start. No test reaches the network: AWS host names are refused before any DNS lookup, other hosts
before a lookup or a connect, and the opt-in is checked through the guard's decision, never by connecting.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from helpers.guard_proxy import SITE_DIR

GUARD = "lambda-workbook safety guard"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (`node` on PATH)")

COMMON = """\
import json, os, shutil, socket, subprocess, sys, tempfile, urllib.request


def attempt(call):
    try:
        call()
        return "REACHED"
    except Exception as exc:  # the guard's errors, as a handler would see them
        return f"{type(exc).__name__}: {exc}"


def learner_env(**extra):
    \"\"\"What a handler's child would see on a learner's machine: real-looking keys, in variables and a profile.\"\"\"
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "credentials"), "w") as file:
        file.write("[work]\\naws_access_key_id = AKIAREALLOOKINGKEY03\\n"
                   "aws_secret_access_key = yetAnotherRealLookingSecret012345678\\n")
    return dict(os.environ, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_PROFILE="work",
                AWS_SHARED_CREDENTIALS_FILE=os.path.join(folder, "credentials"), **extra)


def run(argv, **extra):
    done = subprocess.run(argv, env=learner_env(**extra), capture_output=True, text=True, timeout=60)
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}
"""

IN_PROCESS = COMMON + """

def handler(event, context):
    host = event["host"]
    import boto3
    os.environ.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEX")
    return {
        "urlopen": attempt(lambda: urllib.request.urlopen(f"https://{host}/", timeout=5)),
        "urlopen_http": attempt(lambda: urllib.request.urlopen(f"http://{host}/", timeout=5)),
        "socket": attempt(lambda: socket.create_connection((host, 443), timeout=5)),
        "boto3": attempt(lambda: boto3.client("sts", endpoint_url=f"https://{host}").get_caller_identity()),
        "local_aws": attempt(lambda: boto3.client("s3").list_buckets()),
        "sys_path": sys.path,
        "environ": {key: os.environ.get(key) for key in ("PYTHONPATH", "HTTPS_PROXY", "https_proxy", "NO_PROXY",
                                                                "LAMBDA_TASK_ROOT")},
    }
"""

CHILDREN = COMMON + """
BOTO3_TO_AWS = "import boto3; boto3.client('sts', endpoint_url='https://sts.amazonaws.com').get_caller_identity()"
SOCKET_TO = "import socket; socket.create_connection(({!r}, 443), timeout=5)"
VERDICTS = ("import json, sys; guard = sys.modules['_lambda_workbook_guard']; "
            "print(json.dumps([guard.verdict(host) for host in ('www.example.com', 'example.org', 'sts.amazonaws.com')]))")


def handler(event, context):
    results = {
        "python_boto3": run([sys.executable, "-c", BOTO3_TO_AWS]),
        "python_socket_aws": run([sys.executable, "-c", SOCKET_TO.format("s3.amazonaws.com")]),
        "python_socket_other": run([sys.executable, "-c", SOCKET_TO.format("example.com")]),
        "grandchild": run([sys.executable, "-c", "import subprocess, sys; sys.exit(subprocess.run("
                                                 f"[sys.executable, '-c', {BOTO3_TO_AWS!r}]).returncode)"]),
        "verdicts": run([sys.executable, "-c", VERDICTS]),
        "verdicts_opted_in": run([sys.executable, "-c", VERDICTS], LAMBDA_WORKBOOK_ALLOW_HOSTS="example.com"),
    }
    if shutil.which("curl"):
        results["curl_https_aws"] = run(["curl", "-sS", "-v", "--max-time", "10", "https://sts.amazonaws.com/"])
        results["curl_http_other"] = run(["curl", "-sS", "--max-time", "10", "http://example.com/"])
        results["curl_local_aws"] = run(["curl", "-sS", "--max-time", "10", "-o", os.devnull, "-w", "%{http_code}",
                                         os.environ["AWS_ENDPOINT_URL"] + "/"])
    if shutil.which("node"):
        results["node_fetch_aws"] = run(["node", "-e", "fetch('https://sts.amazonaws.com/').then(() => "
                                         "console.log('REACHED'), (e) => { console.error(e.cause.message); "
                                         "process.exit(3); })"])
    if shutil.which("wget"):
        results["wget_https_aws"] = run(["wget", "-q", "-O-", "--timeout=10", "--tries=1", "https://sts.amazonaws.com/"])
    return results
"""

OPT_IN = """\
import os, sys


def handler(event, context):
    guard = sys.modules["_lambda_workbook_guard"]
    return {"verdicts": {host: guard.verdict(host) for host in ("example.com", "api.example.com", "pypi.org",
                                                                "example.org", "sts.amazonaws.com")},
            "allow": os.environ.get("LAMBDA_WORKBOOK_ALLOW_HOSTS"), "no_proxy": os.environ.get("NO_PROXY")}
"""


def call(lambda_client, name, event=None):
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}))
    payload = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, payload
    return payload


@pytest.mark.parametrize("host", ["sts.amazonaws.com", "example.com"])
def test_a_handler_reaches_nothing_but_the_local_aws(lambda_client, deploy, cloud, host):
    name = deploy("guarded.handler", files={"guarded.py": IN_PROCESS}, Timeout=60)
    answer = call(lambda_client, name, {"host": host})
    assert answer.pop("local_aws") == "REACHED"  # boto3 still reaches the local AWS
    sys_path, environ = answer.pop("sys_path"), answer.pop("environ")
    for key, result in answer.items():
        assert GUARD in result and host in result, (key, result)
    assert answer["socket"].startswith(f"RealAWSBlockedError: {GUARD}: refused a DNS lookup of {host}")
    assert answer["boto3"].startswith(f"RealAWSBlockedError: {GUARD}: refused to send a request to '{host}'")
    # urllib honours the proxy variables: the guard's proxy answers, and never connects anywhere
    assert f"403 {GUARD}: refused a request to {host}" in answer["urlopen"]
    # the handler's sys.path is as before (task root, then the standard library); the variables are documented
    assert str(SITE_DIR) not in sys_path and sys_path[0] == environ["LAMBDA_TASK_ROOT"]
    assert not any("site-packages" in entry for entry in sys_path)
    assert environ["PYTHONPATH"] == str(SITE_DIR)
    assert environ["HTTPS_PROXY"] == environ["https_proxy"] == cloud.parts.guard_proxy.url
    assert environ["NO_PROXY"].split(",")[:2] == ["localhost", "127.0.0.1"]


def test_what_a_handler_starts_is_guarded_too(lambda_client, deploy):
    name = deploy("children.handler", files={"children.py": CHILDREN}, Timeout=120, MemorySize=512)
    answer = call(lambda_client, name)
    for key in ("python_boto3", "grandchild"):
        assert answer[key]["code"] != 0 and f"RealAWSBlockedError: {GUARD}: refused to send a request to 'sts." in \
            answer[key]["err"], (key, answer[key])
    assert f"{GUARD}: refused a DNS lookup of s3.amazonaws.com" in answer["python_socket_aws"]["err"]
    assert f"{GUARD}: refused a DNS lookup of example.com" in answer["python_socket_other"]["err"]
    assert json.loads(answer["verdicts"]["out"]) == ["not allowed", "not allowed", "aws"]
    assert json.loads(answer["verdicts_opted_in"]["out"]) == ["allowed", "not allowed", "aws"]
    if "node_fetch_aws" in answer:  # NODE_OPTIONS loads the Node.js guard
        node = answer["node_fetch_aws"]
        assert node["code"] == 3 and node["err"].startswith(f"{GUARD}: refused a connection to sts.amazonaws.com"), node
    if "curl_https_aws" not in answer:
        pytest.skip("no curl on this machine: the Python children were checked")
    curl = answer["curl_https_aws"]
    assert curl["code"] != 0 and f"403 {GUARD}: refused a request to sts.amazonaws.com" in curl["err"], curl
    assert answer["curl_http_other"]["out"].startswith(f"{GUARD}: refused a request to example.com")
    assert answer["curl_local_aws"]["out"] in ("200", "404"), answer["curl_local_aws"]  # loopback goes direct
    if "wget_https_aws" in answer:
        assert answer["wget_https_aws"]["code"] != 0


def test_the_opt_in_lets_named_hosts_but_never_aws_through(lambda_client, deploy, monkeypatch):
    monkeypatch.setenv("LAMBDA_WORKBOOK_ALLOW_HOSTS", "pypi.org,com")  # the notebook's: passed to environments
    name = deploy("opt_in.handler", files={"opt_in.py": OPT_IN})
    answer = call(lambda_client, name)
    assert answer["allow"] == "pypi.org,com"
    assert answer["verdicts"] == {"example.com": "allowed", "api.example.com": "allowed", "pypi.org": "allowed",
                                  "example.org": "not allowed", "sts.amazonaws.com": "aws"}
    assert answer["no_proxy"].endswith(",pypi.org")  # "com" would let curl past the proxy to AWS: left out there
    # a function's own variable wins over the notebook's
    own = deploy("opt_in.handler", files={"opt_in.py": OPT_IN},
                 Environment={"Variables": {"LAMBDA_WORKBOOK_ALLOW_HOSTS": "example.org"}})
    answer = call(lambda_client, own)
    assert answer["allow"] == "example.org" and answer["verdicts"]["example.org"] == "allowed"
    assert answer["verdicts"]["example.com"] == "not allowed" and answer["verdicts"]["sts.amazonaws.com"] == "aws"


NODE_FETCH_MJS = """
import net from 'node:net';
const attempt = async (call) => { try { await call(); return 'REACHED'; } catch (e) { return String(e.cause?.message || e.message); } };
export const handler = async () => ({
  fetch_other: await attempt(() => fetch('https://example.com/')),
  fetch_address: await attempt(() => fetch('http://10.0.0.1:4566/')),
  fetch_metadata: await attempt(() => fetch('http://169.254.169.254/latest/meta-data/')),
  socket: await attempt(() => new net.Socket().connect(443, 'example.org')),
  local_aws: await attempt(() => fetch(process.env.AWS_ENDPOINT_URL + '/')),
});
"""


@needs_node
def test_a_nodejs_handler_reaches_nothing_but_loopback(lambda_client, deploy):
    name = deploy("index.handler", files={"index.mjs": NODE_FETCH_MJS}, Runtime="nodejs22.x", Timeout=30)
    answer = call(lambda_client, name)
    assert answer.pop("local_aws") == "REACHED"
    hosts = {"fetch_other": "example.com", "fetch_address": "10.0.0.1", "fetch_metadata": "169.254.169.254",
             "socket": "example.org"}
    for key, result in answer.items():
        assert result.startswith(f"{GUARD}: refused a connection to {hosts[key]}"), (key, result)
    assert "it is an AWS host" in answer["fetch_metadata"] and "only this machine" in answer["fetch_other"]
