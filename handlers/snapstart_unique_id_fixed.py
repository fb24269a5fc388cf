"""SnapStart's uniqueness pitfall, fixed with a runtime hook: what must be unique per environment is made again
after each restore.

``snapshot_restore_py`` is part of AWS's Python runtimes (3.12 and later), as boto3 is: no need to package it.
Hooks registered with ``@register_after_restore`` run in every restored environment, in order of registration,
before its first event; ``@register_before_snapshot`` hooks run once, just before the snapshot is taken, in reverse
order. A hook that raises fails the restore (the caller gets SnapStartException) or the snapshot (the version
becomes Failed).
"""

import os
import random
import time
import uuid

from snapshot_restore_py import register_after_restore, register_before_snapshot

ENVIRONMENT_ID = uuid.uuid4().hex  # made at init, and renewed after every restore below
LUCKY_NUMBER = random.randint(1, 1_000_000)
hooks_run = []


@register_before_snapshot
def before_snapshot():
    hooks_run.append("before_snapshot")
    print(f"before snapshot: environment id {ENVIRONMENT_ID} goes into the snapshot")


@register_after_restore
def renew_unique_values():
    global ENVIRONMENT_ID, LUCKY_NUMBER
    ENVIRONMENT_ID = uuid.uuid4().hex
    random.seed()  # fresh entropy: the generator's state came from the snapshot
    LUCKY_NUMBER = random.randint(1, 1_000_000)
    hooks_run.append("after_restore")
    print(f"after restore: this environment's id is {ENVIRONMENT_ID}")


def handler(event, context):
    time.sleep(float(event.get("hold_seconds", 0)))
    return {
        "environment_id": ENVIRONMENT_ID,
        "lucky_number": LUCKY_NUMBER,
        "pid": os.getpid(),
        "hooks_run": hooks_run,
        "initialization_type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
    }
