"""What every notebook's first cell and its outputs use: a clean local AWS, and readable invocation results."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import local_cloud
from helpers.lambda_invoke import Invocation


def setup() -> local_cloud.LocalCloud:
    """Start the local AWS (or reuse this kernel's), empty it, and say so. Re-running it starts from a clean slate."""
    cloud = local_cloud.start()
    local_cloud.reset()
    print(cloud)
    return cloud


def wait_for_background(timeout_s: float = 30.0) -> bool:
    """Wait for ``Event`` (asynchronous) invocations still running, e.g. before reading their logs."""
    cloud = local_cloud.current()
    return cloud.wait_for_background(timeout_s) if cloud else True


def show_source(module: str, function: str | None = None) -> None:
    """Print a handler module from handlers/ (``"hello"``) or a workbook module (``"helpers.deploy.functions"``),
    or just one of its functions (or classes)."""
    import ast

    source = _source_path(module).read_text(encoding="utf-8")
    if function is None:
        print(source)
        return
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == function:
            print(ast.get_source_segment(source, node))
            return
    print(f"{module} has no function {function!r}")


def _source_path(module: str) -> Path:
    """The file of a module in handlers/, of a path, or of a module of the workbook's own ``helpers`` package."""
    if module == "helpers" or module.startswith("helpers."):
        from importlib.util import find_spec

        spec = find_spec(module)
        if spec is None or spec.origin is None:
            raise FileNotFoundError(f"No module {module!r} in helpers/")
        return Path(spec.origin)
    from helpers.deploy.packaging import handler_path

    return handler_path(module)


def show(result: Invocation, *, logs: bool = True) -> None:
    """Print an invocation the way a person reads it: status, payload, then the log lines."""
    if result.function_error:
        head = f"Status {result.status_code}, FunctionError: {result.function_error} ({result.error_type})"
    else:
        head = f"Status {result.status_code}"
    if result.report is not None:
        report = result.report
        head += (f" | {'cold' if result.cold_start else 'warm'} start | Duration {report.duration_ms:.2f} ms, "
                 f"billed {report.billed_duration_ms} ms | Max Memory Used {report.max_memory_used_mb} MB")
        if report.init_duration_ms is not None:
            head += f" | Init Duration {report.init_duration_ms:.2f} ms"
    print(head)
    print("Payload:", json.dumps(result.payload, indent=2, ensure_ascii=False) if not isinstance(result.payload, str)
          else result.payload)
    if logs and result.log_lines:
        print("Log:")
        for line in result.log_lines:
            print("  " + line.replace("\n", "\n  "))
