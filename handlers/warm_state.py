"""What survives between invocations in one execution environment: module globals, and files in /tmp.

And what must not: ``CURRENT_USER`` keeps per-request state in a global, so a request that does not name a user
sees the previous request's user (in the same environment). ``handler_fixed`` keeps it in a local variable.
"""

import os
import tempfile
import time

STARTED_AT = time.time()  # once per environment, at init
invocations = 0
CURRENT_USER = None  # the bug: per-request state in a global


def handler(event, context):
    global invocations, CURRENT_USER
    invocations += 1
    scratch = os.path.join(tempfile.gettempdir(), "scratch.txt")  # /tmp on AWS: kept while the environment lives
    tmp_had_file = os.path.exists(scratch)
    with open(scratch, "a") as file:
        file.write(f"{context.aws_request_id}\n")
    if "user" in event:
        CURRENT_USER = event["user"]
    return {"invocations": invocations, "pid": os.getpid(), "tmp_had_file": tmp_had_file,
            "greeting": f"Hello, {CURRENT_USER or 'guest'}!", "started_at": STARTED_AT}


def handler_fixed(event, context):
    user = event.get("user")  # per request: a local variable, gone when the handler returns
    return {"pid": os.getpid(), "greeting": f"Hello, {user or 'guest'}!"}
