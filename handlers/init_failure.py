"""Raises while the module is imported (in the init phase): the error is reported with requestId ""."""

raise RuntimeError("configuration missing: cannot start")


def handler(event, context):
    return "never reached"
