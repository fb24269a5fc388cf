"""SnapStart's uniqueness pitfall: a value made at init is made once, in the snapshot, and every environment
restored from that snapshot starts with the same one.

Deploy with SnapStart={"ApplyOn": "PublishedVersions"}, publish a version, and invoke it from several environments
at once: each environment has its own pid, yet they all answer with the same ENVIRONMENT_ID and the same "random"
number. On $LATEST (no snapshot) each environment runs its own init and the values differ.
The fix is in snapstart_unique_id_fixed.py.
"""

import os
import random
import time
import uuid

ENVIRONMENT_ID = uuid.uuid4().hex  # at init: part of the snapshot
LUCKY_NUMBER = random.randint(1, 1_000_000)  # and so is the random generator's state


def handler(event, context):
    time.sleep(float(event.get("hold_seconds", 0)))  # keep this environment busy, so that others are restored
    return {
        "environment_id": ENVIRONMENT_ID,
        "lucky_number": LUCKY_NUMBER,
        "next_random": random.randint(1, 1_000_000),  # the same sequence in every restored environment, too
        "pid": os.getpid(),
        "initialization_type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
    }
