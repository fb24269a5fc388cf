"""A function version as the data plane sees it: a frozen snapshot of the control plane's configuration.

The control plane (moto, behind ``helpers/moto_seam``) owns functions; the data plane is handed snapshots, so that
nothing outside the seam reads moto's objects and a function made by any route (API call, CLI, template) looks
the same here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers import aws_facts
from helpers.runtime.spec import FunctionSettings


@dataclass(frozen=True)
class AsyncSettings:
    """PutFunctionEventInvokeConfig, with AWS's defaults."""

    max_retries: int = aws_facts.ASYNC_DEFAULT_MAX_RETRIES
    max_event_age_s: int = aws_facts.ASYNC_DEFAULT_MAX_EVENT_AGE_S
    on_success: str | None = None  # destination ARNs
    on_failure: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AsyncSettings:
        destinations = config.get("DestinationConfig") or {}
        return cls(config.get("MaximumRetryAttempts", aws_facts.ASYNC_DEFAULT_MAX_RETRIES),
                   config.get("MaximumEventAgeInSeconds", aws_facts.ASYNC_DEFAULT_MAX_EVENT_AGE_S),
                   (destinations.get("OnSuccess") or {}).get("Destination"),
                   (destinations.get("OnFailure") or {}).get("Destination"))


@dataclass(frozen=True)
class FunctionVersion(FunctionSettings):
    """One version of one function ($LATEST or a number), as configured when it was read: its settings, code,
    layers, asynchronous settings and resource-based policy."""

    layer_arns: tuple[str, ...]
    code_digest: str
    code: bytes = field(repr=False)
    async_settings: AsyncSettings = AsyncSettings()
    dead_letter_target: str | None = None
    policy: Sequence[Mapping[str, Any]] = ()  # the resource-based policy's statements
    reserved_concurrency: int | None = None  # the function's (all its versions share it); None: unreserved pool
    snap_start: bool = False  # a published version with SnapStart on (``snapstart_rules.optimised``)

    @property
    def version_arn(self) -> str:
        """The ARN with its version, as a destination record names the function."""
        return f"{self.function_arn}:{self.version}"
