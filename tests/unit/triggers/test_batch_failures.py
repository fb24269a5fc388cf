"""helpers/triggers/batch_failures.py: AWS's rules for what a partial batch response means."""

from __future__ import annotations

import json

import pytest

from helpers.triggers.batch_failures import failed_item_ids

IDS = ["m1", "m2", "m3"]


@pytest.mark.parametrize("payload", [b"", b"null", b"{}", b'{"batchItemFailures": []}',
                                     b'{"batchItemFailures": null}', b'""'])
def test_success_shapes(payload):
    assert failed_item_ids(payload, IDS) == set()


def test_listed_failures():
    payload = json.dumps({"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}).encode()
    assert failed_item_ids(payload, IDS) == {"m2", "m3"}


@pytest.mark.parametrize("payload", [
    b"not json", b'"a string"', b"[1, 2]", b'{"batchItemFailures": [{"itemIdentifier": ""}]}',
    b'{"batchItemFailures": [{"itemIdentifier": null}]}', b'{"batchItemFailures": [{"itemIdentifier": "nope"}]}',
    b'{"batchItemFailures": [{"id": "m1"}]}', b'{"batchItemFailure": [{"itemIdentifier": "m1"}]}',
    b'{"batchItemFailures": "m1"}',
])
def test_complete_failure_shapes(payload):
    assert failed_item_ids(payload, IDS) is None
