"""The workbook's setup check: is everything a notebook needs here, and if not, what to do about it.

    >>> from helpers.setup_check import run_setup_check
    >>> run_setup_check()       # prints one line per check, then shows a widget test
"""

from __future__ import annotations

import importlib
import importlib.metadata
import socket
import sys
from dataclasses import dataclass

SUPPORTED_PYTHONS = ((3, 11), (3, 12), (3, 13))
PACKAGES = ("boto3", "moto", "psutil", "ipywidgets", "jupyterlab_widgets", "matplotlib")
FIX_INSTALL = "Run `python workbook.py lab` from the repository's folder: it installs what is missing into .venv."


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_python() -> CheckResult:
    version = sys.version_info[:2]
    found = f"Python {sys.version.split()[0]}"
    if version in SUPPORTED_PYTHONS:
        return CheckResult("Python version", True, found)
    wanted = ", ".join(f"{major}.{minor}" for major, minor in SUPPORTED_PYTHONS)
    return CheckResult("Python version", False, f"{found}; the workbook supports {wanted}",
                       f"Install Python {SUPPORTED_PYTHONS[-1][0]}.{SUPPORTED_PYTHONS[-1][1]} and run "
                       "`python workbook.py lab` with it.")


def check_package(name: str) -> CheckResult:
    try:
        version = importlib.metadata.version(name)
        if name != "jupyterlab_widgets":
            importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - any failure to import is the finding
        return CheckResult(f"package {name}", False, f"cannot be used: {type(exc).__name__}: {exc}", FIX_INSTALL)
    return CheckResult(f"package {name}", True, version)


def check_loopback_port() -> CheckResult:
    """Can this machine open a port on 127.0.0.1 and connect to it (what the local AWS needs)?"""
    try:
        with socket.create_server(("127.0.0.1", 0)) as server:
            port = server.getsockname()[1]
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                pass
    except OSError as exc:
        return CheckResult("loopback port", False, f"cannot open and connect to a port on 127.0.0.1: {exc}",
                           "A firewall or security tool is blocking local ports: allow Python to listen on "
                           "127.0.0.1 (nothing is exposed to the network).")
    return CheckResult("loopback port", True, f"127.0.0.1:{port} opened and connected")


def check_engine() -> CheckResult:
    """Start the local AWS and run a real function once: a cold start, end to end."""
    try:
        import boto3

        from helpers import local_cloud
        from helpers.lambda_invoke import invoke
        from helpers.deploy.packaging import zip_files
        from helpers.deploy.roles import execution_role

        cloud = local_cloud.start()
        name = "workbook-setup-check"
        lam = boto3.client("lambda")
        try:
            lam.delete_function(FunctionName=name)
        except lam.exceptions.ResourceNotFoundException:
            pass
        role = execution_role("workbook-setup-check")
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="check.handler",
                            Code={"ZipFile": zip_files({"check.py": "def handler(event, context):\n    return 'ok'\n"})})
        result = invoke(name)
        lam.delete_function(FunctionName=name)
    except Exception as exc:  # noqa: BLE001 - report, never raise
        return CheckResult("Lambda engine", False, f"could not run a function: {type(exc).__name__}: {exc}",
                           "Restart the kernel and run this cell again; if it persists, run `python workbook.py "
                           "test` in a terminal and report what fails.")
    if result.payload != "ok":
        return CheckResult("Lambda engine", False, f"a test function answered {result.payload!r}",
                           "Run `python workbook.py test` in a terminal and report what fails.")
    return CheckResult("Lambda engine", True, f"local AWS at {cloud.endpoint_url}; a cold start took "
                                              f"{result.report.init_duration_ms:.0f} ms of init")


def all_checks() -> list[CheckResult]:
    results = [check_python(), *(check_package(name) for name in PACKAGES), check_loopback_port()]
    if all(result.ok for result in results):
        results.append(check_engine())
    return results


def run_setup_check() -> None:
    """Print every check with what to do about a failure, then show the widget test."""
    results = all_checks()
    for result in results:
        print(f"{'✅' if result.ok else '❌'} {result.name}: {result.detail}")
        if not result.ok:
            print(f"   What to do: {result.fix}")
    if all(result.ok for result in results):
        print("All checks passed.")
    show_widget_check()


def show_widget_check() -> None:
    """Display a widget; how it looks tells whether JupyterLab renders widgets."""
    try:
        import ipywidgets
        from IPython.display import display
    except ImportError:
        print("❌ widgets: ipywidgets is missing. " + FIX_INSTALL)
        return
    display(ipywidgets.IntSlider(value=3, min=0, max=10, description="widgets:"))
    print("If you see a slider just above, widgets work. If you see text such as IntSlider(value=3, ...) instead, "
          "JupyterLab is not rendering widgets: close this tab, stop JupyterLab, and start it with `python workbook.py "
          "lab`, which uses the workbook's own JupyterLab and its widget extension.")
