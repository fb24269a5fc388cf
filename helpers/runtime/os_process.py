"""Everything about an environment's process that differs between operating systems, in one place.

POSIX: the runtime gets its own process group (a kill reaches the handler's own child processes too), in our
session (if this process dies while the environment is frozen, the kernel sends the orphaned group SIGHUP and
SIGCONT, and it ends rather than staying stopped forever); between invocations the group is frozen with SIGSTOP, as
AWS freezes an idle environment. Windows: a new process group, no freezing, UTF-8 mode for Python.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

POSIX = os.name == "posix"
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
#: Can a runtime process be copied (SnapStart's restore)? Windows has no fork.
CAN_FORK = POSIX and hasattr(os, "fork")


def spawn(argv: list[str], *, cwd: Path, env: Mapping[str, str], output: IO[bytes],
          pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
    """Start the runtime in a process group of its own, stdout and stderr to ``output`` (``pass_fds``: descriptors
    it inherits, POSIX only)."""
    kwargs: dict = {"process_group": 0} if POSIX else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    if pass_fds:
        kwargs["pass_fds"] = pass_fds
    return subprocess.Popen(argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=output,
                            stderr=subprocess.STDOUT, close_fds=True, **kwargs)


def control_pair() -> tuple[socket.socket, socket.socket]:
    """A connected pair of sockets: one end for us, one for a template process to inherit (POSIX)."""
    ours, theirs = socket.socketpair()
    theirs.set_inheritable(True)
    return ours, theirs


def kill(process: subprocess.Popen) -> None:
    """Kill the runtime and, on POSIX, every process in its group (SIGKILL / TerminateProcess)."""
    if POSIX:
        kill_group(process.pid)
    if process.poll() is None:
        try:
            process.kill()
        except OSError:
            pass


def freeze(process: subprocess.Popen) -> None:
    """Stop every process of the environment until ``thaw`` (background threads stop running too)."""
    _signal_group(process, "SIGSTOP")


def thaw(process: subprocess.Popen) -> None:
    _signal_group(process, "SIGCONT")


def _signal_group(process: subprocess.Popen, name: str) -> None:
    signal_group(process.pid, name)


def signal_group(group: int, name: str) -> None:
    """Send a signal (by name) to every process of a process group (POSIX; nothing elsewhere)."""
    if POSIX:
        try:
            os.killpg(group, getattr(signal, name))
        except OSError:
            pass


def kill_group(group: int) -> None:
    """SIGKILL every process of a process group (a forked environment: its pid is its group)."""
    signal_group(group, "SIGKILL")


def reap(process: subprocess.Popen, timeout_s: float) -> tuple[int, int]:
    """Wait for the runtime to exit and collect it: (exit code, peak resident bytes or 0 if unknown).

    On POSIX, wait4 gives the process's peak resident size, which is no longer readable from /proc once a process
    has exited (a crash, an init failure). ``subprocess.TimeoutExpired`` if it is still running at the deadline."""
    if not POSIX or process.returncode is not None:
        return process.wait(timeout=timeout_s), 0
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        except ChildProcessError:  # already collected elsewhere
            return process.wait(timeout=timeout_s), 0
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_maxrss * _RSS_UNIT
        if time.monotonic() >= deadline:
            raise subprocess.TimeoutExpired(process.args, timeout_s)
        time.sleep(0.002)


def own_peak_rss_bytes() -> int:
    """This process's highest resident size so far (POSIX; 0 elsewhere): where a forked child's ru_maxrss starts."""
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _RSS_UNIT
    except (ImportError, OSError, ValueError):
        return 0


def platform_variables() -> dict[str, str]:
    """Variables that make a runtime behave as on Lambda's Linux on this system."""
    if POSIX:
        return {"TZ": ":UTC"}
    return {"TZ": "UTC", "PYTHONUTF8": "1"}  # AWS's LANG=en_US.UTF-8 makes Python write UTF-8; Windows needs telling
