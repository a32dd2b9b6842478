"""A generation's reports in SQLite, the only stored copy of them: every worker reads one
shared copy through the OS page cache instead of holding the reports as Python dicts
(docs/decisions/0027-shared-memory.md).

Two files (docs/decisions/0052-report-store-delta.md): `reports.sqlite`, the base, never
changed once written and hard-linked from one generation into the next, and
`reports-delta.sqlite`, small, what the builds since the base was written added (in the
same table) and which of the base's reports they removed (`dropped`). An incremental
build copies the delta only (indexer.index.report_writer); the base is written again when
the delta grows past a share of it. A generation without a delta (a full build, or one
written before report format 5) is its base alone.

One row per report: the few per-report columns pages iterate over for every report
(authority, inspection type, dates) and the build's totals (passages, pages, region)
first, so reading them never touches the big values; then the report without its
sections (`meta`) and the whole stored report as JSON (`report`). `ReportStore` reads the
two files as the read-only mapping callers used the dict as (`get`, `[]`, `in`, `len`,
iteration in the order reports were added, `values`, `items`), plus `metas()` and
`column()`, which read every report without parsing its sections. A small LRU keeps the
reports a search just used parsed. `JsonReports` gives the read interface over
`reports.json`, for a generation written before format 4 (served until the next build).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

FILE = "reports.sqlite"  # the base
DELTA = "reports-delta.sqlite"  # what was added since, and which base reports were dropped
COLUMNS = ("authority_key", "authority_label", "inspection_type", "published",
           "inspection_start", "year")
PARSED_REPORTS = 128  # reports kept parsed per generation (hits of a few result pages)
MMAP_BYTES = 1 << 30  # SQLite reads pages through a shared mapping, not private copies

TOTALS = ("passages", "pages", "region", "source")  # what a build's summary counts
CREATE = ("CREATE TABLE {}reports (report_id TEXT PRIMARY KEY, "
          + ", ".join(COLUMNS + TOTALS) + ", meta TEXT NOT NULL, report TEXT NOT NULL)")
CREATE_DROPPED = "CREATE TABLE {}dropped (report_id TEXT PRIMARY KEY) WITHOUT ROWID"
INSERT = f"INSERT INTO reports VALUES ({', '.join('?' * (len(COLUMNS) + len(TOTALS) + 3))})"
LIVE_BASE = "report_id NOT IN (SELECT report_id FROM {})"  # base rows not dropped


def uri(path: Path) -> str:
    """A read-only URI for a store file nobody writes any more (SQLite takes no locks)."""
    return f"file:{quote(str(path))}?mode=ro&immutable=1"


def column_values(report: dict) -> tuple:
    return (report.get("authority_key"), report.get("authority_name") or report.get("authority"),
            report.get("inspection_type"), report.get("published"),
            report.get("inspection_start"), report.get("year"))


def row(report: dict) -> tuple:
    """A report as a row of the `reports` table."""
    passages = sum(len(s["passages"]) for s in report["sections"])
    meta = {k: v for k, v in report.items() if k != "sections"}
    return ((report["report_id"],) + column_values(report)
            + (passages, report.get("pages", 0), report.get("region"), report.get("source"))
            + (json.dumps(meta, ensure_ascii=False), json.dumps(report, ensure_ascii=False)))


def connect(base: Path, delta: Path | None) -> sqlite3.Connection:
    """One connection reading a base (`main`) and its delta (`delta`: an empty one in
    memory when there is none), so every query reads the two alike."""
    db = sqlite3.connect(uri(base), uri=True, check_same_thread=False)
    db.execute("SELECT 1 FROM reports LIMIT 1")
    if delta is not None:
        db.execute("ATTACH DATABASE ? AS delta", (uri(delta),))
        db.execute("SELECT 1 FROM delta.reports, delta.dropped LIMIT 1")
    else:
        db.execute("ATTACH DATABASE ':memory:' AS delta")
        db.execute(CREATE.format("delta."))
        db.execute(CREATE_DROPPED.format("delta."))
    return db


def ordered(names: str, base: str = "main", delta: str = "delta",
            dropped: str = "delta.dropped") -> list[str]:
    """The queries reading `names` of every live report in the order they were added: the
    base's reports not dropped, then the delta's, each in the order of its rows."""
    return [f"SELECT {names} FROM {base}.reports WHERE {LIVE_BASE.format(dropped)} "
            "ORDER BY rowid", f"SELECT {names} FROM {delta}.reports ORDER BY rowid"]


def totals(generation: Path) -> tuple[int, int, int, list[dict]]:
    """(reports, passages, pages, the {source, authority} of every report of no known
    authority, by source) of a generation, read from the store's small columns."""
    db = connect(generation / FILE, _delta_of(generation / FILE))
    try:
        count, passages, pages = db.execute(
            f"SELECT count(*), total(passages), total(pages) FROM ({_live('passages, pages')})"
        ).fetchone()
        unknown = [{"source": source, "authority": json.loads(meta)["authority"]}
                   for source, meta in db.execute(
                       f"SELECT source, meta FROM ({_live('region, source, meta')}) "
                       "WHERE region IS NULL OR region = '' ORDER BY source")]
    finally:
        db.close()
    return count, int(passages), int(pages), unknown


def _live(names: str) -> str:
    """Every live report's `names`, in no particular order (only the small columns named
    are read: the big values stay on their overflow pages)."""
    return " UNION ALL ".join(q.removesuffix(" ORDER BY rowid") for q in ordered(names))


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


def _delta_of(base: Path) -> Path | None:
    delta = base.with_name(DELTA)
    return delta if delta.is_file() else None


class ReportStore(Mapping):
    """report_id -> stored report, read from a generation's reports.sqlite and the delta
    beside it (never change what it returns: a report may be shared with other requests
    through the cache)."""

    def __init__(self, path: Path):
        try:
            self._db = connect(path, _delta_of(path))
        except sqlite3.OperationalError as exc:  # a build pruned the generation meanwhile
            raise FileNotFoundError(f"{path}: {exc}") from exc
        self._db.execute(f"PRAGMA main.mmap_size={MMAP_BYTES}")
        self._lock = threading.Lock()
        self._parsed: OrderedDict[str, dict] = OrderedDict()

    def _rows(self, queries: list[str], args: tuple = ()) -> list[tuple]:
        with self._lock:
            return [found for sql in queries for found in self._db.execute(sql, args)]

    def _find(self, name: str, report_id: str) -> tuple | None:
        """A live report's value (the delta first: a report is live in one file at most)."""
        return next(iter(self._rows(
            [f"SELECT {name} FROM delta.reports WHERE report_id = ?", f"SELECT {name} FROM "
             f"main.reports WHERE report_id = ? AND {LIVE_BASE.format('delta.dropped')}"],
            (report_id,))), None)

    def __getitem__(self, report_id: str) -> dict:
        with self._lock:
            found = self._parsed.get(report_id)
            if found is not None:
                self._parsed.move_to_end(report_id)
                return found
        row = self._find("report", report_id)
        if row is None:
            raise KeyError(report_id)
        report = json.loads(row[0])
        with self._lock:
            self._parsed[report_id] = report
            while len(self._parsed) > PARSED_REPORTS:
                self._parsed.popitem(last=False)
        return report

    def __contains__(self, report_id) -> bool:
        return self._find("1", report_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter([rid for rid, in self._rows(ordered("report_id"))])

    def __len__(self) -> int:
        return sum(n for n, in self._rows(
            [f"SELECT count(*) FROM main.reports WHERE {LIVE_BASE.format('delta.dropped')}",
             "SELECT count(*) FROM delta.reports"]))

    def values(self):
        """Every report, sections included, parsed one at a time (not cached)."""
        return [json.loads(text) for text, in self._rows(ordered("report"))]

    def items(self):
        return [(r["report_id"], r) for r in self.values()]

    def metas(self) -> list[dict]:
        """Every report without its sections, in the order they were written."""
        return [json.loads(text) for text, in self._rows(ordered("meta"))]

    def column(self, name: str) -> dict:
        """report_id -> one of COLUMNS, for every report."""
        if name not in COLUMNS:
            raise ValueError(f"no column {name!r}")
        return dict(self._rows(ordered(f"report_id, {name}")))

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
        return {rid: column_values(r)[index] for rid, r in self.items()}

    def close(self) -> None:
        pass
