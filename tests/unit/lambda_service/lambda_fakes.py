"""Fakes for the data plane's unit tests: environments that answer at once (no processes), and a recorder that
stands for the environment factory, the spec builder and CloudWatch Logs."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from helpers.lambda_service.functions import FunctionVersion
from helpers.runtime import log_lines
from helpers.runtime.spec import FunctionSpec, InitOutcome, InvocationOutcome, InvocationRequest

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


@dataclass
class FakeEnvironment:
    """An environment that answers at once, or waits for ``release`` when ``hold`` is set."""

    spec: FunctionSpec
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    dead: bool = False
    invocations: int = 0
    log_stream_name: str = "stream"
    exited: bool = False
    shut_down: bool = False
    hold: threading.Event | None = None
    die_in_invoke: bool = False  # as after a timeout or a failed init: unusable once this invocation ends
    pid: int | None = 1

    fail_init: bool = False
    initialised_as: str | None = None

    def init(self, initialization_type: str = "on-demand") -> InitOutcome:
        """Only provisioned concurrency initialises ahead of time (the pools initialise through invoke)."""
        assert initialization_type != "on-demand", "the pools initialise environments through invoke"
        self.initialised_as = initialization_type
        if self.fail_init:
            self.dead = True
            return InitOutcome(False, 5.0, ["INIT_START", "INIT_REPORT failed"], "Runtime.ImportModuleError", "error")
        return InitOutcome(True, 5.0, ["INIT_START", "INIT_REPORT Init Duration: 5.00 ms"])

    def invoke(self, request: InvocationRequest) -> InvocationOutcome:
        self.invocations += 1
        if self.hold is not None:
            self.hold.wait(5)
        self.dead = self.die_in_invoke
        report = log_lines.Report(request.request_id, 1.0, 1, self.spec.memory_mb, 10)
        cold = self.invocations == 1 and self.initialised_as is None
        if cold:
            report = report.with_init(5.0)
        return InvocationOutcome(request.request_id, b'"ok"', None, [f"line of {self.id}"], report, 1.0, 0.5,
                                 cold, self.id, self.log_stream_name)

    def process_exited(self) -> bool:
        return self.exited

    def shutdown(self) -> None:
        self.shut_down = True
        self.dead = True


class Recorder:
    """Stands for the environment factory, the spec builder and CloudWatch Logs."""

    def __init__(self) -> None:
        self.made: list[FakeEnvironment] = []
        self.logged: list[tuple[str, str, list[str]]] = []
        self.hold: threading.Event | None = None
        self.die_in_invoke = False
        self.fail_init = False

    def environment(self, spec: FunctionSpec) -> FakeEnvironment:
        env = FakeEnvironment(spec, hold=self.hold, die_in_invoke=self.die_in_invoke, fail_init=self.fail_init)
        self.made.append(env)
        return env

    @staticmethod
    def spec(function: FunctionVersion) -> FunctionSpec:
        return FunctionSpec(**function.settings(), code_dir=Path("/code"), fingerprint=function.code_digest)

    def append(self, *, account_id, region, group, stream, messages) -> None:
        self.logged.append((group, stream, list(messages)))


def version(code: str = "v1", number: str = "$LATEST") -> FunctionVersion:
    return FunctionVersion("fn", ARN, number, "us-east-1", "123456789012", "python3.12", "app.handler", 128, 3, {},
                           (), code, b"")


def request(qualifier: str | None = None) -> InvocationRequest:
    return InvocationRequest(str(uuid.uuid4()), b"{}", f"{ARN}:{qualifier}" if qualifier else ARN)
