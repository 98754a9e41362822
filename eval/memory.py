"""Resident memory of a process, as Linux counts it for that process's own address space.

`resource.getrusage(...).ru_maxrss` is not that: Linux carries it over `exec` from the address space the new
program replaced. Python starts programs with vfork (or posix_spawn), so that address space is the parent's,
and a process started by a big one (a test run, a benchmark driver) reports its parent's peak when that is
higher than its own.
`VmHWM` belongs to the address space and starts anew at `exec`.
"""

from __future__ import annotations

import resource
from pathlib import Path


def _status_mb(pid: int | str, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb(pid: int) -> float | None:
    """A process's resident memory now, or None when it cannot be read (ended, or no /proc)."""
    return _status_mb(pid, "VmRSS")


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program; ru_maxrss where /proc is missing."""
    peak = _status_mb("self", "VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
