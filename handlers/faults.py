"""Handlers that fail on purpose, one way each: what AWS returns for each failure is the lesson.

Deploy this file once and pick the failure with the handler string, e.g. ``faults.raise_error``.
"""

import decimal
import os
import sys
import time


def raise_error(event, context):
    # An unhandled exception: errorType is the class name, stackTrace shows your frames only.
    raise ValueError("something went wrong")


def sleep_past_timeout(event, context):
    # Sleeps longer than the function's timeout: the platform kills the process (Sandbox.Timedout).
    time.sleep(event.get("seconds", 10))
    return "never returned"


def swallow_timeout(event, context):
    # Catching everything does not help: the timeout is enforced from outside the process.
    while True:
        try:
            time.sleep(0.05)
        except BaseException:  # noqa: B036 - on purpose
            pass


def exit_process(event, context):
    # sys.exit is not an exception the runtime catches: the runtime process ends (Runtime.ExitError).
    sys.exit(event.get("code", 3))


def hard_exit(event, context):
    # os._exit ends the process at once, without any cleanup.
    os._exit(event.get("code", 7))


def native_crash(event, context):
    # A crash in native code (here: reading address 0) kills the process with a signal.
    import ctypes

    ctypes.string_at(0)


def use_too_much_memory(event, context):
    # Keeps allocating until the environment's memory size is exceeded (Runtime.OutOfMemory).
    chunks = []
    while True:
        chunks.append(bytearray(8 * 1024 * 1024))
        chunks[-1][::4096] = b"x" * len(chunks[-1][::4096])  # touch every page, so it is really resident


def return_a_set(event, context):
    # A set is not JSON: the runtime cannot marshal it (Runtime.MarshalError).
    return {1, 2, 3}


def return_decimal(event, context):
    # Decimal is JSON to the runtime (it keeps the exact digits); DynamoDB numbers arrive as Decimal.
    return {"price": decimal.Decimal("1.10")}


def stop_before_timeout(event, context):
    # The graceful way: watch the remaining time and stop with a margin.
    done = 0
    while context.get_remaining_time_in_millis() > 200:
        time.sleep(0.05)
        done += 1
    return {"stopped_early": True, "steps": done}
