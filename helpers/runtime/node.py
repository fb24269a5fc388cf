"""Node.js functions (``nodejs20.x``, ``nodejs22.x``, ``nodejs24.x`` ...): how an environment starts one.

The machine's own ``node`` runs the workbook's runtime client, ``node_client.mjs`` (no npm packages), which speaks
the Lambda Runtime API exactly as ``client.py`` does for Python. Whichever ``nodejsNN.x`` a function names, the
``node`` on PATH runs it, as the interpreter running the workbook runs every ``python3.x`` function;
``runtime_version_string`` says which one, for the INIT_START line.

Where there is no ``node``, ``missing_node_message`` is what the invoke answers (the engine turns it into a
``Runtime.InvalidEntrypoint`` error, as AWS answers a runtime that cannot be started).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from .spec import FunctionSpec

NODE_CLIENT = Path(__file__).with_name("node_client.mjs")
NODE_DOWNLOAD_URL = "https://nodejs.org/en/download"


_found_node: str | None = None


def locate_node() -> str | None:
    """The ``node`` executable an environment would start (the one on the engine's PATH), or None. Remembered once
    found (a PATH search costs milliseconds on Windows); looked for again while there is none."""
    global _found_node
    if _found_node is None or not os.path.exists(_found_node):
        _found_node = shutil.which("node")
    return _found_node


def node_runtime_command(spec: FunctionSpec, node: str) -> list[str]:
    """``node [AWS's V8 flags] node_client.mjs [--opt DIR]``.

    The flags are those of AWS's Node.js ``/var/runtime/bootstrap`` as seen in third-party copies of the base
    image (not in AWS documentation): a tenth of the memory for V8's young generation, half of that per semi-space,
    the rest for the old generation, so that V8 collects garbage before the sandbox's memory limit is reached.
    """
    memory = spec.memory_mb
    new_space = memory // 10
    argv = [node, "--expose-gc", "--max-http-header-size=81920", f"--max-semi-space-size={max(new_space // 2, 1)}",
            f"--max-old-space-size={memory - new_space}", str(NODE_CLIENT)]
    if spec.opt_dir is not None:
        argv += ["--opt", str(spec.opt_dir)]
    return argv


@functools.lru_cache(maxsize=8)
def node_version(node: str) -> tuple[int, int, int] | None:
    """``node --version`` as numbers, e.g. (20, 20, 2); None if it cannot be read."""
    try:
        output = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=15, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"v(\d+)\.(\d+)\.(\d+)", output)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def runtime_version_string(node: str | None = None) -> str:
    """What INIT_START names as the runtime version: the Node.js that really runs the code.

    AWS writes ``nodejs:20.v101`` (the runtime's major version, then AWS's own release number). Like
    ``launch.runtime_version_string`` for Python, the part after ``v`` here is the real interpreter's: node
    20.20.2 is ``nodejs:20.v20.2``.
    """
    node = node or locate_node()
    version = node_version(node) if node else None
    if version is None:
        return "nodejs:unknown"
    major, minor, patch = version
    return f"nodejs:{major}.v{minor}.{patch}"


def missing_node_message(runtime: str) -> str:
    """Why a ``nodejsNN.x`` function cannot run on this machine, and what to do about it."""
    major = re.sub(r"\D", "", runtime.split(".")[0]) or "LTS"
    return (f"Runtime {runtime} needs Node.js, and there is no `node` on this machine's PATH. Install Node.js "
            f"{major} from {NODE_DOWNLOAD_URL} (nodejs.org), check that `node --version` works in the terminal that "
            f"starts the local AWS, then restart the local AWS (or the notebook's kernel) and invoke again.")
