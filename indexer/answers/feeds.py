"""Alerts: the newest passages matching a search, by the publication date of their
report, for the Atom feed (webui/feeds.py). Passages of one report keep document order;
reports without a publication date use their inspection date, then their year."""
from __future__ import annotations

import numpy as np

from indexer.search.matches import Matches

FEED_SIZE = 50  # entries in one feed


def published_ordinal(report: dict) -> int:
    """yyyymmdd of the publication (or inspection) date; Jan 1st of the year otherwise."""
    when = report.get("published") or report.get("inspection_start") or ""
    digits = when.replace("-", "")
    if len(digits) == 8 and digits.isdigit():
        return int(digits)
    return int(report.get("year") or 0) * 10000 + 101


def newest(found: Matches, limit: int = FEED_SIZE) -> list[int]:
    """Index documents of the newest matching passages, newest report first."""
    docs = np.nonzero(found.final)[0]
    if not len(docs):
        return []
    table = found.table
    dates = {name: found.reports.column(name) for name in ("published", "inspection_start", "year")}
    by_code = np.array([published_ordinal({name: dates[name].get(rid) for name in dates})
                        for rid in table.report.values], dtype=np.int64)
    dates = by_code[table.report.codes[docs]]
    order = np.lexsort((docs, -dates))
    return [int(d) for d in docs[order[:limit]]]
