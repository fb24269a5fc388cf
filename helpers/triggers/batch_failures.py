"""Partial batch responses (``FunctionResponseTypes=["ReportBatchItemFailures"]``), by AWS's rules, for SQS
(items named by message id) and streams (by sequence number).

The function returns ``{"batchItemFailures": [{"itemIdentifier": "<id>"}]}``. An empty or null response or list is
a success; invalid JSON, an empty or unknown identifier, or an unknown key fails the whole batch.
"""

from __future__ import annotations

import json


def failed_item_ids(payload: bytes, item_ids: list[str]) -> set[str] | None:
    """Which items a ReportBatchItemFailures response says failed; None means the whole batch failed."""
    if not payload or payload.strip() in (b"null", b"{}", b'""'):
        return set()
    try:
        response = json.loads(payload)
    except ValueError:
        return None
    if response is None:
        return set()
    if not isinstance(response, dict) or set(response) - {"batchItemFailures"}:
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    failed: set[str] = set()
    for failure in failures:
        if not isinstance(failure, dict) or set(failure) != {"itemIdentifier"}:
            return None
        identifier = failure["itemIdentifier"]
        if not identifier or identifier not in item_ids:
            return None
        failed.add(identifier)
    return failed
