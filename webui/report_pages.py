"""Pages of one long report: `/reports/<id>` and `/api/reports/<id>` show at most
PAGE_PASSAGES passages (indexer.search.links) at a time, so a giant
source (a 50 MB text file has ~177,000 passages) never becomes a 100 MB answer.

Every report of the real corpus has far fewer passages (at most ~320) and stays one page.
`?page=N` picks a page; `?passage=<passage id>` picks the page holding that passage, which is
how permalinks (webui.links.permalink) reach a passage deep in a paginated report."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.api import PAGE_PASSAGES, BadRequest, NotFound, Report
from indexer.api import paginated as record_is_paginated
from webui import get_index



@dataclass(frozen=True)
class ReportPage:
    """Page `number` of `count`, holding passages start..end-1 (in document order)."""

    number: int
    count: int
    start: int
    end: int
    total: int  # passages in the whole report

    def holds(self, ordinal: int) -> bool:
        return self.start <= ordinal < self.end


def page_size() -> int:
    return PAGE_PASSAGES


def passage_count(sections) -> int:
    """Passages of a report given as Section objects or stored dicts."""
    return sum(len(s.passages if hasattr(s, "passages") else s.get("passages") or [])
               for s in sections)


def paginated(report_id: str) -> bool:
    """Whether the report needs more than one page (False for an unknown id)."""
    try:
        record = get_index().record(report_id)
    except NotFound:
        return False
    return record_is_paginated(record)


def page_number(value: str | None, count: int) -> int:
    """?page= as a whole number from 1 to count (absent or empty: 1)."""
    if value is None or not value.strip():
        return 1
    text = value.strip()
    if not re.fullmatch(r"[0-9]{1,9}", text) or not 1 <= int(text) <= count:
        raise BadRequest(f"page must be a whole number from 1 to {count}, not {text[:40]!r}")
    return int(text)


def ordinal_of(report: Report, passage_id: str) -> int:
    """The passage's position in the report (0-based); NotFound when it is not there."""
    for ordinal, (_, passage) in enumerate(report.passages()):
        if passage.passage_id == passage_id:
            return ordinal
    raise NotFound(f"no passage {passage_id[:80]!r} in report {report.report_id!r}")


def choose(report: Report, args) -> ReportPage:
    """The page the request asks for: ?passage= wins over ?page=."""
    size, total = page_size(), passage_count(report.sections)
    count = max(1, -(-total // size))
    passage = args.get("passage")
    if passage:
        number = ordinal_of(report, passage) // size + 1
    else:
        number = page_number(args.get("page"), count)
    start = (number - 1) * size
    return ReportPage(number, count, start, min(total, start + size), total)


def cut(data: dict, page: ReportPage) -> dict:
    """Report.to_dict() holding only this page's passages (sections without any dropped)."""
    sections, ordinal = [], 0
    for section in data["sections"]:
        passages = section["passages"]
        kept = passages[max(0, page.start - ordinal):max(0, page.end - ordinal)]
        ordinal += len(passages)
        if kept:
            sections.append({**section, "passages": kept})
    return {**data, "sections": sections}
