"""The small interfaces the data plane is handed by the composition root (``helpers/local_cloud``).

The data plane never looks its collaborators up: whoever builds it passes in objects that have these methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from helpers.runtime.spec import InvocationOutcome, InvocationRequest

from .functions import FunctionVersion


class FunctionDirectory(Protocol):
    """Where function versions and layers are configured (the control plane)."""

    def function(self, name: str, qualifier: str | None = None, *, account_id: str,
                 region: str) -> FunctionVersion:
        """The version a name, ARN or ``name:qualifier`` refers to; ResourceNotFoundException if there is none."""
        ...

    def reservations(self, account_id: str, region: str) -> Mapping[str, int]:
        """Every function's reserved concurrency, by unqualified ARN."""
        ...

    def layer_zips(self, layer_arns: Sequence[str], *, account_id: str, region: str) -> list[tuple[str, bytes]]:
        """(code digest, zip) of each existing layer version, in order."""
        ...


class LogSink(Protocol):
    """CloudWatch Logs, as the platform writes to it."""

    def append(self, *, account_id: str, region: str, group: str, stream: str, messages: Sequence[str]) -> None: ...


class Invoker(Protocol):
    """Runs one synchronous invocation in an execution environment."""

    def invoke(self, function: FunctionVersion, request: InvocationRequest, *,
               source: str = "sync") -> InvocationOutcome:
        """Run it to the end; ``concurrency.Throttled`` if Lambda's concurrency rules refuse it."""
        ...


class AsyncSubmitter(Protocol):
    """Lambda's internal queue for asynchronous invocations."""

    def submit(self, function: FunctionVersion, request: InvocationRequest) -> None: ...


class Destinations(Protocol):
    """Sends records to an SQS queue, SNS topic, function or event bus."""

    def send(self, arn: str, body: str, *, attributes: dict[str, tuple[str, str]] | None = None,
             source_kind: str = "") -> None: ...
