"""How an execution environment starts its runtime, per language, in one place.

* ``python3.x``: the workbook's runtime client (``client.py``) in this interpreter;
* ``nodejsNN.x``: the machine's ``node`` running ``node_client.mjs`` (``node.py``);
* ``provided.*``: the function's own ``bootstrap``, from its code or from a layer (/opt).

``Launcher`` is what the composition root hands every environment; a test may give it another Python command (AWS's
``awslambdaric``, for the conformance test).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import node
from .spec import FunctionSpec

CLIENT_SCRIPT = Path(__file__).with_name("client.py")
GUARD_SCRIPT = Path(__file__).parent.parent / "guard.py"


class UnsupportedRuntime(Exception):
    """The function's runtime cannot start here (no bootstrap, or a language this machine does not run)."""


def python_command(spec: FunctionSpec) -> list[str]:
    """Our own runtime client, in this interpreter (the default for every Python function)."""
    argv = [sys.executable, str(CLIENT_SCRIPT), "--guard", str(GUARD_SCRIPT)]
    if spec.opt_dir is not None:
        argv += ["--opt", str(spec.opt_dir)]
    return argv


def bootstrap_command(spec: FunctionSpec) -> list[str]:
    """A custom runtime: the ``bootstrap`` in the function's code, else in its layers, as Lambda looks for it."""
    for folder in (spec.code_dir, spec.opt_dir):
        if folder is not None and (folder / "bootstrap").is_file():
            return [str(folder / "bootstrap")]
    raise UnsupportedRuntime("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")


def node_command(spec: FunctionSpec) -> list[str]:
    executable = node.locate_node()
    if executable is None:
        raise UnsupportedRuntime(node.missing_node_message(spec.runtime))
    return node.node_runtime_command(spec, executable)


@dataclass
class Launcher:
    """Chooses the command that starts a function's runtime."""

    python_command: Callable[[FunctionSpec], list[str]] = python_command

    def command(self, spec: FunctionSpec) -> list[str]:
        """The argv that starts this function's runtime; ``UnsupportedRuntime`` if it cannot start here."""
        if spec.runtime.startswith("provided"):
            return bootstrap_command(spec)
        if spec.runtime.startswith("nodejs"):
            return node_command(spec)
        if spec.runtime.startswith("python"):
            return self.python_command(spec)
        raise UnsupportedRuntime(f"The workbook runs python3.x, nodejs*.x and provided.* functions; there is no "
                                 f"{spec.runtime} runtime on this machine")


def runtime_version_string(runtime: str = "python") -> str:
    """What INIT_START names as the runtime version: the program that really runs the code (this Python, the
    machine's Node.js), or for an OS-only runtime its name with v0 (there is no AWS release of it here)."""
    if runtime.startswith("nodejs"):
        return node.runtime_version_string()
    if runtime.startswith("provided"):
        return f"provided:{runtime.partition('.')[2] or 'al2'}.v0"
    v = sys.version_info
    return f"python:{v.major}.{v.minor}.v{v.micro}"
