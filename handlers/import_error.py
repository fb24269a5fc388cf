"""Imports a module that is not in the deployment package: the init phase fails (Runtime.ImportModuleError)."""

import module_that_is_not_packaged  # noqa: F401


def handler(event, context):
    return "never reached"
