"""A spike at AWS scale, as notebook 09's scaling explorer and its exercise ask the scale model for it: a quiet
``BASE_RATE`` requests a second for ``QUIET_S``, then a spike of ``peak_rate`` for ``SPIKE_S``, each request taking
``duration_ms`` after a 300 ms init on a new environment. Runs are cached (the explorer redraws from them).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from helpers import aws_facts

from . import arrivals
from .measurements import Measurements
from .results import Result
from .scale_model import simulate
from .scenario import Scenario

BASE_RATE, QUIET_S, SPIKE_S = 50.0, 2.0, 8.0
INIT_MS = 300.0


@lru_cache(maxsize=256)
def spike_result(peak_rate: int, duration_ms: int, quota: int, provisioned: int) -> Result:
    """The scale model's run of the spike (provisioned concurrency capped at what the quota lets one configure)."""
    traffic = np.concatenate([arrivals.steady(BASE_RATE, QUIET_S), arrivals.steady(peak_rate, SPIKE_S, QUIET_S)])
    provisioned = min(provisioned, quota - aws_facts.minimum_unreserved(quota))
    return simulate(Scenario(traffic, Measurements.fixed(duration_ms, INIT_MS), account_concurrency=quota,
                             provisioned=provisioned, sample_step_s=0.05))
