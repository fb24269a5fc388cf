"""The safety guard: no AWS request from this workbook can leave the machine.

Every botocore request (boto3, the AWS CLI in-process, any library) is sent through
``botocore.httpsession.URLLib3Session.send``. The guard wraps that one method and refuses any request whose host
is not loopback (``127.0.0.0/8``, ``::1``, ``localhost``), whatever credentials or profiles are configured.
It is installed in the notebook's process by ``helpers.local_cloud`` and in every execution environment by the
runtime client, so a handler cannot reach real AWS either.

This module uses the standard library only: the runtime client loads it by file path in a fresh interpreter.
"""

from __future__ import annotations

import ipaddress
import sys
from urllib.parse import urlsplit

GUARD_NAME = "lambda-workbook safety guard"


class RealAWSBlockedError(ConnectionRefusedError):
    """Raised instead of sending a request to a host that is not on this machine."""


def is_loopback_host(host: str | None) -> bool:
    """True for localhost and loopback addresses (IPv4 127.0.0.0/8 and IPv6 ::1)."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Raise RealAWSBlockedError unless ``url`` points at this machine."""
    host = urlsplit(url).hostname
    if not is_loopback_host(host):
        raise RealAWSBlockedError(
            f"{GUARD_NAME}: refused to send a request to {host or url!r}. The workbook only talks to the local AWS "
            "on 127.0.0.1; nothing may reach real AWS. Start the local AWS first (helpers.start_local_cloud()), and "
            "do not pass endpoint_url= pointing elsewhere."
        )


def _patch_httpsession(module) -> None:
    session_class = module.URLLib3Session
    if getattr(session_class.send, "_workbook_guarded", False):
        return
    original_send = session_class.send

    def send(self, request):
        check_url(request.url)
        return original_send(self, request)

    send._workbook_guarded = True
    session_class.send = send


class _PatchOnImport:
    """A meta-path finder that patches botocore's HTTP session as soon as it is imported."""

    target = "botocore.httpsession"

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.target:
            return None
        sys.meta_path.remove(self)
        try:
            import importlib.util

            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            _patch_httpsession(module)

        loader.exec_module = exec_module
        return spec


def install() -> None:
    """Guard every botocore request in this process: now if botocore is loaded, else as soon as it is."""
    if "botocore.httpsession" in sys.modules:
        _patch_httpsession(sys.modules["botocore.httpsession"])
    elif not any(isinstance(finder, _PatchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


def is_installed() -> bool:
    """True once the guard protects (or will protect) botocore in this process."""
    module = sys.modules.get("botocore.httpsession")
    if module is not None:
        return bool(getattr(module.URLLib3Session.send, "_workbook_guarded", False))
    return any(isinstance(finder, _PatchOnImport) for finder in sys.meta_path)
