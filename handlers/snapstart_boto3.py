"""A function whose init is mostly importing the AWS SDK: what SnapStart saves.

Importing boto3 and making a client takes a few hundred milliseconds of every cold start. With SnapStart the
import happens once, when the version is published, and new environments are restored from that snapshot.
(benchmarks/snapstart_benchmark.py compares the two.) The client made at init is in the snapshot too: fine for an
SDK client, whose connections are opened on first use; a connection opened at init would be shared by every
restored environment and should be made again in an ``@register_after_restore`` hook.
"""

import os

import boto3

s3 = boto3.client("s3")  # at init: in the snapshot


def handler(event, context):
    return {"region": s3.meta.region_name, "pid": os.getpid(),
            "initialization_type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE")}
