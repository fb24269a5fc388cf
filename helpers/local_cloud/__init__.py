"""The local AWS: moto in server mode on 127.0.0.1, with the Lambda engine plugged in.

    >>> from helpers import local_cloud
    >>> cloud = local_cloud.start()          # re-running the cell reuses the running one
    >>> import boto3; boto3.client("lambda").list_functions()["Functions"]
    []

Once started, every boto3 client made in this process goes to the local AWS with fake credentials and a region
(no ``endpoint_url=`` needed), and the safety guard refuses any request to a host that is not loopback.
``stop()`` stops the server and every execution environment; ``reset()`` empties every service.
"""

from __future__ import annotations

import atexit
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from helpers import guard

DEFAULT_REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
#: Settings that could send boto3 elsewhere or to a real profile: removed while the local AWS runs.
_REMOVED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE")


@dataclass
class LocalCloud:
    """A running local AWS: its endpoint, region and Lambda engine."""

    endpoint_url: str
    port: int
    region: str
    account_id: str
    engine: object = field(repr=False)
    _server: object = field(repr=False)
    _saved_environ: dict[str, str | None] = field(repr=False, default_factory=dict)

    @property
    def clock(self):
        """The workbook clock (retries, schedules, idle reclaim): ``cloud.clock.advance(60)`` jumps a minute."""
        return self.engine.clock

    def rest_api_url(self, api_id: str, stage: str) -> str:
        """Where a deployed REST API stage answers here (on AWS: https://<api-id>.execute-api.<region>.amazonaws.com
        /<stage>). Function URLs and HTTP API endpoints come back from their create calls."""
        return self.engine.front_door.rest_api_url(api_id, stage)

    def __str__(self) -> str:
        return (f"Local AWS running at {self.endpoint_url} (region {self.region}, account {self.account_id}). "
                "boto3 in this process and in every Lambda environment talks to it; no request leaves this machine.")


_lock = threading.RLock()
_current: LocalCloud | None = None


def current() -> LocalCloud | None:
    """The running local AWS of this process, if any."""
    return _current


def start(port: int = 0, *, region: str = DEFAULT_REGION, idle_timeout_s: float | None = None,
          time_scale: float = 1.0) -> LocalCloud:
    """Start the local AWS on 127.0.0.1 (a free port by default), or return the one already running.

    ``time_scale`` runs the workbook clock faster: workbook seconds per real second."""
    global _current
    with _lock:
        if _current is not None:
            return _current
        guard.install()
        _quiet_request_logs()
        from moto.server import ThreadedMotoServer

        from helpers.lambda_service import moto_seam

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        host, bound_port = server.get_host_and_port()
        endpoint = f"http://{host}:{bound_port}"
        saved = _point_boto3_at(endpoint, region)
        engine = _new_engine(endpoint, idle_timeout_s, time_scale)
        moto_seam.install(engine)
        _current = LocalCloud(endpoint, bound_port, region, ACCOUNT_ID, engine, server, saved)
        return _current


WORKDIR_PREFIX = "lambda-workbook-"


def _new_engine(endpoint: str, idle_timeout_s: float | None, time_scale: float = 1.0):
    from helpers.clock import WorkbookClock
    from helpers.guard_proxy import GuardProxy
    from helpers.lambda_service.engine import DEFAULT_IDLE_TIMEOUT_S, LambdaEngine

    _remove_orphaned_workdirs()
    from helpers.lambda_service.moto_seam import send_with_moto
    from helpers.triggers.eventbridge import Scheduler
    from helpers.triggers.http_front_door import FrontDoor
    from helpers.triggers.sqs_poller import SQSPollers
    from helpers.triggers.stream_poller import StreamPollers

    workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    proxy = GuardProxy()  # guards what handlers start (helpers/guard_proxy.py); stopped with the engine
    engine = LambdaEngine(workdir, endpoint, credentials=FAKE_CREDENTIALS, clock=WorkbookClock(time_scale),
                          idle_timeout_s=DEFAULT_IDLE_TIMEOUT_S if idle_timeout_s is None else idle_timeout_s,
                          guard_environment=proxy.environment)
    engine.guard_proxy = proxy
    engine.scheduler = Scheduler(engine.clock, engine, send_with_moto)  # EventBridge schedules, on the same clock
    engine.sqs_pollers = SQSPollers(engine)  # SQS event source mappings
    engine.stream_pollers = StreamPollers(engine)  # DynamoDB Streams event source mappings
    engine.front_door = FrontDoor(lambda: engine)  # function URLs and HTTP APIs, over real HTTP on loopback
    return engine


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
        from moto.moto_api._internal.models import moto_api_backend

        from helpers.lambda_service import moto_seam

        old = cloud.engine
        old.shutdown()
        moto_api_backend.reset()
        cloud.engine = _new_engine(cloud.endpoint_url, old.idle_timeout_s, old.clock.time_scale)
        moto_seam.install(cloud.engine)


def stop() -> None:
    """Stop the local AWS and every execution environment, and restore this process's AWS settings."""
    global _current
    with _lock:
        cloud = _current
        if cloud is None:
            return
        from helpers.lambda_service import moto_seam

        _current = None
        cloud.engine.shutdown()
        moto_seam.uninstall()
        cloud._server.stop()
        _restore_environ(cloud._saved_environ)


atexit.register(stop)


def _point_boto3_at(endpoint: str, region: str) -> dict[str, str | None]:
    """Send every boto3 client of this process to the local AWS, with fake credentials; return what was there."""
    wanted = {"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": region, "AWS_REGION": region,
              "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, **FAKE_CREDENTIALS}
    saved = {key: os.environ.get(key) for key in (*wanted, *_REMOVED)}
    for key in _REMOVED:
        os.environ.pop(key, None)
    os.environ.update(wanted)
    _forget_boto3_session()
    return saved


def _restore_environ(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _forget_boto3_session()


def _forget_boto3_session() -> None:
    """boto3 caches a default session (and its credentials): drop it so new clients read the new settings."""
    import sys

    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None


def _quiet_request_logs() -> None:
    """moto's web server logs every request; a notebook should not show them."""
    for name in ("werkzeug", "moto", "botocore.credentials"):
        logging.getLogger(name).setLevel(logging.ERROR)
