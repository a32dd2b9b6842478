"""The report store of a generation being built (indexer.index.report_store): a new base
for a full build; for an incremental one, the previous generation's delta copied (a small
file) with the changed reports dropped and added, the base hard-linked as it is
(docs/decisions/0052-report-store-delta.md). When the delta and the base's dropped reports
grow past a share of the base, the two are folded into a new base instead (the base
copied and patched, as every update did before: decision 0029).

Every file is written as `<name>.partial`, flushed to disk and renamed; the base is put in
place last, so a killed build leaves no store that looks complete.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

from indexer.index import store
from indexer.index.report_store import (CREATE, CREATE_DROPPED, DELTA, FILE, INSERT,
                                        LIVE_BASE, ordered, row, uri)

FOLD_SHARE = 16  # fold when the delta and the base's dropped reports exceed 1/16 of the base
FOLD_MIN_BYTES = 8 << 20  # ... and this (a small index keeps its delta for a while too)


def write(generation: Path, reports: dict[str, dict]) -> None:
    """Write every report of a generation into a new base, in the dict's order."""
    writable = Writable.create(generation)
    for report_id, report in reports.items():
        writable[report_id] = report
    writable.commit()


def should_fold(delta_bytes: int, base_bytes: int, dropped: int, base_rows: int) -> bool:
    """Whether the delta (and the bytes of the base's reports it dropped, estimated from
    their number) has grown past FOLD_SHARE of the base and FOLD_MIN_BYTES."""
    waste = delta_bytes + base_bytes * dropped / max(base_rows, 1)
    return waste > max(FOLD_MIN_BYTES, base_bytes / FOLD_SHARE)


def fold(base: Path, delta: Path, generation: Path) -> None:
    """Write `generation`'s base: `base` copied (a plain file copy), the reports `delta`
    dropped deleted, its reports inserted after every other, in their order."""
    target, partial = generation / FILE, generation / (FILE + ".partial")
    partial.unlink(missing_ok=True)
    shutil.copyfile(base, partial)
    db = sqlite3.connect(partial)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a crash loses only the partial copy
        db.execute("PRAGMA synchronous=OFF")  # flushed once below, before the rename
        db.execute("ATTACH DATABASE ? AS delta", (uri(delta),))
        db.execute("DELETE FROM main.reports WHERE report_id IN "
                   "(SELECT report_id FROM delta.dropped)")
        db.execute("INSERT INTO main.reports SELECT * FROM delta.reports ORDER BY rowid")
        db.commit()
    finally:
        db.close()
    store.fsync_file(partial)
    os.replace(partial, target)


class Writable:
    """The store of a generation being built, as the build's mapping of reports: `in`,
    `[id] = report` (added after every other; one of the same id replaced), `pop`,
    `len`, `values`. Full build: a new base (`create`). Incremental: the previous
    generation's delta copied, reading its base where needed (`copy`)."""

    def __init__(self, generation: Path, previous: Path | None):
        self.generation = generation
        self.base = None if previous is None else previous / FILE
        name = FILE if previous is None else DELTA
        self.target, self.partial = generation / name, generation / (name + ".partial")
        self.partial.unlink(missing_ok=True)
        copied = previous is not None and (previous / DELTA).is_file()
        if copied:
            shutil.copyfile(previous / DELTA, self.partial)
        self._db = sqlite3.connect(self.partial)
        self._db.execute("PRAGMA journal_mode=OFF")  # a crash loses only the partial copy
        self._db.execute("PRAGMA synchronous=OFF")
        if not copied:
            self._db.execute(CREATE.format(""))
        if previous is None:  # nothing to read from: an empty base, dropped nothing
            self._db.execute("ATTACH DATABASE ':memory:' AS base")
            self._db.execute(CREATE.format("base."))
            self._db.execute(CREATE_DROPPED.format("temp."))
            self._dropped = "temp.dropped"
        else:
            if not copied:
                self._db.execute(CREATE_DROPPED.format(""))
            self._db.execute("ATTACH DATABASE ? AS base", (uri(self.base),))
            self._dropped = "main.dropped"
        self._live_base = f"base.reports WHERE report_id = ? AND {LIVE_BASE.format(self._dropped)}"

    @classmethod
    def create(cls, generation: Path) -> "Writable":
        return cls(generation, None)

    @classmethod
    def copy(cls, generation: Path, previous: Path) -> "Writable":
        return cls(generation, previous)

    def _one(self, sql: str, args: tuple = ()):
        return self._db.execute(sql, args).fetchone()

    def __contains__(self, report_id) -> bool:
        return (self._one("SELECT 1 FROM main.reports WHERE report_id = ?", (report_id,))
                or self._one(f"SELECT 1 FROM {self._live_base}", (report_id,))) is not None

    def __setitem__(self, report_id: str, report: dict) -> None:
        """Add a report after every other (one of the same id is replaced)."""
        self.pop(report_id, None)
        self._db.execute(INSERT, row(dict(report, report_id=report_id)))

    def pop(self, report_id: str, default=None):
        """Delete a report (from the delta, or dropped from the base); return it as
        stored (default if there was none)."""
        found = self._one("SELECT report FROM main.reports WHERE report_id = ?", (report_id,))
        if found is not None:
            self._db.execute("DELETE FROM main.reports WHERE report_id = ?", (report_id,))
            return json.loads(found[0])
        found = self._one(f"SELECT report FROM {self._live_base}", (report_id,))
        if found is None:
            return default
        self._db.execute(f"INSERT INTO {self._dropped} VALUES (?)", (report_id,))
        return json.loads(found[0])

    def __len__(self) -> int:
        return sum(self._one(f"SELECT count(*) FROM ({sql})")[0]
                   for sql in ordered("1", "base", "main", self._dropped))

    def values(self):
        """Every report, parsed one at a time, in order."""
        for sql in ordered("report", "base", "main", self._dropped):
            for text, in self._db.execute(sql):
                yield json.loads(text)

    def commit(self) -> None:
        """Finish the store, flushed to disk: a new base; or the delta, the base linked
        from the previous generation; or, past the share, a new base folding the two."""
        self._db.commit()
        folding = self.base is not None and self._should_fold()
        self._db.close()
        store.fsync_file(self.partial)
        if folding:
            fold(self.base, self.partial, self.generation)
            self.partial.unlink()
            return
        os.replace(self.partial, self.target)
        if self.base is not None:
            _link(self.base, self.generation / FILE)

    def _should_fold(self) -> bool:
        dropped = self._one(f"SELECT count(*) FROM {self._dropped}")[0]
        base_rows = self._one("SELECT count(*) FROM base.reports")[0]
        pages = self._one("PRAGMA main.page_count")[0] * self._one("PRAGMA main.page_size")[0]
        return should_fold(pages, self.base.stat().st_size, dropped, base_rows)

    def abandon(self) -> None:
        self._db.close()
        self.partial.unlink(missing_ok=True)


def _link(source: Path, target: Path) -> None:
    """The previous generation's base, shared (a copy, flushed, where a link cannot be)."""
    try:
        os.link(source, target)
    except OSError:
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source, partial)
        store.fsync_file(partial)
        os.replace(partial, target)
