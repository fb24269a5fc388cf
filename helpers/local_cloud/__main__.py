"""``python -m helpers.local_cloud [--port PORT]``: run the local AWS with its Lambda engine in the foreground.

Prints the endpoint and a command to paste; stops cleanly (every execution environment with it) on Ctrl-C or
SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from helpers import aws_facts, local_cloud


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.local_cloud",
                                     description="Run the workbook's local AWS (moto + the Lambda engine).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--region", default=local_cloud.DEFAULT_REGION, help="default region (default: %(default)s)")
    parser.add_argument("--time-scale", type=float, default=1.0, metavar="FACTOR",
                        help="workbook seconds per wall-clock second, for retries and schedules (default: 1)")
    parser.add_argument("--account-concurrency", type=int, default=aws_facts.ACCOUNT_CONCURRENCY, metavar="N",
                        help="the account's concurrency quota per Region (AWS's default: %(default)s)")
    parser.add_argument("--scaling-rate", type=int, default=aws_facts.SCALING_RATE_ENVIRONMENTS, metavar="N",
                        help="new execution environments each function may start every 10 s (AWS: %(default)s)")
    parser.add_argument("--provisioned-delay", type=float, default=aws_facts.PROVISIONED_ALLOCATION_DELAY_S,
                        metavar="SECONDS", help="workbook seconds a provisioned concurrency config stays IN_PROGRESS "
                                                "(AWS: a minute or two; default: %(default)g)")
    parser.add_argument("--max-environments", type=int, default=None, metavar="N",
                        help="this laptop's cap on live execution environment processes (default: from its free "
                             "memory and cores)")
    args = parser.parse_args(argv)

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        if args.time_scale <= 0:
            parser.error("--time-scale must be a positive number")
        if args.account_concurrency < 1 or args.scaling_rate < 1:
            parser.error("--account-concurrency and --scaling-rate must be whole numbers from 1")
        if args.max_environments is not None and args.max_environments < 1:
            parser.error("--max-environments must be a whole number from 1")
        if args.provisioned_delay < 0:
            parser.error("--provisioned-delay must be 0 or more seconds")
        cloud = local_cloud.start(args.port, region=args.region, time_scale=args.time_scale,
                                  account_concurrency=args.account_concurrency, scaling_rate=args.scaling_rate,
                                  provisioned_delay_s=args.provisioned_delay, max_environments=args.max_environments)
    except OSError as exc:
        print(f"Could not start the local AWS on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    credentials = " ".join(f"{key}={value}" for key, value in local_cloud.FAKE_CREDENTIALS.items())
    print(f"Local AWS with the Lambda engine: {cloud.endpoint_url}")
    if args.time_scale != 1:
        print(f"The workbook clock runs {args.time_scale:g} times faster than real time.")
    if args.account_concurrency != aws_facts.ACCOUNT_CONCURRENCY:
        print(f"The account's concurrency quota is {args.account_concurrency}.")
    print("Nothing here reaches real AWS. Try, in another terminal:")
    if os.name == "nt":
        print(f"  set AWS_ENDPOINT_URL={cloud.endpoint_url} & set AWS_DEFAULT_REGION={cloud.region} & "
              f"aws lambda list-functions")
    else:
        print(f"  {credentials} AWS_DEFAULT_REGION={cloud.region} aws --endpoint-url {cloud.endpoint_url} "
              "lambda list-functions")
    print("Press Ctrl-C to stop.", flush=True)
    while not stop_requested.wait(0.5):
        pass
    print("Stopping the local AWS and every execution environment...", flush=True)
    local_cloud.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
