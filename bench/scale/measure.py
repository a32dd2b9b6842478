"""Small measuring tools: percentiles, a stopwatch over a callable, process memory and
directory sizes, and running a command under GNU time for its peak memory."""
from __future__ import annotations

import os
import re
import resource
import subprocess
import time
from pathlib import Path

import numpy as np


def summary(seconds: list[float]) -> dict:
    """p50 / p95 / p99 / max in milliseconds."""
    if not seconds:
        return {}
    ms = np.array(seconds) * 1000
    return {"n": len(ms), "p50": round(float(np.percentile(ms, 50)), 1),
            "p95": round(float(np.percentile(ms, 95)), 1),
            "p99": round(float(np.percentile(ms, 99)), 1), "max": round(float(ms.max()), 1)}


def timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - started, value


def rss_mb() -> float:
    """Current resident memory of this process."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def process_memory_mb(pid: int) -> dict:
    """Resident, proportional and private memory of one process (Linux smaps_rollup).
    Private pages are those no other process maps at the moment, so a mapped index file
    only one worker has read yet counts as private until the other reads it too; the
    anonymous part (heap, arrays, Python objects) is what every extra worker costs again.
    Shared pages (mapped index files, the page cache) are counted once across processes
    by `pss`."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0]) / 1024
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": round(fields.get("Rss", 0), 1), "pss": round(fields.get("Pss", 0), 1),
            "private": round(private, 1), "anonymous": round(fields.get("Anonymous", 0), 1),
            "shared": round(fields.get("Shared_Clean", 0) + fields.get("Shared_Dirty", 0), 1)}


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (gunicorn's workers of its master)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def run_timed(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command under /usr/bin/time: wall seconds, CPU seconds, peak RSS (MB) of the
    largest process, and its standard output."""
    wrapped = ["/usr/bin/time", "-f", "TIME %e %U %S %M"] + command
    done = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    found = re.findall(r"TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", done.stderr)[-1]
    return {"seconds": float(found[0]), "cpu_seconds": round(float(found[1]) + float(found[2]), 1),
            "peak_rss_mb": round(int(found[3]) / 1024, 1), "stdout": done.stdout}
