"""An environment variable encrypted with a KMS key, decrypted once, at init.

API_KEY_ENCRYPTED holds base64 ciphertext, made with ``kms.encrypt`` and an encryption context naming this
function (as the Lambda console's encryption helpers do). Anyone who reads the function's configuration sees only
the ciphertext; the plaintext exists in this environment's memory, and only a role allowed ``kms:Decrypt`` on the
key can produce it.
"""

import base64
import os

import boto3

_ciphertext = base64.b64decode(os.environ["API_KEY_ENCRYPTED"])
API_KEY = boto3.client("kms").decrypt(
    CiphertextBlob=_ciphertext,
    EncryptionContext={"LambdaFunctionName": os.environ["AWS_LAMBDA_FUNCTION_NAME"]},
)["Plaintext"].decode("utf-8")


def handler(event, context):
    return {"api_key_ends_with": API_KEY[-4:], "length": len(API_KEY)}
