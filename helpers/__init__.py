"""The workbook's local cloud: a local AWS (moto) whose Lambda functions run in real execution environments.

The names a notebook needs, imported lazily so ``import helpers`` stays cheap:

    start_local_cloud(), stop_local_cloud(), reset_local_cloud()   the local AWS (helpers.local_cloud)
    invoke(name, payload)                                           invoke and read the result (helpers.lambda_invoke)
    package_handler("hello")                                        a deployment zip (helpers.deploy.packaging)
    execution_role("my-role")                                       a role Lambda may assume (helpers.deploy.roles)
    deploy_function("hello", "hello.handler", zip_bytes, ...)       create or update, and wait (helpers.deploy.functions)

Importing it installs the safety guard (helpers.guard) in this process: no connection leaves the machine.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from helpers import guard as _guard

# Before anything else can: from `import helpers` on, nothing in this process may reach real AWS or, unless opted in
# (LAMBDA_WORKBOOK_ALLOW_HOSTS), any host that is not this machine. See helpers/guard.py.
_guard.install()

__version__ = "0.1.0"

_EXPORTS = {
    "start_local_cloud": ("helpers.local_cloud", "start"),
    "stop_local_cloud": ("helpers.local_cloud", "stop"),
    "reset_local_cloud": ("helpers.local_cloud", "reset"),
    "invoke": ("helpers.lambda_invoke", "invoke"),
    "Invocation": ("helpers.lambda_invoke", "Invocation"),
    "LambdaAPIError": ("helpers.lambda_invoke", "LambdaAPIError"),
    "package_handler": ("helpers.deploy.packaging", "package_handler"),
    "zip_files": ("helpers.deploy.packaging", "zip_files"),
    "execution_role": ("helpers.deploy.roles", "execution_role"),
    "make_queue": ("helpers.deploy.queues", "make_queue"),
    "deploy_function": ("helpers.deploy.functions", "deploy_function"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    module_name, attribute = _EXPORTS[name]
    value = getattr(import_module(module_name), attribute)
    globals()[name] = value
    return value
