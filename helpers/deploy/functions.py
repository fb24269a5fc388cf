"""Deploy a handler: create the function, or give the existing one new code and settings, and wait until it is
ready, as a deployment script on AWS does.

    >>> deploy_function("hello", "hello.handler", package_handler("hello"), role_arn=role_arn)
    'arn:aws:lambda:us-east-1:123456789012:function:hello'
    >>> deploy_function("slow", "slow.handler", zip_bytes, role_arn=role_arn, Timeout=10, MemorySize=512)

On AWS a new function is ``Pending`` for a moment and an updated one ``InProgress``, and a function takes one
update at a time: a call made meanwhile fails with ``ResourceConflictException``. boto3's waiters poll until the
function is ready (on the local AWS they return at once).
"""

from __future__ import annotations

from typing import Any

DEFAULT_SETTINGS: dict[str, Any] = {"Runtime": "python3.12", "MemorySize": 128, "Timeout": 3}
"""What a function gets unless it asks for something else: Python 3.12, and Lambda's own defaults (128 MB, 3 s)."""


def deploy_function(name: str, handler: str, code: bytes, *, role_arn: str | None = None, **settings: Any) -> str:
    """Create the function ``name`` from a zip, or update the existing one (code, then configuration); wait until
    it is ready and return its ARN. ``settings`` are ``create_function``'s configuration (``Timeout=10``,
    ``Environment=...``, ``Layers=[...]``); the role defaults to the workbook's own (``helpers.deploy.roles``)."""
    import boto3

    if role_arn is None:
        from helpers.deploy.roles import execution_role

        role_arn = execution_role()
    settings = {**DEFAULT_SETTINGS, **settings, "Role": role_arn, "Handler": handler}
    lambda_client = boto3.client("lambda")
    try:
        arn = lambda_client.create_function(FunctionName=name, Code={"ZipFile": code}, **settings)["FunctionArn"]
        lambda_client.get_waiter("function_active_v2").wait(FunctionName=name)  # State: Pending, then Active
    except lambda_client.exceptions.ResourceConflictException:  # the function exists: update it
        lambda_client.update_function_code(FunctionName=name, ZipFile=code)
        lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)  # one update at a time
        arn = lambda_client.update_function_configuration(FunctionName=name, **settings)["FunctionArn"]
        lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
    return arn
