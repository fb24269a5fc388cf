"""I/O-bound: almost all its time is waiting for another service to answer (here an HTTP server on this machine,
the "downstream": a database, a partner's API...). The function's CPU share does not make that service faster.
"""

import json
import os
import urllib.request

DOWNSTREAM_URL = os.environ["DOWNSTREAM_URL"]


def handler(event, context):
    with urllib.request.urlopen(DOWNSTREAM_URL, timeout=10) as response:  # blocks until the downstream answers
        answer = json.loads(response.read())
    return {"downstream_said": answer, "memory_mb": int(context.memory_limit_in_mb)}
