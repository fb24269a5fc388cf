"""The scale model agrees with the real engine where both can run: the same small scenarios, run for real through
the local AWS and in the model fed with the function's real REPORT lines, give the same counts of cold starts,
provisioned and warm starts and throttles (by Reason), and durations within the stated tolerance.

Stated tolerance: every count exactly; the median Duration within 10 % of the model's. Init Durations are shown
side by side but not compared: on a laptop, simultaneous inits share its few cores (on AWS each environment has its
own), so a burst's inits are slower and noisier than the calibration's (measured here, 2 cores: 15 inits at once
took 250 to 600 ms for an init that takes 180 ms alone). That contention is the laptop's, not Lambda's; the test
checks only that every real init took at least the handler's own init time.
"""

from __future__ import annotations

import pytest

from helpers.observe.scenario_run import measure, run_for_real, scenario_for_model
from helpers.simulate.agreement import Scenario, Tolerance, compare
from helpers.simulate.scale_model import simulate

TOLERANCE = Tolerance(counts=0, durations=0.10, inits=None)
SCENARIOS = [  # (scenario, cold starts it makes at once: the calibration burst)
    # Invocations of 5 s, not 1.5: "at once" on a loaded 2-core laptop spreads 30 requests over a second or more,
    # and throttled events are tried again 1, 3, 7 and 15 s after they arrived; with 1.5 s, a provisioned environment
    # freed before the last requests arrived served twice, and slow inits (2 s and more) kept on-demand environments
    # busy past the third try. The model assumes simultaneous arrivals, so the scenarios keep clear of such moments.
    (Scenario("30 at once: quota 20, reserved 10, provisioned 5", requests=30, duration_ms=5000, init_ms=100,
              account_concurrency=20, reserved=10, provisioned=5), 5),
    (Scenario("30 at once: quota 20, provisioned 5, no reservation", requests=30, duration_ms=5000, init_ms=100,
              account_concurrency=20, provisioned=5), 15),
    (Scenario("30 at once: 5 new environments per 10 s", requests=30, duration_ms=1500, init_ms=100,
              scaling_rate=5), 5),
    (Scenario("30 events at once: quota 20, reserved 10, provisioned 5", requests=30, duration_ms=5000, init_ms=100,
              account_concurrency=20, reserved=10, provisioned=5, invocation="async"), 5),
]


@pytest.mark.parametrize(("scenario", "burst"), SCENARIOS, ids=[scenario.name for scenario, _ in SCENARIOS])
def test_the_model_and_the_engine_agree(scenario, burst, cloud):
    reports = measure(scenario, cold=burst, warm=3)
    real = run_for_real(scenario, cloud)
    comparison = compare(simulate(scenario_for_model(scenario, reports)), real, TOLERANCE)
    print(f"{scenario.name}\n{comparison.table()}")
    assert comparison.agrees, comparison.table()
    assert real.throttles  # every scenario here throttles: the agreement covers the rules, not only the easy path
    assert real.init_ms_p50 >= scenario.init_ms
