"""Which generation of an index a server opens, and with which of its parts: the one
`current` names when it verifies (indexer.index.integrity: every size, the digests of
files up to OPEN_HASH_BYTES, JSON, .npy headers, the store's quick_check), else the newest
older generation that does; when none does, IndexDamaged (a 503 naming the damaged file).
A generation whose only damage is in parts a server can go without (a segment's mapped
arrays, the columns, the vocabulary) is served without them (docs/decisions/0039-damaged-generations.md).

A verdict is kept: an intact one is re-checked by size (a stat of each file) at most once
every RECHECK_SECONDS, so a file truncated under a running server is noticed, and the
generation opened again without it, before its pages are read again (a memory map of a
file that shrank kills the process with SIGBUS); a damaged one is verified again after
DAMAGED_SECONDS (a file put back in place).

A file a server has already verified in an intact generation, and that is still that very file
(device, inode, size, modification time: a hard link carried into the next generation, such
as the report store's base, decision 0052), is not hashed or quick_checked again when the
next generation opens: at a million passages an update no longer costs each worker a
`quick_check` of the 667 MB base before its first answer. Its size, and the structure of
JSON and .npy files, are still checked.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from itertools import chain
from pathlib import Path

from indexer.errors import IndexDamaged, IndexMissing
from indexer.index import integrity, store
from indexer.index.integrity import Verdict

OPEN_HASH_BYTES = 64 << 20  # larger files are checked by size and structure when opened
RECHECK_SECONDS = 1.0
DAMAGED_SECONDS = 10.0
log = logging.getLogger("indexer.intact")


class Chooser:
    """The verdicts of one index directory's generations, as a server sees them."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._lock = threading.Lock()
        self._verdicts: dict[Path, tuple[Verdict, float]] = {}
        self._checked: dict[tuple, float] = {}  # identity -> when: files of an intact verdict

    def candidates(self, current: Path | None = None):
        """(path, verdict) of `current` (read from the index directory unless given), then
        of each older generation, newest first, listed only when asked for (a lease of an
        intact `current` lists nothing); only those a server can open. IndexMissing when no
        index was built."""
        current = current or store.served_path(self.index_dir)
        passed = []
        for path in chain([current], _older(self.index_dir, current)):
            verdict = self.verdict(path)
            if verdict.essential():
                passed.append(verdict)
                continue
            if passed:
                log.warning("serving %s: %s is damaged (%s)", path.name, passed[0].generation.name,
                            passed[0].reason(passed[0].essential()))
            yield path, verdict
        if passed:
            first = passed[0]
            raise IndexDamaged(f"the index is damaged ({first.reason(first.essential())}) and "
                               "no earlier intact version of it is on disk: rebuild it with "
                               "`python -m indexer build PATH --index DIR`")

    def verdict(self, path: Path) -> Verdict:
        now = time.monotonic()
        with self._lock:
            known = self._verdicts.get(path)
        if known is not None:
            verdict, when = known
            if now - when < (DAMAGED_SECONDS if verdict.essential() else RECHECK_SECONDS):
                return verdict
            if not verdict.essential() and not integrity.sizes_changed(path, verdict.sizes):
                with self._lock:
                    self._verdicts[path] = (verdict, now)
                return verdict
        before = _identities(path)
        with self._lock:
            trusted = {name: self._checked[ident] for name, ident in before.items()
                       if ident in self._checked}
        verdict = integrity.verify(path, OPEN_HASH_BYTES, trusted=trusted)
        if verdict.damage:
            log.warning("%s is damaged: %s", path.name, verdict.reason())
        with self._lock:
            self._verdicts = {p: v for p, v in self._verdicts.items() if p.exists()}
            self._verdicts[path] = (verdict, now)
            if verdict.intact:  # the files that were the same before and after verify
                after, when = _identities(path), time.time()
                self._checked = {ident: self._checked.get(ident, when)
                                 for name, ident in before.items() if after.get(name) == ident}
        return verdict

    def condemn(self, path: Path, verdict: Verdict, why: str) -> None:
        """A generation that verified but could not be opened: damaged all the same."""
        verdict.damage.append(integrity.Damage("whoosh", f"cannot be opened: {why}"))
        log.warning("%s could not be opened: %s", path.name, why)


def _identities(generation: Path) -> dict[str, tuple]:
    """name -> (device, inode, size, modification time) of each file the build recorded."""
    found = {}
    for name in integrity.recorded(generation) or {}:
        try:
            info = os.stat(generation / name)
        except OSError:
            continue
        found[name] = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return found


def _older(index_dir: str, than: Path):
    yield from store.older_generations(index_dir, than)


__all__ = ["Chooser", "IndexDamaged", "IndexMissing"]
