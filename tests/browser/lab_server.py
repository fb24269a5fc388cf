"""The browser test's machinery outside the page: finding a Chromium to drive, and a private JupyterLab server.

The server runs from this virtual environment (``python -m jupyter lab``) on a free loopback port with a random
token, serving a temporary folder (never the repository), with its own config, runtime, settings and workspace
folders, so a learner's own JupyterLab settings cannot change what the test sees and nothing is written to their
home folder or to the repository. Autosave is off, so an opened notebook is never written back.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil

CHROMIUM_VARIABLE = "LAMBDA_WORKBOOK_CHROMIUM"
HOW_TO_ENABLE = (
    "The browser test needs Chromium or Google Chrome (it drives the one installed on this machine; it never "
    "downloads a browser). Install it (Debian/Ubuntu: `sudo apt-get install chromium`; macOS and Windows: install "
    f"Google Chrome), or set the environment variable {CHROMIUM_VARIABLE} to its executable's path, then run the "
    "tests again."
)
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_MACOS = ("/Applications/Chromium.app/Contents/MacOS/Chromium",
          "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
_WINDOWS = (r"Google\Chrome\Application\chrome.exe", r"Chromium\Application\chrome.exe")

#: Flags for a headless Chromium on a closed network: no Google services, no sandbox (Chromium refuses to start
#: as root with one), no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--disable-gpu"]

#: JupyterLab user settings for the test: the theme it starts in, no autosave (the notebook is never written back),
#: no news prompt covering the page, and every cell kept in the page (no windowing) so outputs can be found.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Light"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

#: Server options: nothing reaches outside this machine (no news feed, no update check, no extension index).
SERVER_CONFIG = {
    "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
               "extension_manager": "readonly"},
    "ServerApp": {"terminals_enabled": False},
}


def find_chromium() -> str | None:
    """The Chromium to drive: ``$LAMBDA_WORKBOOK_CHROMIUM``, then Chromium or Chrome on PATH, then the usual macOS
    and Windows install places; None if there is none. A variable naming a missing file raises ``FileNotFoundError``."""
    configured = os.environ.get(CHROMIUM_VARIABLE)
    if configured:
        if not Path(configured).is_file():
            raise FileNotFoundError(f"{CHROMIUM_VARIABLE}={configured} names no file")
        return configured
    for name in _ON_PATH:
        found = shutil.which(name)
        if found:
            return found
    candidates = [Path(p) for p in _MACOS]
    for root in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        if os.environ.get(root):
            candidates += [Path(os.environ[root]) / relative for relative in _WINDOWS]
    return next((str(path) for path in candidates if path.is_file()), None)


class JupyterLab:
    """A JupyterLab server of our own, serving ``root`` (a temporary folder) on a free loopback port."""

    def __init__(self, root: Path, home: Path, *, start_timeout_s: float = 90.0) -> None:
        self.root = root
        self.token = secrets.token_hex(16)
        self._home = home
        self._log_path = home / "jupyterlab.log"
        self._start_timeout_s = start_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------------------------------
    def start(self) -> JupyterLab:
        """Start the server and wait until it answers."""
        config, runtime, settings = (self._home / name for name in ("config", "runtime", "user-settings"))
        for folder in (config, runtime, settings, self._home / "workspaces", self._home / "ipython", self.root):
            folder.mkdir(parents=True, exist_ok=True)
        (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
        for plugin, values in LAB_SETTINGS.items():
            package, _, name = plugin.rpartition(":")
            path = settings / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        environment = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(runtime),
                       "IPYTHONDIR": str(self._home / "ipython"), "JUPYTER_TOKEN": self.token}
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   "--ServerApp.port=0", f"--ServerApp.root_dir={self.root}",
                   f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={self._home / 'workspaces'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        log = self._log_path.open("wb")
        self._process = subprocess.Popen(command, cwd=self.root, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, **_own_process_group())
        log.close()
        deadline = time.monotonic() + self._start_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self._process.returncode}:\n{self.log()}")
            info = sorted(runtime.glob("jpserver-*.json"))
            if info:
                self.base_url = f"http://127.0.0.1:{json.loads(info[0].read_text())['port']}"
                try:
                    self.api("GET", "/api/status")
                    return self
                except (OSError, urllib.error.URLError):
                    pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"JupyterLab did not answer within {self._start_timeout_s:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        """Shut the server down (its kernels with it); kill it if it does not go. Idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None and self.base_url:
            try:
                self.api("POST", "/api/shutdown")
            except (OSError, urllib.error.URLError):
                pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.wait(timeout=10)

    def __enter__(self) -> JupyterLab:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- what the test needs ---------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def url(self, path: str) -> str:
        """A URL of this server that logs the browser in (the token goes into a cookie)."""
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{separator}token={self.token}"

    def notebook_url(self, path: str) -> str:
        """The URL that opens the notebook at ``path`` (relative to ``root``) alone, in a workspace of its own (so
        the tabs an earlier test left open are not restored beside it)."""
        workspace = f"test-{secrets.token_hex(4)}"
        return self.url(f"/lab/workspaces/{workspace}/tree/{urllib.parse.quote(path)}")

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the server's REST API; returns the decoded JSON (None for an empty answer)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def processes(self) -> list[psutil.Process]:
        """The server and everything it started (kernels and what they started), as they are now."""
        if self._process is None or self._process.poll() is not None:
            return []
        try:
            server = psutil.Process(self._process.pid)
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def shutdown_kernels(self, *, timeout_s: float = 20) -> list[psutil.Process]:
        """Shut down every kernel the server runs (as Kernel > Shut Down All Kernels does); returns the processes
        the kernels had started that are still running ``timeout_s`` later (they should be none)."""
        kernels_and_children = self.processes()[1:]
        for kernel in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{kernel['id']}")
        _gone, alive = psutil.wait_procs(kernels_and_children, timeout=timeout_s)
        return alive

    def log(self) -> str:
        """The server's output so far (its last 4,000 characters)."""
        return self._log_path.read_text(errors="replace")[-4000:] if self._log_path.exists() else ""


def _own_process_group() -> dict[str, Any]:
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the server we started and its process group (only ours: it was started in a session of its own)."""
    if os.name == "nt":
        process.kill()
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
