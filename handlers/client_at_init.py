"""An SDK client made once, at init, and reused by every warm invocation of this execution environment."""

import boto3

s3 = boto3.client("s3")  # once per environment


def handler(event, context):
    return {"buckets": len(s3.list_buckets()["Buckets"])}
