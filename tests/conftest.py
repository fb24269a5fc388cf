"""Shared fixtures: one local AWS for the test session, boto3 clients, and a deploy helper."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import local_cloud
from helpers.deploy import deploy_function, execution_role, package_handler, zip_files


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in tests/integration is marked ``integration`` (``-m "not integration"`` runs the quick ones)."""
    integration = Path(__file__).parent / "integration"
    for item in items:
        if integration in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def cloud() -> Iterator[local_cloud.LocalCloud]:
    running = local_cloud.start()
    yield running
    local_cloud.stop()


@pytest.fixture(scope="session")
def lambda_client(cloud):
    import boto3

    return boto3.client("lambda")


@pytest.fixture(scope="session")
def logs_client(cloud):
    import boto3

    return boto3.client("logs")


@pytest.fixture(scope="session")
def role_arn(cloud) -> str:
    return execution_role(f"test-role-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def deploy(lambda_client, role_arn) -> Iterator[Callable[..., str]]:
    """``deploy("faults.raise_error", source="faults", Timeout=1)`` -> a new function's name (deleted afterwards).

    ``source`` is a module in handlers/ (or a path); ``files`` ({path: content}) zips those files instead.
    """
    created: list[str] = []

    def _deploy(handler: str, *, source: str | None = None, files: dict | None = None, name: str | None = None,
                **config) -> str:
        name = name or f"fn-{uuid.uuid4().hex[:12]}"
        code = zip_files(files) if files is not None else package_handler(source or handler.split(".")[0])
        deploy_function(name, handler, code, role_arn=role_arn, **config)
        created.append(name)
        return name

    yield _deploy
    for name in created:
        try:
            lambda_client.delete_function(FunctionName=name)
        except Exception:  # noqa: BLE001 - a test may have deleted it already
            pass
