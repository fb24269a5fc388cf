"""A scale-model scenario: one function in one Region, its traffic, its measurements and its concurrency settings.

Concurrency settings follow AWS's rules (lambda-facts §1) and the workbook engine's:

* ``account_concurrency`` Q (1,000 by default) is shared by the account; ``other_reservations`` is what other
  functions have reserved, and reservations must leave a minimum unreserved (AWS's 100, or a tenth of a smaller
  lesson quota, as the engine does);
* ``reserved`` R caps the function (None: it shares the unreserved pool, Q - other reservations, with
  ``other_unreserved_load`` busy units of other functions: a noisy neighbour); R = 0 turns it off;
* ``provisioned`` P environments are ready from the start and never reclaimed; they count against R when it is set
  (P <= R), else against the unreserved pool. SnapStart cannot be combined with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from helpers import aws_facts

from .measurements import Measurements

Invocation = Literal["sync", "async"]


def minimum_unreserved(account_concurrency: int) -> int:
    """What reservations must leave unreserved: AWS's 100 of 1,000, or a tenth (rounded up) of a smaller quota."""
    return aws_facts.minimum_unreserved(account_concurrency)


@dataclass(frozen=True, eq=False)
class Scenario:
    """Everything ``simulate`` needs; times in seconds. ``arrivals`` come from ``helpers.simulate.arrivals``."""

    arrivals: np.ndarray
    measurements: Measurements
    invocation: Invocation = "sync"
    account_concurrency: int = aws_facts.ACCOUNT_CONCURRENCY
    reserved: int | None = None
    provisioned: int = 0
    other_unreserved_load: int = 0
    other_reservations: int = 0
    scaling_rate: int = aws_facts.SCALING_RATE_ENVIRONMENTS  # new environments per scaling window
    scaling_window_s: float = aws_facts.SCALING_RATE_WINDOW_S
    idle_timeout_s: float = aws_facts.IDLE_RECLAIM_S
    max_event_age_s: float = aws_facts.ASYNC_DEFAULT_MAX_EVENT_AGE_S
    snapstart: bool = False
    seed: int = 0
    # for the bill
    memory_mb: int | None = None  # None: the measurements' Memory Size, else the default 128 MB
    architecture: str = "x86_64"
    ephemeral_mb: int = aws_facts.EPHEMERAL_FREE_MB
    free_tier: bool = False
    # for the time series: the grid's step (None: about 1,000 points over the run)
    sample_step_s: float | None = None

    def __post_init__(self) -> None:
        arrivals = np.array(self.arrivals, dtype=np.float64).reshape(-1)
        if arrivals.size and (not np.all(np.isfinite(arrivals)) or np.any(np.diff(arrivals) < 0)):
            raise ValueError("arrivals must be finite and sorted")
        arrivals.setflags(write=False)
        object.__setattr__(self, "arrivals", arrivals)
        if self.invocation not in ("sync", "async"):
            raise ValueError("invocation is 'sync' or 'async'")
        if self.account_concurrency < 0 or self.provisioned < 0 or self.other_unreserved_load < 0:
            raise ValueError("account_concurrency, provisioned and other_unreserved_load must not be negative")
        if self.other_reservations < 0 or (self.reserved is not None and self.reserved < 0):
            raise ValueError("reservations must not be negative")
        reserved_total = self.other_reservations + (self.reserved or 0)
        if reserved_total and self.account_concurrency - reserved_total < minimum_unreserved(self.account_concurrency):
            raise ValueError(f"reservations ({reserved_total}) must leave at least "
                             f"{minimum_unreserved(self.account_concurrency)} of {self.account_concurrency} unreserved")
        if self.reserved is not None and self.provisioned > self.reserved:
            raise ValueError("provisioned concurrency cannot exceed the function's reserved concurrency")
        if self.reserved is None and self.provisioned > self.unreserved_pool:
            raise ValueError("provisioned concurrency cannot exceed the unreserved pool")
        if self.snapstart and self.provisioned:
            raise ValueError("SnapStart and provisioned concurrency cannot be combined")
        if self.scaling_rate < 0 or self.scaling_window_s <= 0:
            raise ValueError("scaling_rate must not be negative, scaling_window_s must be positive")
        if self.idle_timeout_s < 0 or not 0 <= self.max_event_age_s < math.inf:
            raise ValueError("idle_timeout_s must not be negative, max_event_age_s must be finite and not negative")
        if self.sample_step_s is not None and self.sample_step_s <= 0:
            raise ValueError("sample_step_s must be positive")

    @property
    def unreserved_pool(self) -> int:
        """The quota less every reservation: what functions without one share."""
        return self.account_concurrency - self.other_reservations

    @property
    def on_demand_limit(self) -> int:
        """How many on-demand environments the function may have at once.

        A request needs a new environment only when every environment of the function is busy, so at that moment
        its executions in flight are P plus its on-demand environments: the concurrency rule ("in flight < R", or
        "in flight + other load < the unreserved pool") is a cap on its on-demand environments."""
        if self.reserved is not None:
            return max(0, self.reserved - self.provisioned)
        return max(0, self.unreserved_pool - self.other_unreserved_load - self.provisioned)

    @property
    def memory(self) -> int:
        """The memory size the bill is computed at."""
        return self.memory_mb or self.measurements.memory_mb or aws_facts.DEFAULT_MEMORY_MB
