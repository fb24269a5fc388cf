"""What moto's patched methods hand their work to: the collaborators the composition root gives the seam.

The seam declares what it needs as small interfaces; it imports none of the parts that implement them (the
engine's pools, the HTTP front door, the scheduler live above it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from helpers.lambda_service.functions import FunctionVersion
from helpers.lambda_service.invoke_api import InvokeAPI
from helpers.lambda_service.ports import AsyncSubmitter, Invoker
from helpers.lambda_service.provisioned import ProvisionedConfig
from helpers.lambda_service.snapshots import VersionState

from .registry import PatchRegistry
from .state import MotoState
from .views import RuleView


class Clock(Protocol):
    def now(self) -> float: ...


class FunctionRunner(Invoker, Protocol):
    """The engine: runs invocations, and retires environments when a function's code or configuration changes."""

    def retire(self, function_arn: str, version: str | None = None) -> int: ...


class Addresses(Protocol):
    """Where the HTTP front door serves function URLs and HTTP APIs."""

    def function_url(self, url_id: str) -> str: ...

    def http_api_url(self, api_id: str) -> str: ...


class ConcurrencyRules(Protocol):
    """The account's concurrency quota and the rule every reservation must keep."""

    account_limit: int

    def unreserved_limit(self, account_id: str, region: str) -> int: ...

    def check_reservation(self, account_id: str, region: str, function_arn: str, reserved: int) -> None: ...


class ProvisionedConfigs(Protocol):
    """Provisioned concurrency configs (``lambda_service/provisioned.py``)."""

    def put(self, function: FunctionVersion, qualifier: str, requested: int) -> ProvisionedConfig: ...

    def get(self, function_arn: str, qualifier: str) -> ProvisionedConfig | None: ...

    def configs(self, function_arn: str) -> list[ProvisionedConfig]: ...

    def delete(self, function_arn: str, qualifier: str) -> bool: ...

    def alias_moved(self, function: FunctionVersion, alias: str) -> None: ...

    def forget(self, function_arn: str, version: str | None = None) -> None: ...


class ScheduleListener(Protocol):
    def rule_created(self, rule_arn: str) -> None: ...


class RuleTargets(Protocol):
    """Delivers an event that matched a rule to the rule's targets."""

    def deliver(self, rule: RuleView, event: Mapping[str, Any]) -> None: ...


class SnapshotKeeper(Protocol):
    """SnapStart's snapshots (``lambda_service/snapshots.py``): made on publish, ended on delete."""

    def published(self, function: FunctionVersion) -> None: ...

    def state(self, function_arn: str, version: str) -> VersionState | None: ...

    def discard(self, function_arn: str, version: str | None = None) -> None: ...


@dataclass
class Seam:
    """Everything the hooks may use, handed over at ``install``."""

    state: MotoState
    invoke_api: InvokeAPI
    engine: FunctionRunner
    queue: AsyncSubmitter
    clock: Clock
    addresses: Addresses
    schedules: ScheduleListener
    rule_targets: RuleTargets
    concurrency: ConcurrencyRules
    provisioned: ProvisionedConfigs
    registry: PatchRegistry
    snapshots: SnapshotKeeper

    def original(self, owner: Any, name: str) -> Callable[..., Any]:
        """moto's own implementation of a patched callable."""
        return self.registry.original(owner, name)
