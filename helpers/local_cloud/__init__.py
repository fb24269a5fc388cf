"""The local AWS: moto in server mode on 127.0.0.1, with the workbook's Lambda data plane plugged in.

    >>> from helpers import local_cloud
    >>> cloud = local_cloud.start()          # re-running the cell reuses the running one
    >>> import boto3; boto3.client("lambda").list_functions()["Functions"]
    []

Once started, every boto3 client made in this process goes to the local AWS with fake credentials and a region
(no ``endpoint_url=`` needed), and the safety guard refuses any request to a host that is not loopback.
``stop()`` stops the server and every execution environment; ``reset()`` empties every service. One local AWS runs
per process: ``current()`` is it.
"""

from __future__ import annotations

import atexit
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import aws_facts, guard
from helpers.clock import WorkbookClock
from helpers.lambda_service import laptop
from helpers.lambda_service.concurrency import ConcurrencyLedger
from helpers.lambda_service.engine import LambdaEngine
from helpers.lambda_service.laptop import EnvironmentSlots
from helpers.lambda_service.provisioned import ProvisionedConcurrency
from helpers.lambda_service.telemetry import Telemetry
from helpers.runtime.launch import Launcher

from . import environ
from .assembly import CloudParts, CloudSettings, build
from .environ import FAKE_CREDENTIALS

DEFAULT_REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
WORKDIR_PREFIX = "lambda-workbook-"

__all__ = ["ACCOUNT_ID", "DEFAULT_REGION", "FAKE_CREDENTIALS", "LocalCloud", "current", "on_stop", "reset", "start",
           "stop"]


class LocalCloud:
    """A running local AWS: its endpoint, region, and the parts of its data plane."""

    def __init__(self, endpoint_url: str, port: int, region: str, server: Any, saved_environ: dict[str, str | None],
                 launcher: Launcher, settings: CloudSettings, parts: CloudParts) -> None:
        self.endpoint_url = endpoint_url
        self.port = port
        self.region = region
        self.account_id = ACCOUNT_ID
        self.launcher = launcher  # how environments start their runtime (a test may swap the Python command)
        self.settings = settings
        self.parts = parts
        self._server = server
        self._saved_environ = saved_environ

    @property
    def clock(self) -> WorkbookClock:
        """The workbook clock (retries, schedules, idle reclaim): ``cloud.clock.advance(60)`` jumps a minute."""
        return self.parts.clock

    @property
    def concurrency(self) -> ConcurrencyLedger:
        """The account's concurrency: ``cloud.concurrency.account_limit = 20`` sets a lesson's quota,
        ``cloud.concurrency.scaling_rate = 5`` lets each function start only 5 new environments every 10 s."""
        return self.parts.concurrency

    @property
    def telemetry(self) -> Telemetry:
        """Throttles and concurrent executions as they happen (``cloud.telemetry.events(kind="throttle")``)."""
        return self.parts.telemetry

    @property
    def environment_slots(self) -> EnvironmentSlots:
        """The laptop's cap on live environment processes: ``limit`` (settable), ``used``, ``peak``, ``waits``."""
        return self.parts.slots

    @property
    def provisioned(self) -> ProvisionedConcurrency:
        """Provisioned concurrency configs and their environments (``allocation_delay_s``: how long a new config
        stays IN_PROGRESS, 60 workbook seconds unless set)."""
        return self.parts.provisioned

    @property
    def engine(self) -> LambdaEngine:
        """The pools of execution environments (``environments()``, ``reclaim_idle()``, ``idle_timeout_s``)."""
        return self.parts.engine

    def wait_for_background(self, timeout_s: float = 30.0) -> bool:
        """Wait until no asynchronous attempt is running; True if none is left (later retries do not count)."""
        return self.parts.queue.wait_until_idle(timeout_s)

    def mapping_stats(self, mapping_uuid: str) -> dict[str, Any]:
        """The pollers' counts for one event source mapping (empty if no poller has seen it)."""
        for pollers in (self.parts.sqs_pollers, self.parts.stream_pollers):
            if mapping_uuid in pollers.stats:
                return dict(pollers.stats[mapping_uuid])
        return {}

    def rest_api_url(self, api_id: str, stage: str) -> str:
        """Where a deployed REST API stage answers here (on AWS: https://<api-id>.execute-api.<region>.amazonaws.com
        /<stage>). Function URLs and HTTP API endpoints come back from their create calls."""
        return self.parts.front_door.rest_api_url(api_id, stage)

    def __repr__(self) -> str:
        return f"LocalCloud(endpoint_url={self.endpoint_url!r}, region={self.region!r})"

    def __str__(self) -> str:
        return (f"Local AWS running at {self.endpoint_url} (region {self.region}, account {self.account_id}). "
                "boto3 in this process and in every Lambda environment talks to it; no request leaves this machine.")


_lock = threading.RLock()
_current: LocalCloud | None = None
_on_stop: list[Callable[[], None]] = []


def current() -> LocalCloud | None:
    """The running local AWS of this process, if any."""
    return _current


def start(port: int = 0, *, region: str = DEFAULT_REGION, idle_timeout_s: float | None = None,
          time_scale: float = 1.0, account_concurrency: int = aws_facts.ACCOUNT_CONCURRENCY,
          scaling_rate: int = aws_facts.SCALING_RATE_ENVIRONMENTS,
          provisioned_delay_s: float = aws_facts.PROVISIONED_ALLOCATION_DELAY_S,
          max_environments: int | None = None) -> LocalCloud:
    """Start the local AWS on 127.0.0.1 (a free port by default), or return the one already running.

    ``time_scale`` runs the workbook clock faster: workbook seconds per real second. ``account_concurrency`` is the
    account's concurrency quota (AWS's default 1,000; new accounts start lower); ``scaling_rate`` how many new
    environments each function may start every 10 seconds (AWS: 1,000); ``provisioned_delay_s`` how long a
    provisioned concurrency config stays IN_PROGRESS before its environments start (AWS: "a minute or two"; 60
    workbook seconds here); ``max_environments`` the laptop's cap on live environment processes (default: from this
    machine's free memory and cores, or ``LAMBDA_WORKBOOK_MAX_ENVIRONMENTS``: ``helpers/lambda_service/laptop.py``).
    A reset keeps them."""
    global _current
    with _lock:
        if _current is not None:
            return _current
        guard.install()
        _quiet_request_logs()
        from helpers import moto_seam

        server, host, bound_port = moto_seam.start_server(port)
        endpoint = f"http://{host}:{bound_port}"
        saved = environ.point_boto3_at(endpoint, region)
        launcher = Launcher()
        settings = CloudSettings(aws_facts.IDLE_RECLAIM_S if idle_timeout_s is None else idle_timeout_s, time_scale,
                                 account_concurrency, scaling_rate, provisioned_delay_s,
                                 max_environments or laptop.limit_from_environment() or laptop.default_limit())
        _current = LocalCloud(endpoint, bound_port, region, server, saved, launcher, settings,
                              _build(endpoint, launcher, settings))
        return _current


def _build(endpoint: str, launcher: Launcher, settings: CloudSettings) -> CloudParts:
    _remove_orphaned_workdirs()
    workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    return build(workdir=workdir, endpoint_url=endpoint, credentials=FAKE_CREDENTIALS, launcher=launcher,
                 settings=settings)


def _remove_orphaned_workdirs() -> None:
    """Remove the working folders of local AWSes whose process was killed before it could clean up."""
    import shutil

    import psutil

    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        owner = folder.name[len(WORKDIR_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def reset() -> None:
    """Empty every service of the local AWS and stop every execution environment; the server keeps running."""
    with _lock:
        cloud = _current
        if cloud is None:
            return
        from helpers import moto_seam

        old = cloud.parts
        old.stop()
        moto_seam.empty_every_service()
        cloud.settings = CloudSettings(old.engine.idle_timeout_s, old.clock.time_scale, old.concurrency.account_limit,
                                       old.concurrency.scaling_rate, old.provisioned.allocation_delay_s,
                                       old.slots.limit)
        cloud.parts = _build(cloud.endpoint_url, cloud.launcher, cloud.settings)


def on_stop(callback: Callable[[], None]) -> None:
    """Call ``callback`` once when the local AWS next stops (e.g. to stop a lesson's database server with it)."""
    with _lock:
        if callback not in _on_stop:
            _on_stop.append(callback)


def stop() -> None:
    """Stop the local AWS and every execution environment, and restore this process's AWS settings."""
    global _current
    with _lock:
        cloud = _current
        callbacks = list(_on_stop)
        _on_stop.clear()
        for callback in callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - one failing clean-up must not keep the local AWS running
                logging.getLogger(__name__).warning("clean-up at stop failed", exc_info=True)
        if cloud is None:
            return
        from helpers import moto_seam

        _current = None
        cloud.parts.stop()
        moto_seam.uninstall()
        cloud._server.stop()
        environ.restore(cloud._saved_environ)


atexit.register(stop)


def _quiet_request_logs() -> None:
    """moto's web server logs every request; a notebook should not show them."""
    for name in ("werkzeug", "moto", "botocore.credentials"):
        logging.getLogger(name).setLevel(logging.ERROR)
