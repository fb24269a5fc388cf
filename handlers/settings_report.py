"""A function configured through environment variables, read once, at init.

STAGE and TABLE_NAME are required: without them the function cannot do its job, so ``os.environ[...]`` makes
it fail at once, at init, with a KeyError that names the missing variable. GREETING is optional: ``.get`` with a
default. The handler reports the configuration it runs with, beside a few of the variables Lambda sets itself.
"""

import os

STAGE = os.environ["STAGE"]  # required
TABLE_NAME = os.environ["TABLE_NAME"]  # required
GREETING = os.environ.get("GREETING", "Hello")  # optional, with a default

SET_BY_LAMBDA = ("AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                 "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_EXECUTION_ENV", "_HANDLER")


def handler(event, context):
    return {
        "set_by_you": {"STAGE": STAGE, "TABLE_NAME": TABLE_NAME, "GREETING": GREETING},
        "set_by_lambda": {name: os.environ.get(name) for name in SET_BY_LAMBDA},
        "message": f"{GREETING} from {STAGE}, reading {TABLE_NAME}",
    }
