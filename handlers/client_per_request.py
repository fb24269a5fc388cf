"""An SDK client made again for every request: each warm invocation pays to build it (credentials, endpoint,
the service's model) before it can send anything."""

import boto3


def handler(event, context):
    s3 = boto3.client("s3")  # every request
    return {"buckets": len(s3.list_buckets()["Buckets"])}
