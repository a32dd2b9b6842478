"""A generation's reports in SQLite (`reports.sqlite`), so every worker reads one shared
copy through the OS page cache instead of holding `reports.json` as Python dicts
(hundreds of MB a worker at 100,000 passages: docs/decisions/0027-shared-memory.md).

One row per report: the stored report as JSON (what `reports.json` holds for it), the same
without its sections (`meta`), and the few per-report columns pages iterate over for every
report (authority, inspection type, dates). `ReportStore` reads it as the read-only
mapping callers used the dict as (`get`, `[]`, `in`, `len`, iteration, `values`, `items`),
plus `metas()` and `column()`, which read every report without parsing its sections.
A small LRU keeps the reports a search just used parsed. `JsonReports` gives the same
interface over `reports.json`, for a generation written before the store existed.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

FILE = "reports.sqlite"
COLUMNS = ("authority_key", "authority_label", "inspection_type", "published",
           "inspection_start", "year")
PARSED_REPORTS = 128  # reports kept parsed per generation (hits of a few result pages)
MMAP_BYTES = 1 << 30  # SQLite reads pages through a shared mapping, not private copies

_CREATE = ("CREATE TABLE reports (report_id TEXT PRIMARY KEY, report TEXT NOT NULL, "
           "meta TEXT NOT NULL, " + ", ".join(f"{c}" for c in COLUMNS) + ")")


def _column_values(report: dict) -> tuple:
    return (report.get("authority_key"), report.get("authority_name") or report.get("authority"),
            report.get("inspection_type"), report.get("published"),
            report.get("inspection_start"), report.get("year"))


def write(generation: Path, reports: dict[str, dict]) -> None:
    """Write every report of a generation into its reports.sqlite, in the dict's order."""
    target, partial = generation / FILE, generation / (FILE + ".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute(_CREATE)
        db.executemany(
            f"INSERT INTO reports VALUES (?, ?, ?, {', '.join('?' * len(COLUMNS))})",
            ((rid, json.dumps(r, ensure_ascii=False),
              json.dumps({k: v for k, v in r.items() if k != "sections"}, ensure_ascii=False))
             + _column_values(r) for rid, r in reports.items()))
        db.commit()
    finally:
        db.close()
    os.replace(partial, target)


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
