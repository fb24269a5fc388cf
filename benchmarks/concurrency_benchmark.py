"""Benchmark of concurrency in the engine, printed from one run on this machine (no pass/fail: machines are noisy).

    python benchmarks/concurrency_benchmark.py [--burst 50] [--events 200] [--max-environments N]

Prints:
1. ``--burst`` simultaneous invocations of a new trivial function (one thread each, released together), through
   boto3 and through ``helpers.invoke``: the time until all have answered, how many were cold starts (a request
   that arrives after another has finished reuses its environment, as on AWS), the slowest Init Duration, and the
   peak memory of this process plus every environment;
2. ``--events`` ``Event`` invocations of a handler that sleeps 1 s, fired at once: how long until all ran, the
   peak number of environment processes against the laptop's cap, peak memory, and how many REPORT lines (none
   lost);
3. warm ``helpers.invoke`` latency with the concurrency accounting on (median, p95).
Targets (issue 9): 1. ≤ 1.5 s on a 2-core machine; 2. within the cap, all completed; 3. median ≤ 1 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TRIVIAL = "def handler(event, context):\n    return event\n"
SLEEPER = "import time\ndef handler(event, context):\n    time.sleep(1)\n    return 'slept'\n"


class MemoryWatch:
    """Samples the resident memory of this process and every child (the environments) until stopped."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self.peak_bytes = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total, children = self._me.memory_info().rss, 0
            for child in self._me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    children += 1
                except Exception:  # noqa: BLE001 - it exited while we looked
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self.peak_processes = max(self.peak_processes, children)
            time.sleep(0.02)

    def stop(self) -> MemoryWatch:
        self._stop.set()
        self._thread.join()
        return self


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--max-environments", type=int, default=None, help="the laptop's cap (default: this machine's)")
    args = parser.parse_args()

    import os

    import boto3
    from botocore.config import Config

    import helpers
    from helpers import local_cloud
    from helpers.deploy import deploy_function, execution_role
    from helpers.deploy.packaging import zip_files
    from helpers.observe.logs import log_lines

    cloud = local_cloud.start(max_environments=args.max_environments)
    role = execution_role("benchmark")
    print(f"machine: {os.cpu_count()} cores; the laptop's cap on live environments: "
          f"{cloud.environment_slots.limit}")

    # 1. a burst of cold starts: through boto3 (HTTP, as a client would) and through helpers.invoke (in-process)
    client = boto3.client("lambda", config=Config(max_pool_connections=args.burst + 4, retries={"max_attempts": 0}))
    for label, call in (("boto3", lambda name: client.invoke(FunctionName=name)["StatusCode"]),
                        ("helpers.invoke", lambda name: helpers.invoke(name).status_code)):
        name = f"burst-{label.replace('.', '-')}"
        deploy_function(name, "app.handler", zip_files({"app.py": TRIVIAL}), role_arn=role)
        answers: list[int] = []
        ready = threading.Barrier(args.burst + 1)

        def one(name: str = name, call=call) -> None:
            ready.wait()
            answers.append(call(name))

        threads = [threading.Thread(target=one) for _ in range(args.burst)]
        for thread in threads:
            thread.start()
        watch = MemoryWatch()
        ready.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        watch.stop()
        inits = [float(line.split("Init Duration: ")[1].split(" ms")[0]) for line in log_lines(name, "REPORT ")
                 if "Init Duration" in line]
        print(f"1. {args.burst} simultaneous invocations of a new trivial function through {label}: all answered in "
              f"{elapsed:.2f} s ({answers.count(200)} x 200, {len(inits)} of them cold starts, slowest Init Duration "
              f"{max(inits):.0f} ms); peak memory {watch.peak_bytes / 2**20:.0f} MB (this process and "
              f"{watch.peak_processes} children)")

    # 2. Event invocations that sleep 1 s, all at once
    deploy_function("sleeper", "app.handler", zip_files({"app.py": SLEEPER}), role_arn=role, Timeout=10)
    client = boto3.client("lambda")
    watch = MemoryWatch()
    began = time.perf_counter()
    for _ in range(args.events):
        client.invoke(FunctionName="sleeper", InvocationType="Event")
    sent = time.perf_counter() - began
    deadline = time.monotonic() + 300
    while len(log_lines("sleeper", "REPORT ")) < args.events and time.monotonic() < deadline:
        time.sleep(0.2)
    elapsed = time.perf_counter() - began
    watch.stop()
    reports = len(log_lines("sleeper", "REPORT "))
    print(f"2. {args.events} Event invocations sleeping 1 s: sent in {sent:.2f} s, all ran in {elapsed:.1f} s; "
          f"{reports} of {args.events} REPORT lines ({args.events - reports} lost); peak "
          f"{watch.peak_processes} processes (cap {cloud.environment_slots.limit}, peak environments "
          f"{cloud.environment_slots.peak}), peak memory {watch.peak_bytes / 2**20:.0f} MB; "
          f"{len(cloud.telemetry.events(kind='wait'))} waits at the cap; "
          f"{threading.active_count()} threads in this process")

    # 3. warm invoke with the accounting on
    deploy_function("warm", "app.handler", zip_files({"app.py": TRIVIAL}), role_arn=role)
    helpers.invoke("warm")
    samples = []
    for _ in range(500):
        start = time.perf_counter()
        helpers.invoke("warm", {"n": 1})
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"3. warm helpers.invoke with concurrency accounting: median {statistics.median(samples):.3f} ms, "
          f"p95 {samples[int(0.95 * (len(samples) - 1))]:.3f} ms (n={len(samples)}, "
          f"account quota {cloud.concurrency.account_limit})")
    local_cloud.stop()


if __name__ == "__main__":
    main()
