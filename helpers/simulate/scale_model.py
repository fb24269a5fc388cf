"""The scale model: a discrete-event run of one function under Lambda's concurrency rules, for loads a laptop
cannot run (a thousand environments), fed by measured durations and init times.

The rules (the same contract as the engine's concurrency accounting; times in seconds). Requests are taken in time
order (at equal times, new arrivals before async retries, then in arrival order). A request arriving at t:

1. takes an idle **provisioned** environment if there is one (no cold start); else
2. takes the **most recently used** idle on-demand environment (LIFO: AWS reuses warm environments; keeping the
   freshest busy lets the others go idle and be reclaimed); else
3. needs a **new environment**, allowed only if
   a. concurrency allows it: the function's on-demand environments are fewer than ``Scenario.on_demand_limit``
      (with R set: in-flight executions < R; without: in-flight on-demand + other load + P < Q - other
      reservations); otherwise throttled, Reason ``ReservedFunctionConcurrentInvocationLimitExceeded`` (R set) or
      ``ConcurrentInvocationLimitExceeded``; and
   b. the scaling rate allows it: a token bucket of ``scaling_rate`` tokens, full at the start, refilled
      continuously at ``scaling_rate / scaling_window_s`` a second and never above ``scaling_rate``; one token per
      new environment (a warm one costs none); none left: throttled, Reason ``FunctionInvocationRateLimitExceeded``.
   A new environment spends its init (or, under SnapStart, its restore) time, then the request's duration.

A request never waits for an environment to free up. An environment is busy until its request ends (an end at t
frees it for a request arriving at t), then idle; an idle on-demand environment is reclaimed ``idle_timeout_s``
after its last request ended. A throttled synchronous request is lost. A throttled asynchronous event goes back to
the queue and is tried again after 1 s, 2 s, 4 s ... at most 300 s, without using up retry attempts; a try that
finds the event older than ``max_event_age_s`` gives it up (``expired``, condition EventAgeExceeded). With R = 0
every async event goes straight to the failure destination (``zero_reserved``, 0 attempts). Function errors are
not modelled.

Durations and init times are drawn per request from the measurements with the scenario's seed, before the run, so
a run is deterministic and a request keeps its figures whatever becomes of it.
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from helpers import aws_facts

from .pricing import Cost, Usage, billed_ms, cost
from .results import (ACCOUNT, COLD, EXPIRED, OUTCOMES, PROVISIONED, REASONS, RESERVED, RESTORED, SCALING,
                      THROTTLED, WARM, ZERO_RESERVED, Percentiles, Requests, Result, Series, Totals)
from .scenario import Scenario

BACKOFF_FIRST_S, BACKOFF_MAX_S = aws_facts.ASYNC_THROTTLE_BACKOFF_S
_TOKEN_EPSILON = 1e-9  # a token refilled to 0.999999999... by float arithmetic counts as whole
_GRID_POINTS = 1000


def simulate(scenario: Scenario) -> Result:
    """Run ``scenario`` and return what happened to every request, over time, in total, and what it cost."""
    figures = _Figures(scenario)
    run = _Run(scenario, figures.duration_s, figures.cold_start_s)
    run.execute()
    requests = _requests(scenario, figures, run)
    new_environment = (requests.outcome == COLD) | (requests.outcome == RESTORED)
    reclaimed = np.array(run.reclaimed + [free + scenario.idle_timeout_s for free in run.idle]
                         + [busy + scenario.idle_timeout_s for busy in run.busy])
    series, peak_concurrency, peak_environments = _series(scenario, requests, requests.start[new_environment],
                                                          reclaimed)
    counts = np.bincount(requests.outcome, minlength=len(OUTCOMES))
    totals = Totals(
        invocations=scenario.arrivals.size, served=int(requests.served.sum()), cold_starts=int(counts[COLD]),
        restores=int(counts[RESTORED]), warm=int(counts[WARM]), provisioned=int(counts[PROVISIONED]),
        throttles={REASONS[code]: n for code, n in enumerate(run.throttles) if n},
        throttled=int(counts[THROTTLED]), expired=int(counts[EXPIRED]), zero_reserved=int(counts[ZERO_RESERVED]),
        peak_concurrency=peak_concurrency, peak_environments=peak_environments)
    return Result(requests, series, totals, _percentiles(requests.latency[requests.served]),
                  _bill(scenario, requests))


class _Figures:
    """Each request's duration and cold-start time (init, or restore under SnapStart), drawn before the run."""

    def __init__(self, scenario: Scenario) -> None:
        measured = scenario.measurements
        count = scenario.arrivals.size
        rng = np.random.default_rng(scenario.seed)
        cold_samples = measured.restore_ms if scenario.snapstart else measured.init_ms
        self.durations_ms = measured.values(measured.duration_ms)
        self.cold_ms = measured.values(cold_samples)
        self.duration_index = measured.draw(measured.duration_ms, count, rng)
        self.cold_index = measured.draw(cold_samples, count, rng)
        self.duration_s = self.durations_ms[self.duration_index] / 1000.0
        self.cold_start_s = self.cold_ms[self.cold_index] / 1000.0


def _requests(scenario: Scenario, figures: _Figures, run: _Run) -> Requests:
    outcome = np.frombuffer(bytes(run.outcome), dtype=np.int8)
    served = outcome <= RESTORED
    cold_start_s = np.where((outcome == COLD) | (outcome == RESTORED), figures.cold_start_s, 0.0)
    start = np.array(run.start)
    end = np.where(served, start + cold_start_s + figures.duration_s, np.array(run.end))
    # an async event that ran after being throttled keeps no reason
    reason = np.where(served, 0, np.frombuffer(bytes(run.reason), dtype=np.int8)).astype(np.int8)
    return Requests(scenario.arrivals, start, end, outcome, reason, np.array(run.attempts, dtype=np.int64),
                    cold_start_s, figures.duration_s, _billed_ms(outcome, figures))


class _Run:
    """The event loop's state; ``execute`` fills the per-request lists."""

    def __init__(self, scenario: Scenario, duration_s: np.ndarray, cold_start_s: np.ndarray) -> None:
        self.scenario = scenario
        self.arrivals = scenario.arrivals.tolist()
        self.duration_s = duration_s.tolist()
        self.cold_start_s = cold_start_s.tolist()
        count = len(self.arrivals)
        self.outcome = bytearray(count)
        self.reason = bytearray(count)
        self.start = list(self.arrivals)
        self.end = [float("nan")] * count
        self.attempts = [1] * count
        self.throttles = [0] * len(REASONS)
        self.busy: list[float] = []  # heap: end times of busy on-demand environments
        self.idle: deque[float] = deque()  # free times of idle on-demand environments, oldest first
        self.reclaimed: list[float] = []  # when each reclaimed environment went

    def execute(self) -> None:
        scenario = self.scenario
        if scenario.invocation == "async" and scenario.reserved == 0:
            self.outcome[:] = bytes([ZERO_RESERVED]) * len(self.arrivals)
            self.attempts = [0] * len(self.arrivals)
            self.end = list(self.arrivals)
            return
        self._loop()

    def _loop(self) -> None:  # one function on purpose: this loop runs a million times
        scenario = self.scenario
        arrivals, duration_s, cold_start_s = self.arrivals, self.duration_s, self.cold_start_s
        outcome, reason, start, end, attempts, throttles = (self.outcome, self.reason, self.start, self.end,
                                                             self.attempts, self.throttles)
        busy, idle, reclaimed = self.busy, self.idle, self.reclaimed
        heappush, heappop, heapreplace = heapq.heappush, heapq.heappop, heapq.heapreplace
        provisioned = [float("-inf")] * scenario.provisioned  # heap: when each provisioned environment is free
        timeout = scenario.idle_timeout_s
        limit = scenario.on_demand_limit
        limit_reason = RESERVED if scenario.reserved is not None else ACCOUNT
        new_kind = RESTORED if scenario.snapstart else COLD
        capacity = float(scenario.scaling_rate)
        refill = capacity / scenario.scaling_window_s
        tokens, updated = capacity, arrivals[0] if arrivals else 0.0
        environments = 0
        asynchronous = scenario.invocation == "async"
        max_age = scenario.max_event_age_s
        retries: list[tuple[float, int]] = []  # heap: (when, request index) of throttled async events
        count, following = len(arrivals), 0
        while True:
            if retries and (following >= count or retries[0][0] < arrivals[following]):
                t, i = heappop(retries)
                if t - arrivals[i] > max_age:
                    outcome[i], end[i] = EXPIRED, t
                    continue
                attempts[i] += 1
                start[i] = t
            elif following < count:
                i = following
                t = arrivals[i]
                following += 1
            else:
                break
            # 1. an idle provisioned environment
            if provisioned and provisioned[0] <= t:
                heapreplace(provisioned, t + duration_s[i])
                outcome[i] = PROVISIONED
                continue
            # 2. the most recently used idle on-demand environment (reclaiming those idle for too long)
            if busy and busy[0] <= t < busy[0] + timeout:
                size = len(busy)
                if (size < 2 or busy[1] > t) and (size < 3 or busy[2] > t):
                    # the heap's root is the only environment that has ended: it is the most recently used (every
                    # idle one ended before it), so it is reused in place. Idle ones are reclaimed lazily, when
                    # next looked at: their reclaim times are known, and rule 3 only runs once none is left.
                    heapreplace(busy, t + duration_s[i])
                    outcome[i] = WARM
                    continue
            while busy and busy[0] <= t:
                idle.append(heappop(busy))
            while idle and idle[0] + timeout <= t:
                reclaimed.append(idle.popleft() + timeout)
                environments -= 1
            if idle:
                idle.pop()
                heappush(busy, t + duration_s[i])
                outcome[i] = WARM
                continue
            # 3. a new environment: concurrency, then the scaling rate
            if environments < limit:
                tokens = min(capacity, tokens + (t - updated) * refill)
                updated = t
                if tokens >= 1.0 - _TOKEN_EPSILON:
                    tokens -= 1.0
                    environments += 1
                    heappush(busy, t + cold_start_s[i] + duration_s[i])
                    outcome[i] = new_kind
                    continue
                code = SCALING
            else:
                code = limit_reason
            throttles[code] += 1
            reason[i] = code
            if asynchronous:
                delay = min(BACKOFF_FIRST_S * 2.0 ** (attempts[i] - 1), BACKOFF_MAX_S)
                heappush(retries, (t + delay, i))
                outcome[i] = EXPIRED  # until a later try runs it
            else:
                outcome[i] = THROTTLED


def _billed_ms(outcome: np.ndarray, figures: _Figures) -> np.ndarray:
    """Billed Duration per served request: ``pricing.billed_ms`` of its figures (INIT included for cold starts;
    not for provisioned or restored environments). Warm figures are looked up per sample, not per request."""
    per_sample = np.array([billed_ms(value, None) for value in figures.durations_ms.tolist()], dtype=np.int64)
    billed = np.where(outcome <= RESTORED, per_sample[figures.duration_index], 0)
    cold = np.flatnonzero(outcome == COLD)
    if cold.size:
        durations = figures.durations_ms[figures.duration_index[cold]].tolist()
        inits = figures.cold_ms[figures.cold_index[cold]].tolist()
        billed[cold] = [billed_ms(duration, init) for duration, init in zip(durations, inits)]
    return billed


def _series(scenario: Scenario, requests: Requests, created: np.ndarray,
            reclaimed: np.ndarray) -> tuple[Series, int, int]:
    """The time series on a regular grid, and the peaks (exact, not sampled)."""
    served = requests.served
    start, end = requests.start[served], requests.end[served]
    first, last = _span(requests)
    step = scenario.sample_step_s or max((last - first) / _GRID_POINTS, 1e-3)
    time = first + np.arange(int(np.floor((last - first) / step)) + 1) * step

    concurrent, peak_concurrency = _in_flight(start, end, time)
    is_new = (requests.outcome == COLD) | (requests.outcome == RESTORED)
    cold_starting, _ = _in_flight(requests.start[is_new], (requests.start + requests.cold_start_s)[is_new], time)
    is_provisioned = requests.outcome == PROVISIONED
    provisioned_busy, _ = _in_flight(requests.start[is_provisioned], requests.end[is_provisioned], time)
    alive, peak_environments = _in_flight(created, np.sort(reclaimed), time)
    on_demand_in_flight = concurrent - provisioned_busy
    series = Series(time, concurrent, cold_starting, on_demand_in_flight - cold_starting, alive - on_demand_in_flight,
                    provisioned_busy, scenario.provisioned - provisioned_busy)
    return series, peak_concurrency, peak_environments


def _span(requests: Requests) -> tuple[float, float]:
    """From 0 (or the first arrival, if earlier) to the last arrival or end."""
    if not requests.arrival.size:
        return 0.0, 0.0
    ends = requests.end[np.isfinite(requests.end)]
    last_end = float(ends.max()) if ends.size else 0.0
    return min(0.0, float(requests.arrival[0])), max(float(requests.arrival[-1]), last_end)


def _in_flight(starts: np.ndarray, ends: np.ndarray, time: np.ndarray) -> tuple[np.ndarray, int]:
    """How many intervals [start, end) hold each instant of ``time``, and the most at any instant."""
    starts, ends = np.sort(starts), np.sort(ends)
    at_grid = np.searchsorted(starts, time, "right") - np.searchsorted(ends, time, "right")
    peak = np.arange(1, starts.size + 1) - np.searchsorted(ends, starts, "right") if starts.size else np.zeros(1)
    return at_grid.astype(np.int64), int(peak.max())


def _percentiles(latency: np.ndarray) -> Percentiles:
    if not latency.size:
        return Percentiles(float("nan"), float("nan"), float("nan"))
    p50, p90, p99 = np.percentile(latency, [50, 90, 99])
    return Percentiles(float(p50), float(p90), float(p99))


def _bill(scenario: Scenario, requests: Requests) -> Cost:
    """The run's bill: provisioned concurrency enabled, and a SnapStart snapshot cached, for the whole run."""
    outcome = requests.outcome
    first, last = _span(requests)
    span_s = last - first
    on_demand = (outcome == COLD) | (outcome == WARM) | (outcome == RESTORED)
    usage = Usage(memory_mb=scenario.memory, requests=int(requests.served.sum()),
                  billed_ms=int(requests.billed_ms[on_demand].sum()),
                  provisioned_billed_ms=int(requests.billed_ms[outcome == PROVISIONED].sum()),
                  architecture=scenario.architecture, ephemeral_mb=scenario.ephemeral_mb,
                  provisioned=scenario.provisioned, provisioned_enabled_s=span_s if scenario.provisioned else 0.0,
                  snapstart_cached_s=span_s if scenario.snapstart else 0.0,
                  restores=int((outcome == RESTORED).sum()))
    return cost(usage, free_tier=scenario.free_tier)
