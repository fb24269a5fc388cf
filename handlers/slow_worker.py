"""Works for a few seconds (here: sleeps, standing in for real work), and logs when it started and stopped.

Invoked asynchronously, its caller has long gone by the time it finishes: the log is the only witness.
"""

import time


def handler(event, context):
    started = time.time()
    print(f"started at {started:.3f}")
    time.sleep(event.get("seconds", 2))  # the work: resizing a video, calling a slow API, ...
    print(f"finished at {time.time():.3f}")
    return {"worked_seconds": round(time.time() - started, 3)}
