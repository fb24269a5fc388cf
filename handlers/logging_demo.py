"""The Python runtime's logging trap: the root logger has a handler but no level, so INFO is dropped."""

import logging

logger = logging.getLogger()


def handler(event, context):
    print("print() always reaches the log")
    logger.info("INFO: hidden, because the runtime leaves the root logger at WARNING")
    logger.warning("WARNING: shown, in the runtime's format")
    if event.get("fix"):
        logger.setLevel(logging.INFO)  # the fix: set a level yourself (or configure AWS_LAMBDA_LOG_LEVEL)
        logger.info("INFO: shown once a level is set")
    return "done"
