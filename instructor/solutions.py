"""Solutions to the notebooks' exercises, for instructors. tests/unit/exercises checks every one of them.

Each name below is what a learner writes in place of the ``...`` in the notebook's exercise cell.
"""

# 00_welcome, exercise 1: from the limits table (AWS Lambda quotas, as of November 2026).
WELCOME_LIMITS = {"max_timeout_seconds": 900, "max_memory_mb": 10_240, "default_concurrency": 1_000}

# 00_welcome, exercise 2: the body of GREETER_SOURCE.
GREETER_SOURCE = '''
def handler(event, context):
    name = event.get("name", "stranger")
    return {"greeting": f"Hi, {name}!"}
'''

# 00_welcome, exercise 3: Billed Duration from a REPORT line's other figures.
def billed(duration_ms, init_duration_ms):
    import math

    return math.ceil(duration_ms + (init_duration_ms or 0))

# 01_handlers, exercise 1.
HANDLER_STRING = "orders/api.lookup"  # "orders.api.lookup" is accepted too

# 01_handlers, exercise 2.
ERROR_TYPES = {
    "the handler raises KeyError": "KeyError",
    "the zip does not contain a module the handler imports": "Runtime.ImportModuleError",
    "the handler returns a set": "Runtime.MarshalError",
    "the handler runs longer than the function's timeout": "Sandbox.Timedout",
    "the handler calls sys.exit(1)": "Runtime.ExitError",
    "the handler string names a function the module does not have": "Runtime.HandlerNotFound",
}

# 01_handlers, exercise 3.
ECHO_SOURCE = '''
import json

def handler(event, context):
    try:
        body = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return {"statusCode": 400, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"error": "the body must be JSON"})}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"hello": body.get("name")})}
'''

# 01_handlers, exercise 4: give the root logger a level (basicConfig is a no-op once the runtime set up logging).
QUIET_SOURCE = '''
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    logger.info("processing %s", context.aws_request_id)
    return "done"
'''

# ---- 02_triggers_sync (begin) ----
# ---- 02_triggers_sync (end) ----

# ---- 03_triggers_async (begin) ----
# ---- 03_triggers_async (end) ----

# ---- 04_triggers_polling (begin) ----
# ---- 04_triggers_polling (end) ----

# ---- 05_failures_retries_idempotency (begin) ----
# ---- 05_failures_retries_idempotency (end) ----
