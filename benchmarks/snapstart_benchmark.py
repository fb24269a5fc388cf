"""SnapStart's restore against a fresh init, for a function that imports boto3 at module level
(``handlers/snapstart_boto3.py``), printed from one run on this machine (no pass/fail: machines are noisy).

    python benchmarks/snapstart_benchmark.py [--runs 9]

For each run a new environment is started (the old ones retired first) and its first invocation measured:
* on-demand ($LATEST of a function without SnapStart): Init Duration, as REPORT says, and the first response;
* SnapStart (version 1 of the same code, published with SnapStart on): Restore Duration, as REPORT says (the fork of
  the version's template, up to the runtime's first request for an event), and the first response.
Prints the medians, and how many times faster the restore is than the init.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def line(label: str, samples: list[float]) -> str:
    return (f"   {label:<34} median {median(samples):8.2f} ms   min {min(samples):8.2f}   max {max(samples):8.2f}   "
            f"(n={len(samples)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import boto3
    import psutil

    import helpers
    from helpers import local_cloud
    from helpers.deploy.packaging import package_handler

    cloud = local_cloud.start()
    lam = boto3.client("lambda")
    role = boto3.client("iam").create_role(RoleName=f"bench-{uuid.uuid4().hex[:6]}",
                                           AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    code = package_handler("snapstart_boto3")
    for name, snap_start in (("on-demand", {"ApplyOn": "None"}), ("snapstart", {"ApplyOn": "PublishedVersions"})):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="snapstart_boto3.handler",
                            Code={"ZipFile": code}, MemorySize=1769, SnapStart=snap_start)
    lam.publish_version(FunctionName="snapstart")
    published = time.perf_counter()
    while lam.get_function_configuration(FunctionName="snapstart", Qualifier="1")["State"] == "Pending":
        time.sleep(0.01)
    snapshot_s = time.perf_counter() - published
    arns = {name: lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
            for name in ("on-demand", "snapstart")}

    def cold(name: str, qualifier: str | None) -> tuple[float, object]:
        cloud.engine.retire(arns[name])  # every environment of the function ends: the next invocation is a new one
        began = time.perf_counter()
        result = helpers.invoke(name, {}, qualifier=qualifier)
        elapsed = (time.perf_counter() - began) * 1000
        assert result.cold_start and result.error_type is None, result.payload
        return elapsed, result.report

    init_ms, init_first_ms, restore_ms, restore_first_ms, billed_restore_ms = [], [], [], [], []
    cold("on-demand", None), cold("snapstart", "1")  # settle: files in the page cache, code unpacked
    for _ in range(args.runs):  # alternate, so that both see the same machine
        elapsed, report = cold("on-demand", None)
        init_first_ms.append(elapsed)
        init_ms.append(report.init_duration_ms)
        elapsed, report = cold("snapstart", "1")
        restore_first_ms.append(elapsed)
        restore_ms.append(report.restore_duration_ms)
        billed_restore_ms.append(report.billed_restore_duration_ms)
    local_cloud.stop()

    print(f"SnapStart benchmark - Python {sys.version.split()[0]} on {sys.platform}, {psutil.cpu_count()} CPUs, "
          f"one run; handler: handlers/snapstart_boto3.py (imports boto3, makes a client at init), 1,769 MB")
    print(f"   snapshot made in {snapshot_s * 1000:.0f} ms after PublishVersion returned (State Pending -> Active)")
    print()
    print("New environment, on demand: the init runs (interpreter, runtime client, import boto3, client)")
    print(line("Init Duration (REPORT)", init_ms))
    print(line("first response (helpers.invoke)", init_first_ms))
    print("New environment, SnapStart: restored from the version's snapshot (fork of the template)")
    print(line("Restore Duration (REPORT)", restore_ms))
    print(line("Billed Restore Duration (REPORT)", billed_restore_ms))
    print(line("first response (helpers.invoke)", restore_first_ms))
    print()
    print(f"   restore is {median(init_ms) / median(restore_ms):.1f}x faster than the init (median Init Duration / "
          f"median Restore Duration); first response {median(init_first_ms) / median(restore_first_ms):.1f}x sooner")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
