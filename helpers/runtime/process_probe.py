"""Reading an execution environment's memory and CPU from outside its process.

Linux reads ``/proc`` directly (cheap and precise: ``VmHWM`` is the kernel's own peak resident set, ``schedstat``
counts CPU time in nanoseconds). Elsewhere psutil is used; where the OS keeps no peak for another process
(macOS), the peak is the highest resident size sampled.

Memory counts the runtime's child processes too (a handler that runs a program, a shell bootstrap's curl): on AWS
the function's memory is the whole sandbox's. A child counts with its private memory (what it shares with its
parent after a fork is counted once). Children are read at the 50 ms samples, so a child that lives for less than
one sample is not seen.
"""

from __future__ import annotations

import os
import sys

import psutil

_LINUX = sys.platform.startswith("linux")


class ProcessProbe:
    """Memory and CPU readings of one process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._process = psutil.Process(pid)
        self._sampled_peak = 0
        self._last_cpu = 0.0  # last good readings: a process that has exited can no longer be read
        self.read = False  # has the peak been read at least once?

    def rss_bytes(self) -> int:
        """Current resident set size of the runtime and its child processes (0 once the runtime is gone)."""
        value = _rss_of(self.pid, self._process)
        if not value:
            return 0
        value += sum(_private_of(child) for child in self._descendants())
        self._sampled_peak = max(self._sampled_peak, value)
        return value

    def _descendants(self) -> list[int]:
        """The runtime's child processes, and theirs."""
        if _LINUX:
            found, frontier = [], [self.pid]
            while frontier:
                children = _children_linux(frontier.pop())
                if children is None:  # no /proc/<pid>/task/<tid>/children on this kernel
                    break
                found += children
                frontier += children
            else:
                return found
        try:
            return [child.pid for child in self._process.children(recursive=True)]
        except psutil.Error:
            return []

    def peak_rss_bytes(self) -> int:
        """Highest resident set size over the process's life so far (with its children as ``rss_bytes`` sampled
        them: reading the children costs a tenth of a millisecond, so only the 50 ms samples do it)."""
        self.read = True
        try:
            if _LINUX:
                with open(f"/proc/{self.pid}/status", "rb") as status:
                    for line in status:
                        if line.startswith(b"VmHWM:"):
                            self._sampled_peak = max(int(line.split()[1]) * 1024, self._sampled_peak)
            else:
                info = self._process.memory_info()
                peak = getattr(info, "peak_wset", 0)  # Windows keeps a peak working set
                self._sampled_peak = max(peak, info.rss, self._sampled_peak)
        except (OSError, psutil.Error, ValueError, IndexError):
            pass
        return self._sampled_peak

    def record_peak(self, byte_count: int) -> None:
        """A peak learned another way (e.g. from wait4 when the process exited)."""
        self._sampled_peak = max(self._sampled_peak, byte_count)

    def cpu_seconds(self) -> float:
        """CPU time used so far (Linux: the main thread, where the handler runs; elsewhere: the process)."""
        try:
            if _LINUX:
                with open(f"/proc/{self.pid}/schedstat", "rb") as schedstat:
                    self._last_cpu = int(schedstat.read().split()[0]) / 1e9
            else:
                times = self._process.cpu_times()
                self._last_cpu = times.user + times.system
        except (OSError, psutil.Error, ValueError, IndexError):
            pass
        return self._last_cpu


def _rss_of(pid: int, process: psutil.Process | None = None) -> int:
    try:
        if _LINUX:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE_SIZE
        return (process or psutil.Process(pid)).memory_info().rss
    except (OSError, psutil.Error, ValueError, IndexError):
        return 0


def _private_of(pid: int) -> int:
    """A child's own memory: its private pages (a forked child shares its parent's pages until it writes them, and
    the sandbox counts a shared page once)."""
    try:
        if _LINUX:
            total = 0
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                        total += int(line.split()[1]) * 1024
            return total
        return psutil.Process(pid).memory_full_info().uss
    except FileNotFoundError:
        return _rss_of(pid)  # a kernel without smaps_rollup (before 4.14): the resident size, an upper bound
    except (OSError, psutil.Error, ValueError, IndexError):
        return 0


def _children_linux(pid: int) -> list[int] | None:
    """Direct children of ``pid`` from /proc (None where the kernel does not offer the list)."""
    children: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", "rb") as listing:
                children += [int(child) for child in listing.read().split()]
        except FileNotFoundError:
            if os.path.isdir(f"/proc/{pid}/task/{thread}"):
                return None  # the thread is there, its children list is not: the kernel does not offer it
            continue  # the thread ended meanwhile
        except (OSError, ValueError):
            continue
    return children


try:
    _PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE_SIZE = 4096
