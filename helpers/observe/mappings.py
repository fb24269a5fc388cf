"""Event source mappings at a glance: the local pollers' own counts, which AWS shows as CloudWatch metrics."""

from __future__ import annotations

from typing import Any


def mapping_stats(mapping_uuid: str) -> dict[str, Any]:
    """The local pollers' counts for one event source mapping: for SQS batches, messages, deleted and
    failed_batches; for a stream batches, records, retries, to_destination and iterator_age_s (seconds)."""
    from helpers import local_cloud

    cloud = local_cloud.current()
    return cloud.mapping_stats(mapping_uuid) if cloud else {}
