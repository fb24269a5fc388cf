"""The data plane's SnapStart snapshots (helpers/lambda_service/snapshots.py), with stand-in templates."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from helpers.lambda_service.functions import FunctionVersion
from helpers.lambda_service.snapshots import SNAPSHOT_FAILED, Snapshots
from helpers.runtime.snapshot import SNAPSHOT_NOT_READY, SnapshotNotReady
from helpers.runtime.spec import FunctionSpec, InitOutcome

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


class FakeTemplate:
    def __init__(self, spec, ready=True, hold: threading.Event | None = None):
        self.spec, self.ready, self.hold = spec, ready, hold
        self.log_stream_name = f"2026/01/01/[{spec.version}]abc"
        self.usable = True
        self.shut = False
        self.pid = 1234

    def create(self):
        if self.hold is not None:
            self.hold.wait(5)
        if self.ready:
            return InitOutcome(True, 12.0, ["INIT_START x", "INIT_REPORT Init Duration: 12.00 ms"])
        return InitOutcome(False, 5.0, ["INIT_START x", "INIT_REPORT ... Status: error"],
                           "Runtime.BeforeSnapshotError", "error")

    def shutdown(self):
        self.shut = True


class Logs:
    def __init__(self):
        self.written = []

    def append(self, **kwargs):
        self.written.append(kwargs)


def function(version="1", snap_start=True) -> FunctionVersion:
    return FunctionVersion("fn", ARN, version, "us-east-1", "123456789012", "python3.12", "app.handler", 128, 3, {},
                           (), "digest", b"", snap_start=snap_start)


def spec_of(function: FunctionVersion) -> FunctionSpec:
    return FunctionSpec(**function.settings(), code_dir=Path("."), fingerprint="f", snap_start=function.snap_start)


def settle(snapshots, version="1", within_s=5.0):
    deadline = time.monotonic() + within_s
    while snapshots.state(ARN, version).state == "Pending" and time.monotonic() < deadline:
        time.sleep(0.005)
    return snapshots.state(ARN, version)


@pytest.fixture
def made():
    return []


def make_snapshots(made, logs, **template_options):
    def new_template(spec):
        template = FakeTemplate(spec, **template_options)
        made.append(template)
        return template

    return Snapshots(templates=new_template, specs=spec_of, logs=logs)


def test_publishing_makes_the_snapshot_in_the_background_and_logs_its_init(made):
    logs, hold = Logs(), threading.Event()
    snapshots = make_snapshots(made, logs, hold=hold)
    snapshots.published(function())
    assert snapshots.state(ARN, "1").state == "Pending" and snapshots.state(ARN, "1").reason_code == "Creating"
    with pytest.raises(SnapshotNotReady) as caught:
        snapshots.source(spec_of(function())).template()
    assert caught.value.error == SNAPSHOT_NOT_READY
    hold.set()
    assert settle(snapshots).state == "Active"
    assert snapshots.source(spec_of(function())).template() is made[0]
    assert logs.written[0]["group"] == "/aws/lambda/fn" and logs.written[0]["stream"] == made[0].log_stream_name
    snapshots.published(function())  # publishing again with nothing changed: the same version, the same snapshot
    assert len(made) == 1 and snapshots.template_pids() == {(ARN, "1"): 1234}


def test_a_version_without_snapstart_has_no_snapshot(made):
    snapshots = make_snapshots(made, Logs())
    snapshots.published(function(snap_start=False))
    assert snapshots.state(ARN, "1") is None and made == []


def test_a_failed_init_fails_the_version(made):
    snapshots = make_snapshots(made, Logs(), ready=False)
    snapshots.published(function())
    state = settle(snapshots)
    assert state.state == "Failed" and state.reason_code == "FunctionError"
    assert "Runtime.BeforeSnapshotError" in state.reason and made[0].shut
    with pytest.raises(SnapshotNotReady) as caught:
        snapshots.source(spec_of(function())).template()
    assert caught.value.error == SNAPSHOT_FAILED


def test_a_template_that_ended_is_made_again(made):
    snapshots = make_snapshots(made, Logs())
    snapshots.published(function())
    settle(snapshots)
    made[0].usable = False  # killed from outside
    with pytest.raises(SnapshotNotReady):
        snapshots.source(spec_of(function())).template()
    assert made[0].shut and settle(snapshots).state == "Active" and len(made) == 2


def test_deleting_a_version_or_the_function_or_stopping_ends_templates(made):
    snapshots = make_snapshots(made, Logs())
    for number in ("1", "2", "3"):
        snapshots.published(function(number))
        settle(snapshots, number)
    snapshots.discard(ARN, "2")
    assert [template.shut for template in made] == [False, True, False]
    assert snapshots.state(ARN, "2") is None
    snapshots.discard(ARN)
    assert all(template.shut for template in made) and snapshots.template_pids() == {}
    snapshots.published(function("4"))
    settle(snapshots, "4")
    snapshots.stop()
    assert made[-1].shut
    with pytest.raises(RuntimeError):
        snapshots.published(function("5"))


def test_a_version_deleted_while_its_snapshot_is_made(made):
    hold = threading.Event()
    snapshots = make_snapshots(made, Logs(), hold=hold)
    snapshots.published(function())
    deadline = time.monotonic() + 5
    while not made and time.monotonic() < deadline:
        time.sleep(0.005)
    snapshots.discard(ARN, "1")
    hold.set()
    deadline = time.monotonic() + 5
    while not made[0].shut and time.monotonic() < deadline:
        time.sleep(0.005)
    assert made[0].shut
