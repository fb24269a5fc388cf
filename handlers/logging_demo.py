"""The Python runtime's logging trap: it gives the root logger a handler but no level, so the logger keeps
Python's default level, WARNING, and drops INFO."""

import logging

logger = logging.getLogger()


def handler(event, context):
    print("print() always reaches the log")
    logger.info("INFO: hidden, because the root logger is still at its default level, WARNING")
    logger.warning("WARNING: shown, in the runtime's format")
    if event.get("fix"):
        logger.setLevel(logging.INFO)  # the fix: set a level yourself
        logger.info("INFO: shown once a level is set")
    return "done"
