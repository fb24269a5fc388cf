"""A cold start, phase by phase: this module stamps the moment its first line runs and the moment its last line
has run, and the handler the moment it is called.

``time.perf_counter()`` reads the machine's monotonic clock, the same one in every process on this machine, so
the notebook can lay these stamps beside its own (taken just before and just after it invoked the function).
Deploy it with the environment variable ``PYTHONPROFILEIMPORTTIME=1`` and Python writes how long every import
took to stderr, which Lambda sends to the function's log (on AWS too: CloudWatch Logs); the two ``print`` lines
mark which of those imports are this module's.
"""

import time

MODULE_STARTED = time.perf_counter()  # the first line of *your* code: everything before it was the platform's
print("cold_start_phases: module starts")  # marks the log: the import timing lines after it are this module's

import decimal  # noqa: E402 - the imports come after the stamp on purpose
import email.parser  # noqa: E402, F401 - imported for their cost, as a real handler would
import http.client  # noqa: E402, F401
import json  # noqa: E402
import os  # noqa: E402
import xml.dom.minidom  # noqa: E402, F401

# Module-level code runs once per execution environment, at init: a price list built before any request.
PRICES = {f"sku-{number:05d}": decimal.Decimal(number) / 100 for number in range(40_000)}

print("cold_start_phases: module done")
MODULE_DONE = time.perf_counter()


def handler(event, context):
    started = time.perf_counter()
    sku = event.get("sku", "sku-00042")
    answer = {"sku": sku, "price": str(PRICES.get(sku, "unknown")), "pid": os.getpid(),
              "stamps": {"module_started": MODULE_STARTED, "module_done": MODULE_DONE, "handler_started": started}}
    json.dumps(answer)
    return answer
