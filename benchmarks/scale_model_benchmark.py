"""Benchmark of the scale model (helpers/simulate), printed from one run on this machine (no pass/fail).

    python benchmarks/scale_model_benchmark.py [--rate 10000] [--seconds 100] [--repeat 3]

A Poisson stream of 10,000 synchronous requests a second for 100 s (a million invocations) against one function
whose REPORT lines say it runs 80 to 120 ms (so about 1,000 executions in flight, the default account quota) with
an init of 90 to 130 ms. Prints the best wall time of ``simulate`` over the repeats, and the run's totals.
Target (the scale-model brief): a million invocations at about 1,000 concurrency in 2 s or less.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from helpers.runtime.log_lines import report
from helpers.simulate import arrivals
from helpers.simulate.measurements import Measurements
from helpers.simulate.scale_model import simulate
from helpers.simulate.scenario import Scenario


def report_lines(count: int, seed: int) -> list[str]:
    """REPORT lines as a function of 128 MB would write them: every tenth one a cold start."""
    rng = np.random.default_rng(seed)
    durations = rng.uniform(80.0, 120.0, count).round(2)
    inits = rng.uniform(90.0, 130.0, count).round(2)
    return [report(f"req-{n}", float(d), 0, 128, 40, float(i) if n % 10 == 0 else None)
            for n, (d, i) in enumerate(zip(durations, inits))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10_000.0)
    parser.add_argument("--seconds", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    scenario = Scenario(arrivals.poisson(args.rate, args.seconds, seed=1),
                        Measurements.from_reports(report_lines(500, seed=2)), seed=3)
    timings = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        result = simulate(scenario)
        timings.append(time.perf_counter() - began)
    totals = result.totals
    print(f"simulate: {scenario.arrivals.size:,} invocations in {min(timings):.2f} s "
          f"(best of {args.repeat}; all: {', '.join(f'{t:.2f}' for t in timings)})")
    print(f"  peak concurrency {totals.peak_concurrency:,}, environments {totals.peak_environments:,}, "
          f"cold starts {totals.cold_starts:,}, throttles {dict(totals.throttles)}")
    print(f"  latency p50 {result.latency.p50 * 1000:.1f} ms, p99 {result.latency.p99 * 1000:.1f} ms; "
          f"cost ${result.cost.total_usd:.4f}")


if __name__ == "__main__":
    main()
