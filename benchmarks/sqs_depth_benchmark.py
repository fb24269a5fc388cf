"""How long SendMessageBatch takes as a queue deepens, with the workbook's seam and with moto's own queue attributes.

    python benchmarks/sqs_depth_benchmark.py [--messages 10000]

Prints the time of each 250 batches (2,500 messages) for both, from one run on this machine. moto alone computes
every queue attribute, reading every message, for each message sent, so its time grows with the depth.
"""

from __future__ import annotations

import argparse
import time

import boto3


def fill(url: str, messages: int, budget_s: float) -> list[tuple[int, float]]:
    """Send ``messages`` in batches of 10; return (depth, seconds for the last 2,500) until the budget runs out."""
    sqs = boto3.client("sqs")
    figures = []
    started = last = time.perf_counter()
    for number in range(messages // 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(j), "MessageBody": f"m{number}-{j}"}
                                                      for j in range(10)])
        if (number + 1) % 250 == 0:
            now = time.perf_counter()
            figures.append(((number + 1) * 10, now - last))
            last = now
            if now - started > budget_s:
                break
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds each side may take (default 60)")
    args = parser.parse_args()

    import moto.sqs.models as sqs_models

    from helpers import local_cloud, moto_seam

    local_cloud.start()
    sqs = boto3.client("sqs")
    print(f"SendMessageBatch of 10, as the queue deepens to {args.messages:,} messages (seconds per 2,500 sent)")
    ours = fill(sqs.create_queue(QueueName="with-the-seam")["QueueUrl"], args.messages, args.budget)
    seam_attributes = sqs_models.Queue.attributes
    sqs_models.Queue.attributes = moto_seam.REGISTRY.original_attribute(sqs_models.Queue, "attributes")
    try:
        theirs = fill(sqs.create_queue(QueueName="moto-alone")["QueueUrl"], args.messages, args.budget)
    finally:
        sqs_models.Queue.attributes = seam_attributes
    print(f"{'depth':>8} {'with the seam':>14} {'moto alone':>11}")
    for index, (depth, seconds) in enumerate(ours):
        other = f"{theirs[index][1]:10.2f}" if index < len(theirs) else "  (stopped)"
        print(f"{depth:8,} {seconds:13.2f} {other}")
    print(f"total: {sum(s for _, s in ours):.1f} s with the seam; moto alone reached {theirs[-1][0]:,} messages in "
          f"{sum(s for _, s in theirs):.1f} s")
    local_cloud.stop()


if __name__ == "__main__":
    main()
