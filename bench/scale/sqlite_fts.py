"""The SQLite FTS5 baseline: the same passages and the same page of results, from the
standard library's sqlite3 with the porter tokenizer.

One search does the job our page does: BM25 top 10 (the same field weights: text 1.0,
heading 0.6, title 0.2), the total and the number of distinct reports, facet counts for year,
authority, type and section (counts over the query and every *other* facet's filter,
boilerplate hidden unless selected; docs/decisions/0005-facet-counts.md) and a
highlighted snippet of every hit (snippet()).
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

FACET_COLUMNS = {"year": "year", "authority": "authority", "inspection_type": "type",
                 "section": "section"}
PARAMS = {"year": "year", "authority": "authority", "type": "inspection_type",
          "section": "section"}
SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5(text, heading, title, tokenize = 'porter unicode61');
CREATE TABLE meta(id INTEGER PRIMARY KEY, report TEXT, year INTEGER, authority TEXT,
                  type TEXT, section TEXT, date INTEGER, passage TEXT);
"""


def build(docs, path: Path) -> float:
    """Load (chunk document dicts) into a fresh database; return the seconds it took."""
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    with db:
        for rowid, d in enumerate(docs, start=1):
            db.execute("INSERT INTO fts(rowid, text, heading, title) VALUES (?, ?, ?, ?)",
                       (rowid, d["text"], d["heading"], d["title"]))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (rowid, d["report_id"], d["year"], d["authority"],
                        d["inspection_type"], d["section"], d["date"], d["passage_ids"][0]))
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.close()
    return time.perf_counter() - started


class Baseline:
    """Answers one query (bench.scale.queries.Query) the way our search page does."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def filters(self, query) -> dict[str, list]:
        found = {facet: [] for facet in FACET_COLUMNS}
        for param, facet in PARAMS.items():
            values = query.params.get(param, [])
            found[facet] = [int(v) if facet == "year" else v for v in values]
        for facet, values in query.fts_filters.items():
            found[facet] = list(values)
        return found

    def search(self, query) -> dict:
        selected = self.filters(query)
        self._matches(query.fts, "boilerplate" in selected["section"])
        facets = {facet: self._counts(facet, selected) for facet in FACET_COLUMNS}
        where, args = self._where(selected)
        total, reports = self.db.execute(
            f"SELECT count(*), count(DISTINCT report) FROM m WHERE {where}", args).fetchone()
        return {"total": total, "reports": reports, "facets": facets,
                "hits": self._hits(query, where, args)}

    def _matches(self, fts: str | None, boilerplate: bool) -> None:
        """The matching passages (boilerplate hidden unless selected) into temp table m."""
        self.db.execute("DROP TABLE IF EXISTS temp.m")
        self.db.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY, report TEXT, year INTEGER,"
                        " authority TEXT, type TEXT, section TEXT, date INTEGER, passage TEXT)")
        hidden = "" if boilerplate else " WHERE meta.section != 'boilerplate'"
        if fts is None:
            self.db.execute(f"INSERT INTO m SELECT * FROM meta{hidden}")
        else:
            self.db.execute(
                "INSERT INTO m SELECT meta.* FROM meta JOIN "
                f"(SELECT rowid FROM fts WHERE fts MATCH ?) f ON meta.id = f.rowid{hidden}",
                (fts,))

    def _where(self, selected: dict, skip: str | None = None) -> tuple[str, list]:
        clauses, args = ["1"], []
        for facet, values in selected.items():
            if values and facet != skip:
                clauses.append(f"{FACET_COLUMNS[facet]} IN ({', '.join('?' * len(values))})")
                args.extend(values)
        return " AND ".join(clauses), args

    def _counts(self, facet: str, selected: dict) -> dict:
        where, args = self._where(selected, skip=facet)
        column = FACET_COLUMNS[facet]
        return dict(self.db.execute(
            f"SELECT {column}, count(*) FROM m WHERE {where} GROUP BY {column}", args))

    def _hits(self, query, where: str, args: list) -> list[tuple]:
        page = int(query.params.get("page", 1))
        sort = query.params.get("sort", "relevance")
        offset = (page - 1) * 10
        if query.fts is None or sort != "relevance":  # a page by date, then its snippets
            order = "date ASC, id ASC" if sort == "oldest" else "date DESC, id ASC"
            ids = [row[0] for row in self.db.execute(
                f"SELECT id FROM m WHERE {where} ORDER BY {order} LIMIT 10 OFFSET ?",
                [*args, offset])]
            marks = "substr(text, 1, 420)" if query.fts is None else \
                "snippet(fts, 0, '<mark>', '</mark>', ' … ', 64)"
            match = "" if query.fts is None else " AND fts MATCH ?"
            rows = dict(self.db.execute(
                f"SELECT rowid, {marks} FROM fts WHERE rowid IN ({', '.join('?' * len(ids))})"
                f"{match}", ids + ([query.fts] if query.fts else [])).fetchall()) if ids else {}
            return [(i, rows.get(i)) for i in ids]
        return self.db.execute(
            "SELECT m.id, snippet(fts, 0, '<mark>', '</mark>', ' … ', 64) FROM fts "
            f"JOIN m ON m.id = fts.rowid WHERE fts MATCH ? AND {where} "
            "AND rank MATCH 'bm25(1.0, 0.6, 0.2)' ORDER BY rank LIMIT 10 OFFSET ?",
            [query.fts, *args, offset]).fetchall()


def docs_of(index: Path):
    """The chunk documents our build indexed, read back from the reports of `index` (an
    index directory or a generation), one report at a time."""
    from indexer.index import report_store
    from indexer.index.build import _chunk_documents
    from indexer.models import Report

    index = Path(index)
    reports = report_store.open_reports(index / "current" if (index / "current").exists()
                                        else index)
    try:
        for report_id in reports:
            yield from _chunk_documents(Report.from_dict(reports[report_id]))
    finally:
        reports.close()


if __name__ == "__main__":  # python -m bench.scale.sqlite_fts INDEX DB: build, print s
    import sys

    print(round(build(docs_of(Path(sys.argv[1])), Path(sys.argv[2])), 3))
