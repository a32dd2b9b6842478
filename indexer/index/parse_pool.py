"""Parsing files in worker processes for a build: results in path order, so indexing
decisions stay those of a serial build; a per-file deadline (SIGALRM in the worker), and a
bad file never stops the batch (its reason comes back instead of a report, and whether the
file is readable but no inspection report). Workers die with the build's process
(PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

from tqdm import tqdm

from indexer.errors import NotAReport, OfstedSearchError
from indexer.ingest.parse import parse_file

PARSE_SECONDS = 120.0  # default per-file parse deadline (python -m indexer build --parse-seconds)
PR_SET_PDEATHSIG = 1  # prctl option: signal sent to this process when its parent dies


Result = tuple[str, "dict | None", "str | None", bool]  # path, report, reason, not a report


def _parse_worker(path: str, seconds: float = PARSE_SECONDS) -> Result:
    """Runs in a worker process: never raises for a bad file, returns its reason; a file
    that takes longer than `seconds` to parse is given up (SIGALRM in this process)."""
    try:
        _arm(seconds)
        return _parse(path)
    except _TooSlow:
        return path, None, f"parsing took longer than {seconds:g} s (the per-file limit)", False
    finally:
        _disarm()


def _parse(path: str) -> Result:
    try:
        return path, parse_file(path).to_dict(), None, False
    except NotAReport as exc:
        return path, None, str(exc), True
    except OfstedSearchError as exc:
        return path, None, str(exc), False
    except (OSError, ValueError, RuntimeError, IndexError, KeyError, MemoryError,
            RecursionError, UnicodeError) as exc:
        return path, None, f"could not be read: {type(exc).__name__}: {exc}", False


class _TooSlow(Exception):
    """Raised by SIGALRM inside a parse that overran its deadline."""


_alarm = {"armed": False, "previous": None}


def _arm(seconds: float) -> None:
    """Raise _TooSlow (once) in this thread after `seconds` (main thread only)."""
    if seconds and threading.current_thread() is threading.main_thread():
        _alarm["previous"] = signal.signal(signal.SIGALRM, _too_slow)
        _alarm["armed"] = True
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm() -> None:
    if _alarm["previous"] is not None:
        _alarm["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, _alarm["previous"])
        _alarm["previous"] = None


def _too_slow(signum, frame):
    if _alarm["armed"]:
        _alarm["armed"] = False  # at most once: the handler that catches it is outside
        raise _TooSlow()


def die_with_parent(parent: int) -> None:
    """Pool initializer: the kernel kills this worker when the build's process dies, however
    it dies (PR_SET_PDEATHSIG, Linux); if the parent is already gone, exit now."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the parent's own signal handlers stop the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if os.getppid() != parent:
        os._exit(1)


def parse_stream(paths: list[str], workers: int, progress: bool, seconds: float):
    """Yield parse results as they arrive, so indexing overlaps parsing."""
    bar = tqdm(total=len(paths), desc="indexing", unit="file", disable=not progress,
               file=sys.stderr)
    try:
        if workers <= 1 or len(paths) < 4:
            for path in paths:
                yield _parse_worker(path, seconds)
                bar.update()
            return
        pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent,
                                   initargs=(os.getpid(),))
        try:
            for result in pool.map(_parse_worker, paths, [seconds] * len(paths), chunksize=1):
                yield result
                bar.update()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()
