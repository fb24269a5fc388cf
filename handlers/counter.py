"""Module globals live as long as the execution environment: a warm invoke sees the last one's changes."""

import os
from datetime import datetime, timezone

INITIALISED_AT = datetime.now(timezone.utc).isoformat(timespec="milliseconds")  # once per environment, at init
invocations = 0


def handler(event, context):
    global invocations
    invocations += 1
    if event.get("fail"):
        # An error raised by our code: the runtime reports it, and the environment (and `invocations`) carries on.
        raise RuntimeError(f"failing on purpose after {invocations} invocation(s)")
    return {"invocations": invocations, "pid": os.getpid(), "initialised_at": INITIALISED_AT}
