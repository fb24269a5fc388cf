"""Watching what happens in the background: a function's CloudWatch log (``logs``), queues (``queues``), event
source mappings (``mappings``), what the order handlers left behind (``orders``), and waiting for it (``waiting``).

    >>> wait_until(lambda: queue_depth(url)["visible"] == 0)
    >>> log_lines("order-worker", "[ERROR]")
    >>> processed_orders("order-worker")       # [['o-1', 'o-2'], ['o-3']]: the orders of each invocation

None of these modules imports boto3 until it is called. Two more are imported by name where needed:
``power_tuning`` (AWS Lambda Power Tuning's runs, for real) and ``downstream`` (a slow service on loopback).
"""

from __future__ import annotations

from helpers.observe.logs import invocations, log_events, log_lines, print_invocations, received_events
from helpers.observe.mappings import mapping_stats
from helpers.observe.orders import print_audit_trail, processed_orders
from helpers.observe.queues import print_dead_letters, queue_depth, receive_all
from helpers.observe.waiting import wait_until

__all__ = ["invocations", "log_events", "log_lines", "mapping_stats", "print_audit_trail", "print_dead_letters",
           "print_invocations", "processed_orders", "queue_depth", "receive_all", "received_events", "wait_until"]
