"""The execution role a function runs as: an IAM role that Lambda may assume (its trust policy), and what the
function's code may do (an inline permissions policy).

    >>> role_arn = execution_role("pollers-role", {"Version": "2012-10-17", "Statement": [...]})

The local AWS does not enforce IAM, but these are the calls you would make on AWS.
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_ROLE = "workbook-lambda-role"

LAMBDA_TRUST_POLICY: dict[str, Any] = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
"""Who may assume the role: the Lambda service, which does so to run the function's code."""


def execution_role(name: str = DEFAULT_ROLE, policy: dict[str, Any] | None = None, *,
                   policy_name: str = "permissions") -> str:
    """The ARN of the execution role ``name``: created with Lambda's trust policy, or the existing one.

    With ``policy``, it becomes the role's inline policy ``policy_name`` (put again, it replaces the old one), so
    calling this again with the same arguments changes nothing."""
    import boto3

    iam = boto3.client("iam")
    try:
        role_arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role_arn = iam.create_role(RoleName=name,
                                   AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_POLICY))["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
    return role_arn
