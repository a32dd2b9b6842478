"""A generation's reports in SQLite (`reports.sqlite`), the only stored copy of them: every
worker reads one shared copy through the OS page cache instead of holding the reports as
Python dicts (docs/decisions/0027-shared-memory.md), and an incremental build copies the
previous generation's file and patches it, reading only the reports it replaces
(docs/decisions/0029-incremental-builds.md).

One row per report: the few per-report columns pages iterate over for every report
(authority, inspection type, dates) and the build's totals (passages, pages, region)
first, so reading them never touches the big values; then the report without its
sections (`meta`) and the whole stored report as JSON (`report`). `ReportStore` reads it
as the read-only mapping callers used the dict as (`get`, `[]`, `in`, `len`, iteration,
`values`, `items`), plus `metas()` and `column()`, which read every report without
parsing its sections. A small LRU keeps the reports a search just used parsed.
`Writable` is the build's side: a new store, or a copy of the previous one, with reports
deleted and added. `JsonReports` gives the read interface over `reports.json`, for a
generation written before format 4 (served until the next build rewrites it).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

from indexer.index import store

FILE = "reports.sqlite"
COLUMNS = ("authority_key", "authority_label", "inspection_type", "published",
           "inspection_start", "year")
PARSED_REPORTS = 128  # reports kept parsed per generation (hits of a few result pages)
MMAP_BYTES = 1 << 30  # SQLite reads pages through a shared mapping, not private copies

TOTALS = ("passages", "pages", "region", "source")  # what a build's summary counts
_CREATE = ("CREATE TABLE reports (report_id TEXT PRIMARY KEY, "
           + ", ".join(COLUMNS + TOTALS) + ", meta TEXT NOT NULL, report TEXT NOT NULL)")
_INSERT = f"INSERT INTO reports VALUES ({', '.join('?' * (len(COLUMNS) + len(TOTALS) + 3))})"


def _column_values(report: dict) -> tuple:
    return (report.get("authority_key"), report.get("authority_name") or report.get("authority"),
            report.get("inspection_type"), report.get("published"),
            report.get("inspection_start"), report.get("year"))


def _row(report: dict) -> tuple:
    passages = sum(len(s["passages"]) for s in report["sections"])
    meta = {k: v for k, v in report.items() if k != "sections"}
    return ((report["report_id"],) + _column_values(report)
            + (passages, report.get("pages", 0), report.get("region"), report.get("source"))
            + (json.dumps(meta, ensure_ascii=False), json.dumps(report, ensure_ascii=False)))


def write(generation: Path, reports: dict[str, dict]) -> None:
    """Write every report of a generation into its reports.sqlite, in the dict's order."""
    writable = Writable.create(generation)
    for report_id, report in reports.items():
        writable[report_id] = report
    writable.commit()


class Writable:
    """The reports.sqlite of a generation being built: a new one, or a copy of the previous
    generation's file (a plain file copy: nothing parsed, nothing rewritten) with the
    changed reports deleted and inserted. Written as `reports.sqlite.partial` and renamed
    by `commit()`, so a killed build leaves no store that looks complete."""

    def __init__(self, generation: Path, previous: Path | None):
        self.target, self.partial = generation / FILE, generation / (FILE + ".partial")
        self.partial.unlink(missing_ok=True)
        if previous is not None:
            shutil.copyfile(previous / FILE, self.partial)
        self._db = sqlite3.connect(self.partial)
        self._db.execute("PRAGMA journal_mode=OFF")  # a crash loses only the partial copy
        self._db.execute("PRAGMA synchronous=OFF")
        if previous is None:
            self._db.execute(_CREATE)

    @classmethod
    def create(cls, generation: Path) -> "Writable":
        return cls(generation, None)

    @classmethod
    def copy(cls, generation: Path, previous: Path) -> "Writable":
        return cls(generation, previous)

    def __contains__(self, report_id) -> bool:
        return self._db.execute("SELECT 1 FROM reports WHERE report_id = ?",
                                (report_id,)).fetchone() is not None

    def __setitem__(self, report_id: str, report: dict) -> None:
        """Add a report after every other (one of the same id is replaced)."""
        self.pop(report_id, None)
        self._db.execute(_INSERT, _row(dict(report, report_id=report_id)))

    def pop(self, report_id: str, default=None):
        """Delete a report; return it as stored (default if there was none)."""
        row = self._db.execute("SELECT report FROM reports WHERE report_id = ?",
                               (report_id,)).fetchone()
        if row is None:
            return default
        self._db.execute("DELETE FROM reports WHERE report_id = ?", (report_id,))
        return json.loads(row[0])

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM reports").fetchone()[0]

    def values(self):
        """Every report, parsed one at a time, in order."""
        for text, in self._db.execute("SELECT report FROM reports ORDER BY rowid"):
            yield json.loads(text)

    def commit(self) -> None:
        """Finish the store: flushed to disk, it becomes the generation's reports.sqlite."""
        self._db.commit()
        self._db.close()
        store.fsync_file(self.partial)
        os.replace(self.partial, self.target)

    def abandon(self) -> None:
        self._db.close()
        self.partial.unlink(missing_ok=True)


def totals(generation: Path) -> tuple[int, int, int, list[dict]]:
    """(reports, passages, pages, the {source, authority} of every report of no known
    authority, by source) of a generation, read from the store's small columns."""
    db = sqlite3.connect(f"file:{quote(str(generation / FILE))}?mode=ro", uri=True)
    try:
        count, passages, pages = db.execute(
            "SELECT count(*), total(passages), total(pages) FROM reports").fetchone()
        unknown = [{"source": source, "authority": json.loads(meta)["authority"]}
                   for source, meta in db.execute("SELECT source, meta FROM reports "
                                                  "WHERE region IS NULL OR region = '' "
                                                  "ORDER BY source")]
    finally:
        db.close()
    return count, int(passages), int(pages), unknown


def load(path: Path) -> dict[str, dict]:
    """Every report by id, in order, for tools and benchmarks: `path` is an index directory,
    a generation, a reports.sqlite or an older generation's reports.json."""
    path = Path(path)
    if path.is_dir() and (path / "current").exists():
        path = path / "current"
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    found = open_reports(path) if path.is_dir() else ReportStore(path)
    try:
        return dict(found.items())
    finally:
        found.close()


def open_reports(generation: Path) -> "ReportStore | JsonReports":
    """The generation's reports: its shared store, or reports.json for an older one."""
    if (generation / FILE).is_file():
        return ReportStore(generation / FILE)
    return JsonReports(json.loads((generation / "reports.json").read_text(encoding="utf-8")))


class ReportStore(Mapping):
    """report_id -> stored report, read from reports.sqlite (never change what it returns:
    a report may be shared with other requests through the cache)."""

    def __init__(self, path: Path):
        # immutable=1: the file never changes once published, so SQLite takes no locks
        try:
            self._db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1",
                                       uri=True, check_same_thread=False)
            self._db.execute("SELECT 1 FROM reports LIMIT 1")
        except sqlite3.OperationalError as exc:  # a build pruned the generation meanwhile
            raise FileNotFoundError(f"{path}: {exc}") from exc
        self._db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        self._lock = threading.Lock()
        self._parsed: OrderedDict[str, dict] = OrderedDict()

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def __getitem__(self, report_id: str) -> dict:
        with self._lock:
            found = self._parsed.get(report_id)
            if found is not None:
                self._parsed.move_to_end(report_id)
                return found
            row = self._db.execute("SELECT report FROM reports WHERE report_id = ?",
                                   (report_id,)).fetchone()
        if row is None:
            raise KeyError(report_id)
        report = json.loads(row[0])
        with self._lock:
            self._parsed[report_id] = report
            while len(self._parsed) > PARSED_REPORTS:
                self._parsed.popitem(last=False)
        return report

    def __contains__(self, report_id) -> bool:
        return bool(self._rows("SELECT 1 FROM reports WHERE report_id = ?", (report_id,)))

    def __iter__(self) -> Iterator[str]:
        return iter([rid for rid, in self._rows("SELECT report_id FROM reports ORDER BY rowid")])

    def __len__(self) -> int:
        return self._rows("SELECT count(*) FROM reports")[0][0]

    def values(self):
        """Every report, sections included, parsed one at a time (not cached)."""
        return [json.loads(text) for text, in
                self._rows("SELECT report FROM reports ORDER BY rowid")]

    def items(self):
        return [(r["report_id"], r) for r in self.values()]

    def metas(self) -> list[dict]:
        """Every report without its sections, in the order they were written."""
        return [json.loads(text) for text, in self._rows("SELECT meta FROM reports ORDER BY rowid")]

    def column(self, name: str) -> dict:
        """report_id -> one of COLUMNS, for every report."""
        if name not in COLUMNS:
            raise ValueError(f"no column {name!r}")
        return dict(self._rows(f"SELECT report_id, {name} FROM reports ORDER BY rowid"))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class JsonReports(dict):
    """The same interface over reports.json held in memory (a generation written before
    reports.sqlite existed: served until the next build rewrites it)."""

    def metas(self) -> list[dict]:
        return [{k: v for k, v in r.items() if k != "sections"} for r in self.values()]

    def column(self, name: str) -> dict:
        index = COLUMNS.index(name)
        return {rid: _column_values(r)[index] for rid, r in self.items()}

    def close(self) -> None:
        pass
