"""Which kind of execution environment answered: on-demand (made when a request needed it) or
provisioned-concurrency (initialised ahead of any request)."""

import os
import time


def handler(event, context):
    time.sleep(float(event.get("hold_seconds", 0)))  # keeps this environment busy: the next request needs another
    return {"initialization_type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"], "pid": os.getpid(),
            "version": context.function_version}
