"""What notebook 04's order handlers left behind: the orders each invocation of handlers/order_worker.py
processed (from its log), and the audit trail handlers/audit_log.py wrote (the items of its table)."""

from __future__ import annotations

import json
from typing import Any

from helpers.observe.logs import invocations


def processed_orders(function_name: str, since: int = 0) -> list[list[str]]:
    """For each invocation of a handlers/order_worker.py function (from the ``since``-th on, oldest first), the
    order ids it logged as processed (its lines ``processed o-1 (receive 1)``)."""
    return [[line.split()[1] for line in invocation["lines"] if line.startswith("processed ")]
            for invocation in invocations(function_name)[since:]]


def print_audit_trail(entries: list[dict[str, Any]]) -> None:
    """Print the entries handlers/audit_log.py wrote (the items of the audit table), by order then sequence number;
    the images without the order id, ``-`` where there is none."""

    def image(text: str) -> str:
        value = json.loads(text)
        return "-" if value is None else json.dumps({key: item for key, item in value.items() if key != "orderId"})

    print(f"{'order':6} {'sequence number':25} {'change':7} {'old image':34} new image")
    for entry in sorted(entries, key=lambda entry: (entry["orderId"], entry["sequence"])):
        print(f"{entry['orderId']:6} {entry['sequence']:25} {entry['change']:7} {image(entry['old']):34} "
              f"{image(entry['new'])}")
