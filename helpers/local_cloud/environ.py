"""This process's AWS settings while the local AWS runs: every boto3 client goes to it, with fake credentials.

Settings that could send boto3 elsewhere or to a real profile are removed while it runs, and all of it is put
back by ``restore``.
"""

from __future__ import annotations

import os
import sys

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
_REMOVED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE")


def point_boto3_at(endpoint: str, region: str) -> dict[str, str | None]:
    """Send every boto3 client of this process to the local AWS, with fake credentials; return what was there."""
    wanted = {"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": region, "AWS_REGION": region,
              "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, **FAKE_CREDENTIALS}
    saved = {key: os.environ.get(key) for key in (*wanted, *_REMOVED)}
    for key in _REMOVED:
        os.environ.pop(key, None)
    os.environ.update(wanted)
    _forget_boto3_session()
    return saved


def restore(saved: dict[str, str | None]) -> None:
    """Put back the settings ``point_boto3_at`` replaced."""
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _forget_boto3_session()


def _forget_boto3_session() -> None:
    """boto3 caches a default session (and its credentials): drop it so new clients read the new settings."""
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None
