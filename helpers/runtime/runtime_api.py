"""The Lambda Runtime API: the HTTP interface between the platform and the runtime inside an environment.

One server per execution environment, on loopback (its ``host:port`` is the environment's
``AWS_LAMBDA_RUNTIME_API``). The routes are AWS's:

    GET  /2018-06-01/runtime/invocation/next                 -> the next event (long poll)
    POST /2018-06-01/runtime/invocation/{request_id}/response -> the handler's result
    POST /2018-06-01/runtime/invocation/{request_id}/error    -> a function error
    POST /2018-06-01/runtime/init/error                       -> an init failure
    GET  /2018-06-01/runtime/restore/next                    -> SnapStart: the runtime is ready for its snapshot
                                                                (answered once it is restored: here, at once)
    POST /2018-06-01/runtime/restore/error                   -> SnapStart: an after-restore hook failed

so any runtime client that speaks it (ours, AWS's ``awslambdaric``, a custom ``bootstrap``) can run here.
The server knows nothing about functions: it hands requests to a ``RuntimeAPIListener`` (the environment).
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Protocol

PREFIX = "/2018-06-01/runtime/"


@dataclass
class NextEvent:
    """What ``/invocation/next`` hands to the runtime."""

    request_id: str
    payload: bytes
    deadline_ms: int
    invoked_function_arn: str
    trace_id: str
    client_context: str | None = None
    cognito_identity: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


class RuntimeAPIListener(Protocol):
    """What the server calls; implemented by an execution environment."""

    def on_next(self) -> NextEvent | None: ...  # blocks; None means "shut down, close the connection"

    def on_response(self, request_id: str, body: bytes, content_type: str) -> bool: ...

    def on_error(self, request_id: str, error_type: str, body: bytes) -> bool: ...

    def on_init_error(self, error_type: str, body: bytes) -> None: ...

    def on_restore_next(self) -> None: ...

    def on_restore_error(self, error_type: str, body: bytes) -> None: ...

    def on_disconnect(self) -> None: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # without it, delayed ACKs add ~40 ms to every invoke
    server: RuntimeAPIServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: no request logging
        pass

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, error_type: str, message: str) -> None:
        self._reply(status, json.dumps({"errorMessage": message, "errorType": error_type}).encode())

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == PREFIX + "restore/next":
            self.server.listener.on_restore_next()
            return self._reply(200)
        if self.path != PREFIX + "invocation/next":
            return self._error(404, "NotFound", f"No route for GET {self.path}")
        event = self.server.listener.on_next()
        if event is None:
            self.close_connection = True
            return self._error(410, "EnvironmentShutdown", "The execution environment is shutting down")
        headers = {
            "Lambda-Runtime-Aws-Request-Id": event.request_id,
            "Lambda-Runtime-Deadline-Ms": str(event.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": event.invoked_function_arn,
            "Lambda-Runtime-Trace-Id": event.trace_id,
        }
        if event.client_context:
            headers["Lambda-Runtime-Client-Context"] = event.client_context
        if event.cognito_identity:
            headers["Lambda-Runtime-Cognito-Identity"] = event.cognito_identity
        headers.update(event.extra_headers)
        self._reply(200, event.payload, headers)

    def _error_type(self, body: bytes) -> str:
        return self.headers.get("Lambda-Runtime-Function-Error-Type") or _error_type_in(body)

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        route = self.path[len(PREFIX):] if self.path.startswith(PREFIX) else ""
        listener = self.server.listener
        if route == "init/error":
            listener.on_init_error(self._error_type(body), body)
            return self._reply(202, b'{"status":"OK"}')
        if route == "restore/error":
            listener.on_restore_error(self._error_type(body), body)
            return self._reply(202, b'{"status":"OK"}')
        parts = route.split("/")
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            if parts[2] == "response":
                accepted = listener.on_response(parts[1], body, self.headers.get("Content-Type") or "application/json")
            else:
                accepted = listener.on_error(parts[1], self._error_type(body), body)
            if accepted:
                return self._reply(202, b'{"status":"OK"}')
            return self._error(400, "InvalidRequestID", f"Invalid request ID: {parts[1]}")
        return self._error(404, "NotFound", f"No route for POST {self.path}")


def _error_type_in(body: bytes) -> str:
    """The errorType of an error document (awslambdaric sends no error-type header with invoke errors)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return "Runtime.Unknown"
    error_type = document.get("errorType") if isinstance(document, dict) else None
    return error_type if isinstance(error_type, str) and error_type else "Runtime.Unknown"


class RuntimeAPIServer:
    """A Runtime API endpoint on 127.0.0.1:<free port>, serving one environment's runtime."""

    def __init__(self, listener: RuntimeAPIListener) -> None:
        self.listener = listener
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self._socket.getsockname()[1]
        self._closed = False
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept_loop, name=f"runtime-api-{self.address}", daemon=True).start()

    def _accept_loop(self) -> None:
        while True:
            try:
                conn, address = self._socket.accept()
            except OSError:
                return
            if self._closed:
                conn.close()
                return
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn, address), daemon=True).start()

    def _serve(self, conn: socket.socket, address: tuple) -> None:
        try:
            _Handler(conn, address, self)
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()
            if not self._closed:
                self.listener.on_disconnect()

    def close(self) -> None:
        """Stop accepting and drop every connection."""
        if self._closed:
            return
        self._closed = True
        try:  # wake the accept loop portably: connect once, then close the listening socket
            socket.create_connection(self._socket.getsockname(), timeout=1).close()
        except OSError:
            pass
        self._socket.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
