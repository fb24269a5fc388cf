"""Checks for the database section of notebooks/09_concurrency_and_scaling.ipynb (protecting what is downstream).

The check reads the function's reserved concurrency from the local AWS (however the learner set it) and plays it
out for real against the lesson's PostgreSQL server: a burst a little larger than the reservation (after one that
starts the environments, so that the measured one runs on warm environments, all at once), counting what Lambda
throttled and what the database refused. Nothing the learner reports about their choice is trusted.
"""

from __future__ import annotations

from .feedback import correct, never_raises, not_yet, wrong

HOLD_S = 0.5  # each order holds its connection this long, so the burst's connections overlap
EXTRA = 4  # the check's burst is this many more than the reservation


def _reserved_concurrency(function_name: str) -> tuple[bool, int | None]:
    """(does the function exist, its reserved concurrency or None)."""
    import boto3

    client = boto3.client("lambda")
    try:
        answer = client.get_function_concurrency(FunctionName=function_name)
    except client.exceptions.ResourceNotFoundException:
        return False, None
    return True, answer.get("ReservedConcurrentExecutions")


@never_raises
def check_database_cap(function_name: str = "orders-exercise") -> bool:
    """Exercise: the reserved concurrency that serves as many orders at once as the database can take, and never
    one more (the database is this kernel's ``helpers.postgres`` server)."""
    from helpers import postgres

    server = postgres.current()
    if server is None:
        return not_yet("start the database first: run the cell with postgres.start(max_connections=15).")
    exists, reserved = _reserved_concurrency(function_name)
    if not exists:
        return not_yet(f"deploy {function_name} first: run the exercise cell from its top.")
    if reserved is None:
        return not_yet(f"give {function_name} a reserved concurrency: lambda_client.put_function_concurrency("
                       f"FunctionName={function_name!r}, ReservedConcurrentExecutions=...).")
    slots = server.app_slots
    arithmetic = (f"max_connections = {server.max_connections}, less {server.superuser_reserved} kept for "
                  f"superusers and 1 for the workbook's monitor: {slots} for the functions")
    if reserved == 0:
        return wrong("0 turns the function off: the database is safe, but no order is taken at all. "
                     f"Count the connections the functions may open ({arithmetic}).")
    held = postgres.app_connections(server)
    if held:
        return wrong(f"{held} connection(s) of role app are open already (warm environments of another function "
                     "keep theirs): run postgres.start(max_connections=15) again, which restarts the database "
                     "and closes them, then this check.")
    postgres.burst(server, function_name, reserved + EXTRA, {"hold_s": 1})  # start the environments first
    result = postgres.burst(server, function_name, reserved + EXTRA, {"hold_s": HOLD_S})
    measured = (f"measured: a burst of {result.size} gave {result.answered} answered, {result.throttled} throttled "
                f"by Lambda (429), {result.refused} refused by the database")
    if result.failed:
        return wrong(f"{result.failed} invocation(s) failed for another reason: {result.outcomes[0].detail}. Deploy "
                     f"{function_name} again from the exercise cell.")
    if reserved > slots:
        luck = "" if result.refused else " (this time they did not all overlap: run the check again)"
        return wrong(f"{reserved} environments may each open a connection at once, and the database takes "
                     f"{slots} ({arithmetic}); {measured}{luck}.")
    if reserved < slots:
        return wrong(f"no refusal ({measured}), but the database has room for {slots} ({arithmetic}): "
                     f"{slots - reserved} more order(s) at once could be served instead of throttled.")
    if result.refused:
        return wrong(f"the right number, yet the database refused some ({measured}): is another program connected "
                     "to it? Run the exercise cell again.")
    return correct(f"{arithmetic}. {measured[0].upper() + measured[1:]}: Lambda turns the excess away with a 429 "
                   "(which a caller, or boto3's retries, can try again), and the database never sees it.")
