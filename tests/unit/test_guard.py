"""The safety guard (helpers/guard.py, helpers/guard_proxy.py): nothing any process of this workbook starts may
leave the machine.

The test process imports helpers, so it is guarded itself; what a learner's process does (boto3 with real-looking
credentials, raw sockets, the command line, the sitecustomize, node) is checked in fresh interpreters, with an audit
hook that records every DNS lookup and connect they make.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers.guard import RealAWSBlockedError, check_url, is_loopback_host

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.5.5", "::1", "[::1]", "localhost", "LOCALHOST",
                                  "api.localhost"])
def test_loopback_hosts(host):
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "lambda.us-east-1.amazonaws.com", "::2",
                                  "localhost.example.com", "", None])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback_host(host)


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000/2015-03-31/functions", "http://localhost:4566/",
                                 "http://[::1]:8080/x"])
def test_check_url_lets_loopback_through(url):
    check_url(url)


@pytest.mark.parametrize("url", ["https://lambda.us-east-1.amazonaws.com/2015-03-31/functions",
                                 "https://sts.amazonaws.com/", "http://10.0.0.1:5000/"])
def test_check_url_blocks_everything_else(url):
    with pytest.raises(RealAWSBlockedError) as excinfo:
        check_url(url)
    assert str(excinfo.value).startswith("lambda-workbook safety guard: refused to send a request to ")
    assert isinstance(excinfo.value, ConnectionRefusedError)


# --------------------------------------------------------------------------- boto3 in a fresh interpreter

_PROBE = """
import json, sys, time

connections = []
def audit(event, args):  # every DNS lookup or connect the interpreter makes
    if event in ("socket.getaddrinfo", "socket.connect", "socket.gethostbyname"):
        connections.append(event)
sys.addaudithook(audit)

from helpers import guard
{setup}
start = time.monotonic()
try:
    sts.get_caller_identity()
    outcome = {{"error": None}}
except Exception as exc:
    outcome = {{"error": type(exc).__name__, "message": str(exc)}}
outcome.update(seconds=time.monotonic() - start, connections=connections,
               guarded=guard.is_installed())
print(json.dumps(outcome))
"""

_INSTALL_BEFORE = """
assert "botocore" not in sys.modules and "boto3" not in sys.modules
guard.install()
import boto3
sts = boto3.client("sts")
"""

_INSTALL_AFTER = """
import boto3, botocore.httpsession
sts = boto3.client("sts")
assert "botocore.httpsession" in sys.modules
guard.install()
"""


def run_probe(setup: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "BOTO"))}
    env.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")
    code = textwrap.dedent(_PROBE).format(setup=textwrap.dedent(setup))
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                               text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("setup", [_INSTALL_BEFORE, _INSTALL_AFTER], ids=["install-before-boto3",
                                                                           "install-after-botocore"])
def test_real_aws_call_with_real_looking_credentials_is_blocked(setup):
    outcome = run_probe(setup)
    assert outcome["guarded"]
    assert outcome["error"] == "RealAWSBlockedError"
    assert outcome["message"].startswith("lambda-workbook safety guard: refused to send a request to 'sts.")
    assert outcome["connections"] == []  # refused before any lookup or connect: nothing left the machine
    assert outcome["seconds"] < 5



# --------------------------------------------------------------------------- which hosts may be reached

from helpers import guard  # noqa: E402
from helpers.guard_proxy import NODE_GUARD, SITE_DIR, GuardProxy, guard_environment, requested_host  # noqa: E402

AWS_HOSTS = ["sts.amazonaws.com", "STS.US-EAST-1.AMAZONAWS.COM.", "s3.cn-north-1.amazonaws.com.cn",
             "abc123.lambda-url.us-east-1.on.aws", "lambda.us-east-1.api.aws", "aws.amazon.com",
             "signin.aws.amazon.com", "d-1234567890.awsapps.com", "amazonaws.com", "169.254.169.254",
             "fd00:ec2::254", "[fd00:ec2::254]", "::ffff:169.254.169.254", b"sts.amazonaws.com"]


@pytest.fixture
def allow(monkeypatch):
    """allow("example.com,...") sets the opt-in for this test; unset by default."""
    monkeypatch.delenv(guard.ALLOW_VARIABLE, raising=False)
    return lambda value: monkeypatch.setenv(guard.ALLOW_VARIABLE, value)


@pytest.mark.parametrize("host", AWS_HOSTS)
@pytest.mark.parametrize("opt_in", ["", "*", "amazonaws.com,aws.amazon.com,on.aws,api.aws,169.254.169.254,com"])
def test_aws_hosts_are_never_reached_even_if_listed(host, opt_in, allow):
    allow(opt_in)
    assert guard.verdict(host) == guard.AWS
    with pytest.raises(RealAWSBlockedError, match="^lambda-workbook safety guard: refused a connection to .*AWS host"):
        guard.check_host(host)


@pytest.mark.parametrize("host", ["example.com", "pypi.org", "10.0.0.1", "93.184.216.34", "2606:2800::1",
                                  "localhost.example.com", "", None])
def test_by_default_only_loopback_may_be_reached(host, allow):
    assert guard.verdict(host) == guard.NOT_ALLOWED
    with pytest.raises(RealAWSBlockedError, match=f"only this machine .* {guard.ALLOW_VARIABLE}"):
        guard.check_host(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1", "localhost",
                                  "LocalHost.", "api.localhost", b"127.0.0.1"])
def test_loopback_may_always_be_reached(host, allow):
    allow("")
    assert guard.verdict(host) == guard.LOOPBACK
    guard.check_host(host)


def test_the_opt_in_lets_named_hosts_and_their_subdomains_through(allow):
    allow(" Example.com , *.pypi.org ,.internal.test, 10.1.2.3 ")
    assert guard.allowed_entries() == ("example.com", "pypi.org", "internal.test", "10.1.2.3")
    for host in ("example.com", "www.example.com", "pypi.org", "files.pypi.org", "a.internal.test", "10.1.2.3"):
        assert guard.verdict(host) == guard.ALLOWED, host
    for host in ("notexample.com", "example.org", "10.1.2.4", "internal.test.evil.com"):
        assert guard.verdict(host) == guard.NOT_ALLOWED, host
    guard.check_url("https://www.example.com/path")  # boto3 too may use an opted-in host that is not AWS's
    with pytest.raises(RealAWSBlockedError):
        guard.check_url("https://sts.amazonaws.com/")


def test_a_star_lets_every_host_but_aws_through(allow):
    allow("*")
    assert guard.verdict("example.org") == guard.verdict("203.0.113.9") == guard.ALLOWED
    assert guard.verdict("s3.amazonaws.com") == guard.verdict("169.254.170.2") == guard.AWS


@pytest.mark.parametrize(("entry", "covers"), [("com", True), ("aws", True), ("amazon.com", True), ("*", True),
                                               ("s3.amazonaws.com", True), ("example.com", False),
                                               ("amazon.example.com", False), ("10.0.0.1", False)])
def test_entries_that_would_cover_an_aws_host_as_a_suffix(entry, covers):
    assert guard.covers_aws(entry) is covers


def test_the_nodejs_guard_refuses_the_same_aws_domains():
    source = (PROJECT_ROOT / "helpers" / "runtime" / "node_guard.cjs").read_text()
    import re

    for name, python_list in (("AWS_DOMAINS", guard.AWS_DOMAINS), ("AWS_METADATA_ADDRESSES",
                                                                   guard.AWS_METADATA_ADDRESSES)):
        match = re.search(rf"const {name} = \[(.*?)\];", source, re.DOTALL)
        assert match, name
        assert tuple(re.findall(r"'([^']+)'", match.group(1))) == python_list


# --------------------------------------------------------------------------- what environments get

def test_the_environment_of_an_execution_environment(allow):
    allow("example.com,com,*,sts.amazonaws.com")
    additions = guard_environment({"PYTHONPATH": "/opt/mine", "PATH": "/bin"}, "http://127.0.0.1:9")
    assert additions["PYTHONPATH"] == os.pathsep.join([str(SITE_DIR), "/opt/mine"])
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "FTP_PROXY"):
        assert additions[name] == additions[name.lower()] == "http://127.0.0.1:9"
    # loopback goes direct, and so do opted-in hosts, unless they would also send an AWS host past the proxy
    assert additions["NO_PROXY"] == additions["no_proxy"] == "localhost,127.0.0.1,::1,127.0.0.0/8,example.com"
    assert additions[guard.ALLOW_VARIABLE] == "example.com,com,*,sts.amazonaws.com"
    # a function's own opt-in is kept; without a proxy, only the sitecustomize
    assert additions["NODE_OPTIONS"] == f'--require "{NODE_GUARD}"'
    assert guard_environment({guard.ALLOW_VARIABLE: "pypi.org", "NODE_OPTIONS": "--trace-warnings"}, None) == {
        "PYTHONPATH": str(SITE_DIR), guard.ALLOW_VARIABLE: "pypi.org",
        "NODE_OPTIONS": f'--require "{NODE_GUARD}" --trace-warnings'}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (`node` on PATH)")
def test_node_options_guard_any_nodejs_program(tmp_path, allow):
    """What a handler starts with `node`: NODE_OPTIONS loads node_guard.cjs before the program's first line."""
    script = tmp_path / "probe.js"
    script.write_text("""
        const net = require('node:net');
        const dns = require('node:dns');
        const lookups = [];
        const originalLookup = dns.lookup;
        dns.lookup = (...args) => { lookups.push(args[0]); return originalLookup(...args); };
        const attempt = async (call) => { try { await call(); return 'REACHED'; }
                                          catch (e) { return String(e.cause?.message || e.message); } };
        (async () => {
          const server = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1');
          await new Promise((resolve) => server.on('listening', resolve));
          const results = {
            fetch_aws: await attempt(() => fetch('https://sts.amazonaws.com/')),
            fetch_other: await attempt(() => fetch('https://example.com/')),
            socket_other: await attempt(() => new net.Socket().connect(80, 'example.org')),
            loopback: await attempt(() => new Promise((resolve, reject) => {
              net.connect(server.address().port, '127.0.0.1', resolve).on('error', reject); })),
          };
          server.close();
          console.log(JSON.stringify({ results, lookups }));
          process.exit(0);
        })();
    """)
    env = {key: value for key, value in os.environ.items() if key != "NODE_OPTIONS"}
    env.update(guard_environment({}, None))
    completed = subprocess.run(["node", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    results = outcome["results"]
    assert results.pop("loopback") == "REACHED" and outcome["lookups"] == ["127.0.0.1"]  # refused before any lookup
    assert results["fetch_aws"].startswith("lambda-workbook safety guard: refused a connection to sts.amazonaws.com")
    assert results["fetch_other"].startswith("lambda-workbook safety guard: refused a connection to example.com")
    assert results["socket_other"].startswith("lambda-workbook safety guard: refused a connection to example.org")


@pytest.mark.parametrize(("head", "host"), [
    (b"CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n", "sts.amazonaws.com"),
    (b"GET http://example.com/a?b HTTP/1.1\r\n\r\n", "example.com"),
    (b"GET http://user:pw@example.com:8080/ HTTP/1.1\r\n\r\n", "example.com"),
    (b"CONNECT [2001:db8::1]:443 HTTP/1.1\r\n\r\n", "2001:db8::1"),
    (b"\r\n", "(no host)")])
def test_requested_host(head, host):
    assert requested_host(head) == host


def test_the_guard_proxy_refuses_every_request_and_stops(allow):
    proxy = GuardProxy()
    port = int(proxy.url.rsplit(":", 1)[1])
    import socket

    try:
        for request, expected in ((b"CONNECT sts.amazonaws.com:443 HTTP/1.1\r\n\r\n", "it is an AWS host"),
                                  (b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", "only this machine")):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(request)
                answer = b""
                while chunk := conn.recv(65536):
                    answer += chunk
            head, _, body = answer.decode().partition("\r\n\r\n")
            assert head.startswith("HTTP/1.1 403 lambda-workbook safety guard: refused a request to ")
            assert body.startswith("lambda-workbook safety guard: ") and expected in body
    finally:
        proxy.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


# --------------------------------------------------------------------------- fresh interpreters, as a learner has them

_AUDITED = """
import json, sys
events = []
sys.addaudithook(lambda event, args: events.append([event, repr(args)[:80]]) if event in (
    "socket.getaddrinfo", "socket.gethostbyname", "socket.connect", "socket.sendto", "socket.sendmsg") else None)
results = {}
def attempt(key, call):
    try:
        call()
        results[key] = "REACHED"
    except Exception as exc:
        results[key] = f"{type(exc).__name__}: {exc}"
"""


def run_fresh(code: str, tmp_path: Path, extra_env: dict | None = None) -> dict:
    """Run ``code`` after _AUDITED in a new interpreter with a learner's real-looking AWS set-up (credentials in the
    environment and in a profile file); return the JSON it prints last."""
    (tmp_path / "credentials").write_text("[default]\naws_access_key_id = AKIAREALLOOKINGKEY01\n"
                                          "aws_secret_access_key = realLookingSecretKey0123456789abcdefghij\n"
                                          "[work]\naws_access_key_id = AKIAREALLOOKINGKEY03\n"
                                          "aws_secret_access_key = yetAnotherRealLookingSecret012345678\n")
    (tmp_path / "config").write_text("[default]\nregion = eu-west-3\n[profile work]\nregion = us-east-1\n")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AWS_", "BOTO")) and key != guard.ALLOW_VARIABLE}
    env.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), AWS_CONFIG_FILE=str(tmp_path / "config"),
               AWS_PROFILE="work", AWS_EC2_METADATA_DISABLED="true", PYTHONPATH=str(PROJECT_ROOT))
    env.update(extra_env or {})
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(_AUDITED) + textwrap.dedent(code)],
                               cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_import_helpers_guards_boto3_before_the_local_aws_starts(tmp_path):
    """Hole 1 of the reliability run: boto3 signed with the learner's real key and went for sts.amazonaws.com."""
    outcome = run_fresh("""
        import helpers, boto3
        attempt("profile", lambda: boto3.client("sts").get_caller_identity())
        attempt("keys", lambda: boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40,
                                              region_name="eu-west-1").client("lambda").list_functions())
        print(json.dumps({"results": results, "events": events}))
    """, tmp_path)
    assert outcome["results"]["profile"].startswith(
        "RealAWSBlockedError: lambda-workbook safety guard: refused to send a request to 'sts.")
    assert outcome["results"]["keys"].startswith(
        "RealAWSBlockedError: lambda-workbook safety guard: refused to send a request to 'lambda.eu-west-1.amazonaws")
    assert outcome["events"] == []  # refused before any DNS lookup or connect


def test_import_helpers_guards_sockets_and_leaves_loopback_and_unix_sockets_alone(tmp_path):
    outcome = run_fresh("""
        import socket, threading, urllib.request
        import helpers
        attempt("urlopen_aws", lambda: urllib.request.urlopen("https://sts.amazonaws.com", timeout=5))
        attempt("socket_aws", lambda: socket.create_connection(("s3.amazonaws.com", 443), timeout=5))
        attempt("lookup_aws", lambda: socket.gethostbyname("lambda.us-east-1.amazonaws.com"))
        attempt("socket_other", lambda: socket.create_connection(("example.com", 443), timeout=5))
        attempt("urlopen_other", lambda: urllib.request.urlopen("http://example.com/", timeout=5))
        attempt("metadata", lambda: socket.socket().connect(("169.254.169.254", 80)))
        attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.0.0.1", 53)))
        refused = [event for event in events if "127.0.0.1" not in event[1]]
        with socket.create_server(("127.0.0.1", 0)) as server:
            attempt("loopback", lambda: socket.create_connection(server.getsockname(), timeout=5).close())
        if hasattr(socket, "AF_UNIX"):  # Unix sockets keep working
            with socket.socket(socket.AF_UNIX) as server:
                server.bind("guard-test.sock")
                server.listen()
                attempt("unix", lambda: socket.socket(socket.AF_UNIX).connect("guard-test.sock"))
        else:
            results["unix"] = "REACHED"
        print(json.dumps({"results": results, "refused_events": refused}))
    """, tmp_path)
    results = outcome["results"]
    assert results.pop("loopback") == results.pop("unix") == "REACHED"
    assert results.pop("urlopen_aws").startswith("URLError: <urlopen error lambda-workbook safety guard: refused a DNS "
                                                 "lookup of sts.amazonaws.com: it is an AWS host")
    assert results.pop("urlopen_other").startswith("URLError: <urlopen error lambda-workbook safety guard: refused a "
                                                   "DNS lookup of example.com: only this machine")
    for key, result in results.items():
        assert result.startswith("RealAWSBlockedError: lambda-workbook safety guard: refused a "), key
    assert outcome["refused_events"] == []  # refused before any DNS lookup, connect or send


@pytest.mark.parametrize("module", ["helpers.local_cloud", "helpers.local_cloud.__main__"])
def test_the_command_line_is_guarded_from_its_first_import(module, tmp_path):
    outcome = run_fresh(f"""
        import importlib, socket
        importlib.import_module("{module}")
        from helpers import guard
        attempt("socket_aws", lambda: socket.create_connection(("sts.amazonaws.com", 443), timeout=5))
        print(json.dumps({{"results": results, "installed": guard.is_installed()}}))
    """, tmp_path)
    assert outcome["installed"]
    assert outcome["results"]["socket_aws"].startswith("RealAWSBlockedError: lambda-workbook safety guard: ")


def test_the_sitecustomize_guards_any_python_and_leaves_its_sys_path_alone(tmp_path):
    plain = run_fresh('import sys\nprint(json.dumps({"path": sys.path}))', tmp_path)
    outcome = run_fresh("""
        import socket, sys
        attempt("socket_aws", lambda: socket.create_connection(("sts.amazonaws.com", 443), timeout=5))
        attempt("socket_other", lambda: socket.create_connection(("example.com", 80), timeout=5))
        guard = sys.modules["_lambda_workbook_guard"]
        print(json.dumps({"results": results, "events": events, "path": sys.path, "installed": guard.is_installed(),
                          "boto3_loaded": "boto3" in sys.modules}))
    """, tmp_path, {"PYTHONPATH": os.pathsep.join([str(SITE_DIR), str(PROJECT_ROOT)])})
    assert outcome["installed"] and not outcome["boto3_loaded"]
    assert str(SITE_DIR) not in outcome["path"] and outcome["path"] == plain["path"]
    assert outcome["results"]["socket_aws"].startswith("RealAWSBlockedError: lambda-workbook safety guard: refused a "
                                                       "DNS lookup of sts.amazonaws.com")
    assert outcome["results"]["socket_other"].startswith("RealAWSBlockedError: lambda-workbook safety guard: ")
    assert outcome["events"] == []


def test_the_opt_in_reaches_a_fresh_interpreter(tmp_path):
    outcome = run_fresh("""
        import helpers
        from helpers import guard
        print(json.dumps({"example": guard.verdict("www.example.com"), "other": guard.verdict("example.org"),
                          "aws": guard.verdict("sts.amazonaws.com")}))
    """, tmp_path, {guard.ALLOW_VARIABLE: "example.com,amazonaws.com"})
    assert outcome == {"example": "allowed", "other": "not allowed", "aws": "aws"}
