"""Absolute links to reports and passages (exports, feeds, citations): Flask's url_for on
the report route, so the configured host and mount point apply. Relative paths come from
indexer.search.links.report_path, the one place the path's shape is written."""
from __future__ import annotations

from flask import url_for


def permalink(report_id: str, passage_id: str | None = None) -> str:
    """The report (at the passage, when given) as an absolute URL."""
    if passage_id:
        return url_for("reports.report", report_id=report_id, _external=True,
                       _anchor=passage_id)
    return url_for("reports.report", report_id=report_id, _external=True)
