"""Reading moto's state from the triggers: only the backends that exist (moto creates one on first access)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def existing_backends(backend_dict: Any) -> Iterator[tuple[str, str, Any]]:
    """(account id, region, backend) for every backend already created in a moto BackendDict."""
    for account_id in list(dict.keys(backend_dict)):
        account = dict.__getitem__(backend_dict, account_id)
        for region in list(dict.keys(account)):
            yield account_id, region, dict.__getitem__(account, region)
