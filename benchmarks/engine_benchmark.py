"""Benchmark of the Lambda engine, printed from one run on this machine (no pass/fail: machines are noisy).

    python benchmarks/engine_benchmark.py [--invokes 500] [--cold 20]

Prints:
1. warm invoke latency of a trivial handler (median, p95) through ``helpers.invoke`` and through boto3;
2. cold start: time to first response, next to a bare ``python -c pass`` measured in the same run;
3. python-lambda-local's in-process ``call()`` on the same handler, and the ratio;
4. resident memory of the local AWS plus 10 warm environments.
Targets (issue 2): helper ≤ 1 ms median, boto3 ≤ 10 ms; cold start ≤ interpreter start + 30 ms; memory ≤ 700 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

TRIVIAL = "def handler(event, context):\n    return event\n"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def summary(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):7.3f} ms   p95 {p95:7.3f} ms   (n={len(ordered)})"


def timed(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invokes", type=int, default=500)
    parser.add_argument("--cold", type=int, default=20)
    args = parser.parse_args()

    import boto3
    import psutil

    import helpers
    from helpers import local_cloud
    from helpers.deploy.packaging import zip_files

    cloud = local_cloud.start()
    lam = boto3.client("lambda")
    role = boto3.client("iam").create_role(RoleName=f"bench-{uuid.uuid4().hex[:6]}",
                                           AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    code = zip_files({"trivial.py": TRIVIAL})

    def create(name: str, memory: int = 1769) -> None:
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="trivial.handler",
                            Code={"ZipFile": code}, MemorySize=memory)

    print(f"Lambda engine benchmark - Python {sys.version.split()[0]} on {sys.platform}, "
          f"{psutil.cpu_count()} CPUs, one run")
    print()

    # 1. warm invoke latency
    create("warm")
    helpers.invoke("warm", {})
    lam.invoke(FunctionName="warm", Payload=b"{}")
    for _ in range(50):  # settle
        helpers.invoke("warm", {})
    helper_ms = timed(lambda: helpers.invoke("warm", {}), args.invokes)
    boto3_ms = timed(lambda: lam.invoke(FunctionName="warm", Payload=b"{}")["Payload"].read(), args.invokes)
    print("1. Warm invoke of a trivial handler (whole round trip)")
    print(f"   helpers.invoke   {summary(helper_ms)}   target median <= 1 ms")
    print(f"   boto3 invoke     {summary(boto3_ms)}   target median <= 10 ms")
    print()

    # 2. cold start vs a bare interpreter
    create("cold")
    fn_arn = lam.get_function(FunctionName="cold")["Configuration"]["FunctionArn"]
    cold_ms, init_ms = [], []
    for _ in range(args.cold):
        cloud.engine.retire(fn_arn)
        began = time.perf_counter()
        result = helpers.invoke("cold", {})
        cold_ms.append((time.perf_counter() - began) * 1000)
        assert result.cold_start
        init_ms.append(result.report.init_duration_ms)
    bare_ms = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), args.cold)
    print("2. Cold start: first response of a new environment, and a bare interpreter start")
    print(f"   cold invoke      {summary(cold_ms)}")
    print(f"   Init Duration    {summary(init_ms)}   (as REPORT says)")
    print(f"   python -c pass   {summary(bare_ms)}")
    added = statistics.median(cold_ms) - statistics.median(bare_ms)
    print(f"   the engine adds  {added:7.3f} ms to the interpreter's start (median difference)   target <= 30 ms")
    print()

    # 3. python-lambda-local's in-process call()
    import logging

    from lambda_local.context import Context
    from lambda_local.main import call as plc_call

    logging.getLogger().setLevel(logging.WARNING)  # it configures INFO logging of every call to stdout

    namespace: dict = {}
    exec(compile(TRIVIAL, "trivial.py", "exec"), namespace)  # noqa: S102 - the same two-line handler
    plc_ms = timed(lambda: plc_call(namespace["handler"], {}, Context(3)), min(args.invokes, 200))
    print("3. python-lambda-local 0.1.13, in-process call() (fork per call; no environment, no Runtime API)")
    print(f"   call()           {summary(plc_ms)}")
    print(f"   ratio            python-lambda-local / helpers.invoke = "
          f"{statistics.median(plc_ms) / statistics.median(helper_ms):.1f}x (median)")
    print()

    # 4. memory: the local AWS plus 10 warm environments
    for index in range(10):
        create(f"warm-{index}", memory=128)
        helpers.invoke(f"warm-{index}", {})
    me = psutil.Process()
    environments = [psutil.Process(env.pid) for env in cloud.engine.environments()
                    if env.function_name.startswith("warm-") and env.pid]
    host_mb = me.memory_info().rss / 2**20
    env_mb = [process.memory_info().rss / 2**20 for process in environments]
    print(f"4. Resident memory: local AWS (this process, with boto3 and moto) {host_mb:.0f} MB + "
          f"{len(env_mb)} warm environments {sum(env_mb):.0f} MB ({statistics.mean(env_mb):.1f} MB each)")
    print(f"   total            {host_mb + sum(env_mb):.0f} MB   target <= 700 MB")
    local_cloud.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
