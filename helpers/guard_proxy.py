"""The safety guard for whatever a handler starts: a refusing proxy on loopback, and the variables that lead to it.

An execution environment is a process of its own, guarded by helpers/guard.py; a program its handler starts is
another process. ``GuardProxy.environment`` gives every environment the variables that guard those too:

* ``PYTHONPATH`` starts with ``helpers/runtime/guard_site``, whose ``sitecustomize.py`` installs helpers/guard.py
  in every Python interpreter started there (``subprocess.run([sys.executable, ...])``, a ``python3`` script), and
  takes itself off ``sys.path`` again;
* ``NODE_OPTIONS`` starts with ``--require helpers/runtime/node_guard.cjs``, the same guard for every Node.js
  program started there (the runtime client node_client.mjs loads it too);
* ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``FTP_PROXY`` (and their lower-case forms, which curl and wget
  read) name this proxy: a server on 127.0.0.1 that never connects anywhere and answers every request (``CONNECT``
  or a plain proxied request) with ``403`` and a message naming the guard. ``curl``, ``wget`` and any program that
  honours these variables are refused, whatever host they were asked for;
* ``NO_PROXY``/``no_proxy`` name loopback (so the local AWS, the Runtime API and the HTTP front door are reached
  directly) and the opted-in hosts of ``LAMBDA_WORKBOOK_ALLOW_HOSTS`` (helpers/guard.py) that cannot cover an AWS
  host (so ``com`` or ``*`` is left out here); ``LAMBDA_WORKBOOK_ALLOW_HOSTS`` itself is passed on.

These variables are in the environment's ``os.environ``, so a handler sees them (AWS sets none of the proxy ones
nor ``NODE_OPTIONS``; it sets its own ``PYTHONPATH``). They override a function's own variables of the same names,
except that a function's ``PYTHONPATH`` and ``NODE_OPTIONS`` follow the guard's.

What this cannot stop: a program that ignores proxy variables and opens its own sockets (most compiled programs,
``python -I``, ``-E`` or ``-S``, a ``node`` whose NODE_OPTIONS was dropped), or one that unsets the variables.
Only operating-system sandboxing (a network namespace, a firewall) would.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Mapping
from pathlib import Path

from helpers import guard

SITE_DIR = Path(__file__).parent / "runtime" / "guard_site"
NODE_GUARD = Path(__file__).parent / "runtime" / "node_guard.cjs"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "FTP_PROXY")
#: What NO_PROXY always names: loopback (127.0.0.0/8 is for programs that read CIDR blocks, as curl does).
LOOPBACK_NO_PROXY = ("localhost", "127.0.0.1", "::1", "127.0.0.0/8")
_HEAD_LIMIT = 64 * 1024
_READ_TIMEOUT_S = 5.0


def guard_environment(env: Mapping[str, str], proxy_url: str | None) -> dict[str, str]:
    """The variables to add to (and override in) an execution environment's ``env`` so that what it starts is
    guarded too: see the module docstring. ``env`` is the environment as built so far, function variables included."""
    allow = env.get(guard.ALLOW_VARIABLE, os.environ.get(guard.ALLOW_VARIABLE, ""))
    python_path = [str(SITE_DIR)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    quoted = '"' + str(NODE_GUARD).replace("\\", "\\\\").replace('"', '\\"') + '"'  # NODE_OPTIONS's quoting
    node_options = [f"--require {quoted}"] + ([env["NODE_OPTIONS"]] if env.get("NODE_OPTIONS") else [])
    additions = {"PYTHONPATH": os.pathsep.join(python_path), "NODE_OPTIONS": " ".join(node_options)}
    if allow:
        additions[guard.ALLOW_VARIABLE] = allow
    if proxy_url:
        for name in PROXY_VARIABLES:
            additions[name] = additions[name.lower()] = proxy_url
        opted_in = [entry for entry in guard.allowed_entries(allow) if not guard.covers_aws(entry)]
        additions["NO_PROXY"] = additions["no_proxy"] = ",".join([*LOOPBACK_NO_PROXY, *opted_in])
    return additions


class GuardProxy:
    """An HTTP proxy on 127.0.0.1 that refuses every request, naming the guard; it never opens a connection."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self._server.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="lambda-workbook-guard-proxy", daemon=True)
        self._thread.start()

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """``guard_environment`` with this proxy: what ``EnvironmentSettings.guard_environment`` calls."""
        return guard_environment(env, self.url)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._refuse, args=(conn,), name="lambda-workbook-guard-refusal",
                             daemon=True).start()

    @staticmethod
    def _refuse(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(_READ_TIMEOUT_S)
                head = b""
                while b"\r\n\r\n" not in head and b"\n\n" not in head and len(head) < _HEAD_LIMIT:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                conn.sendall(refusal_response(head))
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def stop(self) -> None:
        """Stop listening (programs still pointed at it then fail to connect: refused all the same)."""
        self._stopped.set()
        try:  # wake accept() up
            socket.create_connection(self._server.getsockname(), timeout=1).close()
        except OSError:
            pass
        self._thread.join(timeout=5)
        self._server.close()


def requested_host(head: bytes) -> str:
    """The host a proxy request asked for: ``CONNECT host:port`` or ``GET http://host/...`` (printable, short)."""
    first = head.split(b"\n", 1)[0].decode("latin-1").strip()
    parts = first.split()
    target = parts[1] if len(parts) > 1 else ""
    if "://" in target:
        target = target.split("://", 1)[1].split("/", 1)[0]
    host = target.rsplit("@", 1)[-1]
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = "".join(ch for ch in host if ch.isprintable() and ch.isascii() and ch != " ")[:253]
    return host or "(no host)"


def refusal_response(head: bytes) -> bytes:
    """The proxy's answer: 403, the guard's message as the reason phrase (what curl -v and Python's tunnel errors
    show) and as the body (what curl prints for a plain http:// request)."""
    host = requested_host(head)
    decision = guard.verdict(host)
    if decision in (guard.LOOPBACK, guard.ALLOWED):  # it should have gone direct (NO_PROXY): say so
        message = (f"{guard.GUARD_NAME}: refused a request to {host} through the guard's proxy: this proxy forwards "
                   "nothing. Hosts in NO_PROXY are reached directly.")
    else:
        message = guard.refusal_message(host, "a request to", decision)
    reason = message
    body = (message + "\n").encode("utf-8")
    return (f"HTTP/1.1 403 {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode("latin-1", "replace") + body
