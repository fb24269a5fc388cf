"""The composition root: builds every part of one local AWS's data plane and hands each its collaborators.

    guard proxy ── refuses whatever a handler's own programs try to reach outside this machine
    clock ── the workbook clock, for everything that waits
    state ── the one reader of moto (functions, layers, logs, queues, streams, rules, APIs)
    concurrency ── the account's quota, reservations and scaling rate; telemetry, what happened
    slots ── the laptop's cap on live environment processes
    provisioned ── environments initialised ahead of requests for aliases and versions that ask for them
    engine ── pools of execution environments (made by a factory, with the launcher and settings)
    snapshots ── SnapStart: a template process per published version; its environments are restored from it
    queue ── Lambda's asynchronous queue, sending to destinations
    invoke API ── Invoke, for boto3 and ``helpers.invoke``
    front door, scheduler, SQS and stream pollers ── the triggers
    seam ── moto's patched methods, bound to all of the above

Nothing finds another part by looking it up: each gets what it needs here. ``CloudParts.stop`` stops them in the
reverse order.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from helpers import moto_seam
from helpers.clock import WorkbookClock
from helpers.guard_proxy import GuardProxy
from helpers.lambda_service.async_invocations import AsyncInvocations
from helpers.lambda_service.code_store import CodeStore
from helpers.lambda_service.concurrency import ConcurrencyLedger
from helpers.lambda_service.destinations import BotoDestinations
from helpers.lambda_service.engine import LambdaEngine
from helpers.lambda_service.invoke_api import InvokeAPI
from helpers.lambda_service.laptop import EnvironmentSlots
from helpers.lambda_service.provisioned import ProvisionedConcurrency
from helpers.lambda_service.snapshots import Snapshots
from helpers.lambda_service.specs import SpecBuilder
from helpers.lambda_service.telemetry import Telemetry
from helpers.moto_seam import MotoState, Seam
from helpers.runtime.environment import EnvironmentSettings, ExecutionEnvironment
from helpers.runtime.launch import Launcher
from helpers.runtime.restored import RestoredEnvironment
from helpers.runtime.snapshot import SnapshotTemplate
from helpers.runtime.spec import FunctionSpec
from helpers.triggers.eventbridge import LambdaTargets, Scheduler
from helpers.triggers.http_front_door import FrontDoor
from helpers.triggers.sqs_poller import SQSPollers
from helpers.triggers.stream_poller import StreamPollers


@dataclass
class CloudParts:
    """Every running part of one local AWS's data plane (rebuilt by a reset; moto's server stays)."""

    workdir: Path
    guard_proxy: GuardProxy
    clock: WorkbookClock
    state: MotoState
    telemetry: Telemetry
    concurrency: ConcurrencyLedger
    slots: EnvironmentSlots
    provisioned: ProvisionedConcurrency
    engine: LambdaEngine
    queue: AsyncInvocations
    invoke_api: InvokeAPI
    front_door: FrontDoor
    scheduler: Scheduler
    sqs_pollers: SQSPollers
    stream_pollers: StreamPollers
    snapshots: Snapshots

    def stop(self) -> None:
        """Stop every part: triggers first, then the queue, the environments, the clock; remove the files."""
        for trigger in (self.sqs_pollers, self.stream_pollers, self.front_door, self.scheduler):
            trigger.stop()
        self.queue.stop()
        self.engine.shutdown()
        self.provisioned.shutdown()
        self.snapshots.stop()
        self.guard_proxy.stop()
        self.clock.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@dataclass(frozen=True)
class CloudSettings:
    """What a learner may set for a local AWS; a reset keeps it."""

    idle_timeout_s: float
    time_scale: float
    account_concurrency: int
    scaling_rate: int  # new environments per function every 10 seconds
    provisioned_delay_s: float  # workbook seconds before a provisioned concurrency config is allocated
    max_environments: int  # the laptop's cap on live environment processes (lambda_service/laptop.py)


def build(*, workdir: Path, endpoint_url: str, credentials: Mapping[str, str], launcher: Launcher,
          settings: CloudSettings) -> CloudParts:
    """Build and wire every part, and plug them into moto."""
    guard_proxy = GuardProxy()  # what handlers start is guarded too (helpers/guard_proxy.py)
    # the clock's workers run every timer, asynchronous attempts included: as many as environments, and some more
    clock = WorkbookClock(settings.time_scale, workers=settings.max_environments + 16)
    state = MotoState()
    telemetry = Telemetry()
    concurrency = ConcurrencyLedger(clock, telemetry, state.reservations, account_limit=settings.account_concurrency,
                                    scaling_rate=settings.scaling_rate)
    environment_settings = EnvironmentSettings(workdir, endpoint_url, launcher, dict(credentials),
                                               guard_environment=guard_proxy.environment)

    specs = SpecBuilder(CodeStore(workdir / "code"), state)
    snapshots = Snapshots(templates=lambda spec: SnapshotTemplate(spec, environment_settings), specs=specs,
                          logs=state)

    def new_environment(spec: FunctionSpec) -> ExecutionEnvironment:
        if spec.snap_start:  # SnapStart: restored from the version's snapshot
            return RestoredEnvironment(spec, environment_settings, snapshots.source(spec))
        return ExecutionEnvironment(spec, environment_settings)

    slots = EnvironmentSlots(settings.max_environments)
    provisioned = ProvisionedConcurrency(environments=new_environment, specs=specs, logs=state,
                                         concurrency=concurrency, clock=clock, telemetry=telemetry, slots=slots,
                                         make_room=lambda: engine.evict_longest_idle(),
                                         allocation_delay_s=settings.provisioned_delay_s)
    engine = LambdaEngine(environments=new_environment, specs=specs, logs=state, concurrency=concurrency,
                          clock=clock, telemetry=telemetry, slots=slots, provisioned=provisioned,
                          idle_timeout_s=settings.idle_timeout_s)
    destinations = BotoDestinations(endpoint_url, credentials)
    queue = AsyncInvocations(engine, state, destinations, clock)
    invoke_api = InvokeAPI(state, engine, queue)
    front_door = FrontDoor(state, state, engine)
    lambda_targets = LambdaTargets(state, queue)
    scheduler = Scheduler(clock, state, lambda_targets)
    sqs_pollers = SQSPollers(state, state, engine, clock)
    stream_pollers = StreamPollers(state, state, engine, clock, destinations)
    moto_seam.install(Seam(state=state, invoke_api=invoke_api, engine=engine, queue=queue, clock=clock,
                           addresses=front_door, schedules=scheduler, rule_targets=lambda_targets,
                           concurrency=concurrency, provisioned=provisioned, registry=moto_seam.REGISTRY,
                           snapshots=snapshots))
    return CloudParts(workdir, guard_proxy, clock, state, telemetry, concurrency, slots, provisioned, engine, queue, invoke_api,
                      front_door, scheduler, sqs_pollers, stream_pollers, snapshots)
