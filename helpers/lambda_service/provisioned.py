"""Provisioned concurrency: execution environments initialised ahead of any request, for one alias or version.

As on AWS (``../shared/reference/lambda-facts.md`` §1 and §4, API_PutProvisionedConcurrencyConfig):

* A config names a published version or an alias of one. ``put`` answers ``IN_PROGRESS``; after
  ``allocation_delay_s`` of workbook time (AWS: "a minute or two"; a knob) every environment is initialised ahead
  of time, in parallel: ``AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency``, an init that may run up to 15
  minutes, ``INIT_START`` and ``INIT_REPORT`` in its log stream. None serves until all are ready (``READY``); an
  init that fails makes the config ``FAILED`` with ``FUNCTION_ERROR_INIT_FAILURE``.
* Invocations through that alias or version take an idle provisioned environment first (their REPORT has no Init
  Duration); when all are busy they spill over to on-demand environments, the engine's pools.
* Provisioned environments are never reclaimed for idleness. Deleting the config shuts them down; moving the
  alias to another version reallocates for that version; an environment that dies is replaced in the background.
* The concurrency is claimed from the account as soon as it is configured (``ConcurrencyLedger.claim_provisioned``).
* Each environment is a process under the laptop's cap (``laptop.py``): allocation may shut idle on-demand
  environments down or wait for room, and configs that would hold the whole cap for good are refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from helpers import aws_facts
from helpers.clock import Timer, WorkbookClock
from helpers.runtime.spec import PROVISIONED, FunctionSpec

from .concurrency import ConcurrencyLedger
from .engine import Environment, EnvironmentFactory
from .errors import InvalidParameterValueException
from .functions import FunctionVersion
from .laptop import EnvironmentSlots
from .ports import LogSink
from .telemetry import PROVISIONED as PROVISIONED_EVENT
from .telemetry import WAIT, Telemetry, TelemetryEvent

IN_PROGRESS, READY, FAILED = "IN_PROGRESS", "READY", "FAILED"
INIT_FAILURE = "FUNCTION_ERROR_INIT_FAILURE"
MAX_PARALLEL_INITS = 8  # environments initialised at once while allocating (each is a process starting)


@dataclass(frozen=True)
class ProvisionedConfig:
    """One config as the API shows it."""

    function_arn: str  # unqualified
    function_name: str
    qualifier: str  # an alias name or a version number
    version: str  # the version it provisions (an alias's target)
    requested: int
    allocated: int
    available: int
    status: str
    status_reason: str | None
    last_modified: str


@dataclass
class _Config:
    function: FunctionVersion  # the version provisioned
    qualifier: str
    requested: int
    last_modified: str
    status: str = IN_PROGRESS
    status_reason: str | None = None
    ready: list[Environment] = field(default_factory=list)  # serving
    allocating: int = 0  # initialised so far in the allocation under way
    generation: int = 0  # bumped by every change: an allocation for an older one is discarded
    timer: Timer | None = None

    def view(self) -> ProvisionedConfig:
        allocated = len(self.ready) if self.status != IN_PROGRESS else min(len(self.ready) + self.allocating,
                                                                          self.requested)
        return ProvisionedConfig(self.function.function_arn, self.function.function_name, self.qualifier,
                                 self.function.version, self.requested, allocated, len(self.ready) if self.status == READY else 0, self.status,
                                 self.status_reason, self.last_modified)


class ProvisionedConcurrency:
    """Every provisioned concurrency config of one local AWS, and the environments it keeps ready."""

    def __init__(self, *, environments: EnvironmentFactory, specs: Callable[[FunctionVersion], FunctionSpec],
                 logs: LogSink, concurrency: ConcurrencyLedger, clock: WorkbookClock, telemetry: Telemetry,
                 slots: EnvironmentSlots, make_room: Callable[[], bool] = lambda: False,
                 allocation_delay_s: float = aws_facts.PROVISIONED_ALLOCATION_DELAY_S) -> None:
        self.allocation_delay_s = allocation_delay_s
        self._new_environment = environments
        self._spec_for = specs
        self._logs = logs
        self._concurrency = concurrency
        self._clock = clock
        self._telemetry = telemetry
        self._slots = slots
        self._make_room = make_room  # shuts an idle on-demand environment down, under the laptop's cap
        self._configs: dict[tuple[str, str], _Config] = {}
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._stopped = False

    # ------------------------------------------------------------------ the API

    def put(self, function: FunctionVersion, qualifier: str, requested: int) -> ProvisionedConfig:
        """Configure ``requested`` environments for ``qualifier`` (an alias or version of ``function``, the version
        it names): ``IN_PROGRESS`` now, allocated after the delay. AWS's errors when the function's reservation or
        the account cannot hold it."""
        key = (function.function_arn, qualifier)
        with self._lock:
            config = self._configs.get(key)
            already = config.requested if config is not None else 0
            self._concurrency.check_provisioned(function, requested, already)
            self._check_laptop(requested - already)
            self._concurrency.claim_provisioned(function, requested - already)
            if config is None:
                config = self._configs[key] = _Config(function, qualifier, requested, self._timestamp())
            else:
                config.requested, config.last_modified = requested, self._timestamp()
            self._schedule(config, function)
            view = config.view()
        self._publish(view)
        return view

    def _check_laptop(self, more: int) -> None:
        """(Under the lock.) Provisioned environments are processes that are never reclaimed: together they must
        fit under the laptop's cap, with room to spare for everything else."""
        claimed = sum(config.requested for config in self._configs.values())
        if more > 0 and claimed + more > self._slots.limit - 1:
            raise InvalidParameterValueException(
                f"This laptop keeps at most {self._slots.limit} execution environments at once (the workbook's cap, "
                f"not an AWS quota), and provisioned concurrency would claim {claimed + more} of them for good. Ask "
                "for fewer, or raise the cap: start(max_environments=N) or --max-environments N.")

    def get(self, function_arn: str, qualifier: str) -> ProvisionedConfig | None:
        with self._lock:
            config = self._configs.get((function_arn, qualifier))
            return config.view() if config is not None else None

    def configs(self, function_arn: str) -> list[ProvisionedConfig]:
        """Every config of one function (its unqualified ARN)."""
        with self._lock:
            return [config.view() for (arn, _), config in self._configs.items() if arn == function_arn]

    def delete(self, function_arn: str, qualifier: str) -> bool:
        """Remove a config and shut its environments down (busy ones when they finish); False if there was none."""
        with self._lock:
            config = self._configs.pop((function_arn, qualifier), None)
            if config is None:
                return False
            victims = self._drop(config)
        self._concurrency.claim_provisioned(config.function, -config.requested)
        self._shut_down(victims)
        return True

    def alias_moved(self, function: FunctionVersion, alias: str) -> None:
        """The alias now points at ``function``'s version: deallocate the old version's environments and allocate
        for the new one (after the delay, as for a new config)."""
        with self._lock:
            config = self._configs.get((function.function_arn, alias))
            if config is None or config.function.version == function.version:
                return
            victims = self._drop(config)
            config.last_modified = self._timestamp()
            self._schedule(config, function)
            view = config.view()
        self._shut_down(victims)
        self._publish(view)

    def forget(self, function_arn: str, version: str | None = None) -> None:
        """A version was deleted (every version if None, as when the function is): its configs go with it."""
        with self._lock:
            keys = [key for key, config in self._configs.items()
                    if key[0] == function_arn and version in (None, config.function.version, key[1])]
        for arn, qualifier in keys:
            self.delete(arn, qualifier)

    # ------------------------------------------------------------------ serving

    def take(self, function: FunctionVersion, qualifier: str | None) -> Environment | None:
        """An idle provisioned environment for an invocation through ``qualifier``, marked busy; None if the
        config is not ready, names another version, or every environment is busy (spill-over)."""
        if qualifier is None:
            return None
        with self._lock:
            config = self._configs.get((function.function_arn, qualifier))
            if config is None or config.status != READY or config.function.version != function.version:
                return None
            env = next((env for env in config.ready if env.id not in self._busy and not env.dead), None)
            if env is not None:
                self._busy.add(env.id)
            return env

    def give_back(self, env: Environment) -> None:
        """An invocation on a provisioned environment ended. One that died is replaced in the background."""
        replace: _Config | None = None
        drop = False
        with self._lock:
            self._busy.discard(env.id)
            config = self._owner(env)
            if config is None:  # its config was deleted or moved while it ran
                drop = True
            elif env.dead:
                config.ready.remove(env)
                drop, replace = True, config
        if drop:
            self._shut_down([env])
        if replace is not None and not self._stopped:
            threading.Thread(target=self._top_up, args=(replace, replace.generation), daemon=True,
                             name="provisioned-replace").start()

    def environments(self) -> list[tuple[Environment, bool]]:
        """Every provisioned environment serving now, and whether it is busy."""
        with self._lock:
            return [(env, env.id in self._busy) for config in self._configs.values() for env in config.ready]

    def is_provisioned(self, env: Environment) -> bool:
        with self._lock:
            return self._owner(env) is not None

    def shutdown(self) -> None:
        """Shut every provisioned environment down (the local AWS is stopping)."""
        with self._lock:
            self._stopped = True
            victims = [env for config in self._configs.values() for env in self._drop(config)]
            self._configs.clear()
        self._shut_down(victims)

    # ------------------------------------------------------------------ allocation

    def _schedule(self, config: _Config, function: FunctionVersion) -> None:
        """(Under the lock.) A new allocation: IN_PROGRESS now, environments after the delay."""
        if config.timer is not None:
            config.timer.cancel()
        config.function = function
        config.generation += 1
        config.status, config.status_reason, config.allocating = IN_PROGRESS, None, 0
        generation = config.generation
        config.timer = self._clock.call_later(self.allocation_delay_s,
                                              lambda due: self._top_up(config, generation))

    def _top_up(self, config: _Config, generation: int) -> None:
        """Bring the config to its requested number of ready environments (initialised in parallel), or shed the
        extra ones; READY when done, FAILED if an init failed."""
        with self._lock:
            if config.generation != generation or self._stopped:
                return
            surplus = [env for env in config.ready if env.id not in self._busy][:max(len(config.ready)
                                                                                    - config.requested, 0)]
            config.ready = [env for env in config.ready if env not in surplus]
            needed = config.requested - len(config.ready)
            config.allocating = 0
            function = config.function
        self._shut_down(surplus)
        fresh: list[Environment] = []
        failed = False
        if needed > 0:
            spec = self._spec_for(function)
            with ThreadPoolExecutor(max_workers=min(needed, MAX_PARALLEL_INITS),
                                    thread_name_prefix="provisioned-init") as pool:
                for env, ready in pool.map(lambda _: self._initialise(spec, config), range(needed)):
                    if env is not None:
                        fresh.append(env)
                    failed = failed or not ready
        with self._lock:
            current = config.generation == generation and not self._stopped and self._configs.get(
                (function.function_arn, config.qualifier)) is config
            if current and not failed:
                config.ready += fresh
                config.status, config.status_reason = READY, None
            elif current:
                config.status, config.status_reason = FAILED, INIT_FAILURE
            view = config.view()
        if not current or failed:
            self._shut_down(fresh)
        if current:
            self._publish(view)

    def _initialise(self, spec: FunctionSpec, config: _Config) -> tuple[Environment | None, bool]:
        if not self._slots.take(make_room=self._make_room, on_wait=lambda: self._telemetry.publish(TelemetryEvent(
                self._clock.now(), WAIT, spec.function_name, spec.version, source="provisioned",
                value=self._slots.limit)), stopped=lambda: self._stopped):
            return None, False
        try:
            env = self._new_environment(spec)
        except BaseException:
            self._slots.give()
            raise
        outcome = env.init(PROVISIONED)
        self._logs.append(account_id=spec.account_id, region=spec.region, group=spec.log_group_name,
                          stream=env.log_stream_name, messages=outcome.log_events)
        if outcome.ready:
            with self._lock:
                config.allocating += 1
        return env, outcome.ready

    # ------------------------------------------------------------------ small parts

    def _owner(self, env: Environment) -> _Config | None:
        """(Under the lock.)"""
        return next((config for config in self._configs.values() if env in config.ready), None)

    def _drop(self, config: _Config) -> list[Environment]:
        """(Under the lock.) Stop the config's allocation; hand back its idle environments to shut down (busy ones
        are shut down when they are given back)."""
        if config.timer is not None:
            config.timer.cancel()
        config.generation += 1
        idle = [env for env in config.ready if env.id not in self._busy]
        config.ready = []
        return idle

    def _shut_down(self, environments: list[Environment]) -> None:
        for env in environments:
            env.shutdown()
            self._slots.give()

    def _timestamp(self) -> str:
        return self._clock.datetime().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"

    def _publish(self, view: ProvisionedConfig) -> None:
        self._telemetry.publish(TelemetryEvent(self._clock.now(), PROVISIONED_EVENT, view.function_name,
                                               view.version, reason=view.status, value=view.available,
                                               source=view.qualifier))
