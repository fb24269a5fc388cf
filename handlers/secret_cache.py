"""Reads a secret from AWS Secrets Manager once per environment, and again only when the cached copy is older
than a time to live (TTL).

SECRET_ID names the secret; SECRET_TTL_SECONDS is how long a fetched copy is trusted (default 300 s). The first
fetch happens at init, so a cold start pays for it and warm invocations do not. A rotated secret reaches this
environment within one TTL at most.

To show how many calls really reach Secrets Manager, the client counts them with a botocore event hook:
"after-call" fires once per API call the SDK makes, never for a value served from our cache.
"""

import json
import os
import time

import boto3

SECRET_ID = os.environ["SECRET_ID"]
TTL_SECONDS = float(os.environ.get("SECRET_TTL_SECONDS", "300"))

secrets = boto3.client("secretsmanager")
api_calls = 0


def _count_call(**kwargs):
    global api_calls
    api_calls += 1


secrets.meta.events.register("after-call.secrets-manager.GetSecretValue", _count_call)

_cached = None  # the secret's fields, as a dict
_fetched_at = 0.0  # time.monotonic() of the fetch


def get_secret():
    """The secret's fields, from the cache while it is younger than TTL_SECONDS."""
    global _cached, _fetched_at
    if _cached is None or time.monotonic() - _fetched_at >= TTL_SECONDS:
        response = secrets.get_secret_value(SecretId=SECRET_ID)
        _cached, _fetched_at = json.loads(response["SecretString"]), time.monotonic()
    return _cached


get_secret()  # at init: fail fast if the secret is missing, and warm the cache


def handler(event, context):
    secret = get_secret()
    # Use the secret; never return or log it whole. The last four characters are enough to tell versions apart.
    return {"password_ends_with": secret["password"][-4:], "get_secret_value_calls": api_calls}
