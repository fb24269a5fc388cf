"""Module globals live as long as the execution environment: a warm invoke sees the last one's changes."""

import os
import time

INITIALISED_AT = time.time()  # runs once per environment, in the init phase (the cold start)
invocations = 0


def handler(event, context):
    global invocations
    invocations += 1
    if event.get("fail"):
        # A handled failure: the runtime reports it, and the environment (and `invocations`) carries on.
        raise RuntimeError(f"failing on purpose after {invocations} invocation(s)")
    return {"invocations": invocations, "pid": os.getpid(), "initialised_at": INITIALISED_AT}
