"""Where the workbook plugs into moto (pinned: moto 5.2.5): every patch of moto, one module per service.

moto stays the control plane (functions, versions, aliases, layers, queues, tables, rules, APIs); the workbook's
data plane runs the code. Each module below declares its hooks in ``registry.REGISTRY``; ``install(seam)`` puts
them all in place, bound to the collaborators the composition root hands over (``parts.Seam``), and
``uninstall()`` gives moto its own methods back. ``state.MotoState`` is the one reader of moto's state for the
rest of the workbook; ``start_server`` and ``empty_every_service`` are moto's server and reset. Nothing outside
this package touches moto, but for ``lambda_service/errors.py``, which names moto's error type.
``tests/unit/moto_seam/`` fails loudly if any hooked callable moves in a moto upgrade.

    lambda_invoke       the Invoke API and the choke points moto's services call
    lambda_functions    functions, versions, layers, permissions, URLs: AWS's validation and rules
    lambda_mappings     event source mappings: Lambda's checks, and off moto's inline path
    lambda_concurrency  reservations against the account's quota; GetAccountSettings
    lambda_provisioned  provisioned concurrency configs (moto has none); aliases that move
    s3, sns, events     notifications, subscriptions and rules that deliver to Lambda
    sqs, dynamodb       queues that stay fast when deep; stream records on the workbook clock
    apigateway          HTTP APIs on the front door, and quick-create
"""

from __future__ import annotations

from typing import Any

from . import (apigateway, dynamodb, events, lambda_concurrency, lambda_functions,  # noqa: F401
               lambda_invoke, lambda_mappings, lambda_provisioned, s3, sns, sqs)
from .parts import Seam
from .registry import REGISTRY, Patch
from .state import MotoState

MOTO_VERSION = "5.2.5"

__all__ = ["MOTO_VERSION", "REGISTRY", "MotoState", "Patch", "Seam", "empty_every_service", "install", "patches",
           "start_server", "uninstall"]


def start_server(port: int = 0) -> tuple[Any, str, int]:
    """moto's server on 127.0.0.1 (a free port by default), in this process: (server, host, port)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound_port = server.get_host_and_port()
    return server, host, bound_port


def empty_every_service() -> None:
    """Forget every resource of every service (moto's own reset)."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def install(seam: Seam) -> None:
    """Put every hook in moto's place, bound to ``seam`` (a new seam replaces the previous one)."""
    REGISTRY.install(seam)


def uninstall() -> None:
    """Give moto its own methods back."""
    REGISTRY.uninstall()


def patches() -> tuple[Patch, ...]:
    """Every moto callable the workbook replaces."""
    return REGISTRY.patches
