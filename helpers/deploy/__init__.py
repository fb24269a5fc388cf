"""Getting code onto the local AWS the way you would onto AWS: an execution role, a deployment package, a function.

    >>> role_arn = execution_role("triggers-role")                      # helpers.deploy.roles
    >>> zip_bytes = package_handler("hello")                            # helpers.deploy.packaging
    >>> deploy_function("hello", "hello.handler", zip_bytes, role_arn=role_arn)   # helpers.deploy.functions
    >>> url, arn = make_queue("orders", dead_letter_arn=dlq_arn)        # helpers.deploy.queues

Importing this package is cheap: boto3 is imported when a function is first called.
"""

from __future__ import annotations

from helpers.deploy.functions import deploy_function
from helpers.deploy.packaging import package_handler, package_layer, zip_files
from helpers.deploy.queues import make_queue
from helpers.deploy.roles import LAMBDA_TRUST_POLICY, execution_role

__all__ = ["LAMBDA_TRUST_POLICY", "deploy_function", "execution_role", "make_queue", "package_handler", "package_layer",
           "zip_files"]
