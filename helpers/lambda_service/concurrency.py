"""Lambda's concurrency accounting, on the workbook clock: who may run now, and who is throttled.

The rules (``../shared/reference/lambda-facts.md`` §1 and §6, AWS's pages on concurrency and scaling behaviour):

* An account has a concurrency quota per Region (1,000 by default; new accounts start lower, so it is a knob).
* A function with **reserved concurrency** R may run at most R executions at once, and those R are taken from the
  account for it alone (a guarantee and a cap); R = 0 turns the function off. Reservations must leave a minimum
  unreserved: AWS keeps 100 of 1,000. For smaller lesson quotas the workbook keeps the same tenth, rounded up:
  ``min(100, ceil(quota / 10))`` (at 20, two).
* Every function without a reservation shares the **unreserved pool**: the quota less all reservations. One busy
  function can throttle the others; a reservation protects a function from that.
* **Scaling rate**: per function, at most 1,000 new execution environments every 10 seconds, refilled continuously
  (unused capacity does not accrue). Reusing a warm environment costs nothing. A knob scales it down for a lesson.
* Past any of these, the invocation is **throttled** (429 ``TooManyRequestsException`` with a ``Reason``); a
  throttled invocation never starts an environment.

* **Provisioned concurrency** P claims part of the pools as long as it is configured: from the function's
  reservation (on-demand executions may then use R − P), or else from the unreserved pool. An execution on a
  provisioned environment is never throttled: its concurrency is already claimed.

Every admission, release and throttle is published on the telemetry stream.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from helpers import aws_facts
from helpers.clock import WorkbookClock

from .errors import InvalidParameterValueException
from .functions import FunctionVersion
from .telemetry import CONCURRENCY, THROTTLE, Telemetry, TelemetryEvent

RESERVED_LIMIT = aws_facts.THROTTLE_RESERVED
ACCOUNT_LIMIT = aws_facts.THROTTLE_ACCOUNT
SCALING_LIMIT = aws_facts.THROTTLE_SCALING

#: (account id, region) -> {unqualified function ARN: reserved concurrency} of every function that has one
Reservations = Callable[[str, str], Mapping[str, int]]


class Throttled(Exception):
    """Lambda refuses this invocation for want of concurrency; ``reason`` is AWS's ``Reason``."""

    def __init__(self, reason: str, retry_after_s: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


@dataclass
class Lease:
    """One admitted execution: released when it ends."""

    function: FunctionVersion
    source: str
    unreserved: bool  # counted in the unreserved pool (the function has no reservation)
    provisioned: bool = False  # runs on a provisioned environment (claimed concurrency)
    released: bool = False


@dataclass
class _Account:
    in_flight: Counter[str] = field(default_factory=Counter)  # function ARN -> executions now (all of them)
    on_demand: Counter[str] = field(default_factory=Counter)  # function ARN -> executions not on provisioned ones
    unreserved_in_flight: int = 0  # on-demand executions of functions without a reservation
    provisioned: Counter[str] = field(default_factory=Counter)  # function ARN -> provisioned concurrency claimed


@dataclass
class _Bucket:
    tokens: float
    updated: float


class ConcurrencyLedger:
    """Admits or throttles invocations, for every account and Region of one local AWS."""

    def __init__(self, clock: WorkbookClock, telemetry: Telemetry, reservations: Reservations, *,
                 account_limit: int = aws_facts.ACCOUNT_CONCURRENCY,
                 scaling_rate: int = aws_facts.SCALING_RATE_ENVIRONMENTS) -> None:
        self._clock = clock
        self._telemetry = telemetry
        self._reservations = reservations
        self.account_limit = account_limit
        self.scaling_rate = scaling_rate  # new environments per function per SCALING_RATE_WINDOW_S
        self._accounts: dict[tuple[str, str], _Account] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the rules

    @property
    def minimum_unreserved(self) -> int:
        """What reservations must leave unreserved: AWS's 100 of 1,000, or a tenth of a smaller quota."""
        return aws_facts.minimum_unreserved(self.account_limit)

    def unreserved_limit(self, account_id: str, region: str) -> int:
        """The quota less every reservation: what functions without one share."""
        return self.account_limit - sum(self._reservations(account_id, region).values())

    def _unreserved_for_on_demand(self, account: _Account, reservations: Mapping[str, int], account_id: str,
                                  region: str) -> int:
        """The unreserved pool less what provisioned concurrency of functions without a reservation claims."""
        claimed = sum(count for arn, count in account.provisioned.items() if arn not in reservations)
        return self.account_limit - sum(reservations.values()) - claimed

    def check_provisioned(self, function: FunctionVersion, requested: int, already: int = 0) -> None:
        """Refuse provisioned concurrency the function's reservation or the account cannot hold (AWS's errors;
        the two messages are from memory, not re-verified). ``already`` is what this same config claims now."""
        with self._lock:
            account = self._accounts.setdefault((function.account_id, function.region), _Account())
            others = account.provisioned[function.function_arn] - already
            if function.reserved_concurrency is not None:
                if others + requested > function.reserved_concurrency:
                    raise InvalidParameterValueException(
                        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution "
                        "for function")
                return
            reservations = self._reservations(function.account_id, function.region)
            free = self._unreserved_for_on_demand(account, reservations, function.account_id, function.region) \
                + already - self.minimum_unreserved
            if requested > free:
                raise InvalidParameterValueException(
                    f"Specified ConcurrentExecutions for function is greater than account's unreserved concurrency "
                    f"[{max(free, 0)}].")

    def claim_provisioned(self, function: FunctionVersion, count: int) -> None:
        """Provisioned concurrency of ``function`` changed by ``count`` (allocated: positive; removed: negative)."""
        with self._lock:
            account = self._accounts.setdefault((function.account_id, function.region), _Account())
            account.provisioned[function.function_arn] += count
            if account.provisioned[function.function_arn] <= 0:
                del account.provisioned[function.function_arn]

    def check_reservation(self, account_id: str, region: str, function_arn: str, reserved: int) -> None:
        """Refuse a reservation that would leave less than the minimum unreserved, with AWS's error."""
        others = {arn: value for arn, value in self._reservations(account_id, region).items() if arn != function_arn}
        if self.account_limit - sum(others.values()) - reserved < self.minimum_unreserved:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{self.minimum_unreserved}].")

    # ------------------------------------------------------------------ admission

    def admit(self, function: FunctionVersion, source: str, *, provisioned: bool = False) -> Lease:
        """Count one more execution of ``function``, or raise ``Throttled`` (and publish the throttle). An execution
        on a provisioned environment is always admitted: its concurrency is claimed already."""
        reserved = function.reserved_concurrency
        arn = function.function_arn
        with self._lock:
            account = self._accounts.setdefault((function.account_id, function.region), _Account())
            if not provisioned:
                if reserved is not None and account.on_demand[arn] >= reserved - account.provisioned[arn]:
                    self._publish_throttle(function, RESERVED_LIMIT, source)
                    raise Throttled(RESERVED_LIMIT)
                if reserved is None:
                    reservations = self._reservations(function.account_id, function.region)
                    if account.unreserved_in_flight >= self._unreserved_for_on_demand(
                            account, reservations, function.account_id, function.region):
                        self._publish_throttle(function, ACCOUNT_LIMIT, source)
                        raise Throttled(ACCOUNT_LIMIT)
                account.on_demand[arn] += 1
                account.unreserved_in_flight += reserved is None
            account.in_flight[arn] += 1
            lease = Lease(function, source, reserved is None and not provisioned, provisioned)
            self._publish_concurrency(function, account)
        return lease

    def scale_out(self, lease: Lease) -> None:
        """The admitted execution needs a new environment: take a token of the function's scaling rate, or release
        the lease and raise ``Throttled``."""
        function = lease.function
        capacity = float(self.scaling_rate)
        per_second = capacity / aws_facts.SCALING_RATE_WINDOW_S
        with self._lock:
            now = self._clock.now()
            bucket = self._buckets.setdefault(function.function_arn, _Bucket(capacity, now))
            bucket.tokens = min(capacity, bucket.tokens + max(now - bucket.updated, 0.0) * per_second)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait_s = math.ceil((1.0 - bucket.tokens) / per_second) if per_second > 0 else 1
        self.release(lease)
        self._publish_throttle(function, SCALING_LIMIT, lease.source)
        raise Throttled(SCALING_LIMIT, max(wait_s, 1))

    def release(self, lease: Lease) -> None:
        """The execution ended."""
        with self._lock:
            if lease.released:
                return
            lease.released = True
            function = lease.function
            account = self._accounts[(function.account_id, function.region)]
            counters = (account.in_flight,) if lease.provisioned else (account.in_flight, account.on_demand)
            for counter in counters:
                counter[function.function_arn] -= 1
                if counter[function.function_arn] <= 0:
                    del counter[function.function_arn]
            account.unreserved_in_flight -= lease.unreserved
            self._publish_concurrency(function, account)

    # ------------------------------------------------------------------ reading it

    def in_flight(self, account_id: str, region: str, function_arn: str | None = None) -> int:
        """Executions now: of one function, or of the whole account."""
        with self._lock:
            account = self._accounts.get((account_id, region), _Account())
            return account.in_flight[function_arn] if function_arn else sum(account.in_flight.values())

    def forget(self, function_arn: str) -> None:
        """A deleted function starts afresh if it is made again (its scaling tokens)."""
        with self._lock:
            self._buckets.pop(function_arn, None)

    # ------------------------------------------------------------------ telemetry

    def _publish_throttle(self, function: FunctionVersion, reason: str, source: str) -> None:
        self._telemetry.publish(TelemetryEvent(self._clock.now(), THROTTLE, function.function_name, function.version,
                                               reason=reason, source=source))

    def _publish_concurrency(self, function: FunctionVersion, account: _Account) -> None:
        self._telemetry.publish(TelemetryEvent(self._clock.now(), CONCURRENCY, function.function_name,
                                               function.version, value=account.in_flight[function.function_arn],
                                               unreserved=account.unreserved_in_flight))
