"""The same job with Powertools for AWS Lambda's parameters utility (deploy it with the library).

``get`` returns a cached value while it is younger than ``max_age`` seconds, and fetches it again after that.
Without ``max_age`` Powertools caches for 300 s (or POWERTOOLS_PARAMETERS_MAX_AGE). Two sources:

* a secret in Secrets Manager (``transform="json"`` parses its JSON text);
* a SecureString parameter in SSM Parameter Store (``decrypt=True``: Parameter Store decrypts it with KMS).

The providers get our own SDK clients only so that we can count the API calls they make (as in secret_cache.py).
"""

import os

import boto3
from aws_lambda_powertools.utilities import parameters

MAX_AGE = int(os.environ.get("MAX_AGE_SECONDS", "300"))
calls = {"GetSecretValue": 0, "GetParameter": 0}


def _count(operation):
    def hook(**kwargs):
        calls[operation] += 1
    return hook


secrets_client, ssm_client = boto3.client("secretsmanager"), boto3.client("ssm")
secrets_client.meta.events.register("after-call.secrets-manager.GetSecretValue", _count("GetSecretValue"))
ssm_client.meta.events.register("after-call.ssm.GetParameter", _count("GetParameter"))

secrets = parameters.SecretsProvider(boto3_client=secrets_client)
ssm = parameters.SSMProvider(boto3_client=ssm_client)


def handler(event, context):
    database = secrets.get(os.environ["SECRET_ID"], transform="json", max_age=MAX_AGE)
    api_key = ssm.get(os.environ["API_KEY_PARAMETER"], decrypt=True, max_age=MAX_AGE)
    return {"password_ends_with": database["password"][-4:], "api_key_ends_with": api_key[-4:],
            "api_calls": dict(calls)}
