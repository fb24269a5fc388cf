"""Reading an execution environment's memory and CPU from outside its process.

Linux reads ``/proc`` directly (cheap and precise: ``VmHWM`` is the kernel's own peak resident set, ``schedstat``
counts CPU time in nanoseconds). Elsewhere psutil is used; where the OS keeps no peak for another process
(macOS), the peak is the highest resident size sampled.
"""

from __future__ import annotations

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

    def rss_bytes(self) -> int:
        """Current resident set size (0 once the process is gone)."""
        try:
            if _LINUX:
                with open(f"/proc/{self.pid}/statm", "rb") as statm:
                    value = int(statm.read().split()[1]) * _PAGE_SIZE
            else:
                value = self._process.memory_info().rss
        except (OSError, psutil.Error, ValueError, IndexError):
            return 0
        self._sampled_peak = max(self._sampled_peak, value)
        return value

    def peak_rss_bytes(self) -> int:
        """Highest resident set size over the process's life so far."""
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


try:
    import os

    _PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE_SIZE = 4096
