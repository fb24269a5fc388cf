"""Fixtures of the browser test: the system's Chromium driven by Playwright, and a private JupyterLab server.

Without Chromium (or without the playwright package) the browser test is skipped with a message saying how to
enable it; under CI (``CI`` set) it fails instead, because CI installs Chromium (``.ci/run``) and must run it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from lab_server import CHROMIUM_ARGS, HOW_TO_ENABLE, JupyterLab, find_chromium

SCREENSHOTS_VARIABLE = "LAMBDA_WORKBOOK_SCREENSHOTS"


class BrowserTestSkipped(UserWarning):
    """Shown in pytest's warnings summary, which is printed by default (skip reasons are not, without -rs)."""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI installs Chromium and must run the browser test)", pytrace=False)
    warnings.warn(BrowserTestSkipped(f"browser test skipped: {reason}"), stacklevel=2)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The Chromium to drive, or a skip that says how to get one."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("The browser test needs the playwright package: `python -m pip install -r requirements-dev.txt` "
                     "(it drives the Chromium installed here; never run `playwright install`).")
    try:
        found = find_chromium()
    except FileNotFoundError as error:
        pytest.fail(f"{error}. {HOW_TO_ENABLE}", pytrace=False)
    if found is None:
        _unavailable(f"No Chromium found. {HOW_TO_ENABLE}")
    return found


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[object]:
    """A headless Chromium (this machine's, through its executable path), closed after the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def jupyterlab(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """A JupyterLab server serving an empty temporary folder; after the module it is shut down, and every process
    it started (kernels and what they started) must have ended."""
    lab = JupyterLab(tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")).start()
    started: list[psutil.Process] = []
    try:
        yield lab
    finally:
        started = lab.processes()
        lab.stop()
    _gone, alive = psutil.wait_procs(started, timeout=15)
    for process in alive:  # ours: the server we started and its descendants
        process.kill()
    assert not alive, f"still running after JupyterLab shut down: {[p.pid for p in alive]}\n{lab.log()}"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the test saves its screenshots: ``$LAMBDA_WORKBOOK_SCREENSHOTS`` if set (to look at them), else a
    temporary folder."""
    folder = Path(os.environ.get(SCREENSHOTS_VARIABLE) or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
