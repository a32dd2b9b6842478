"""The rules models.py holds once: a report's date, and the report/passage paths
(indexer.search.links)."""
from __future__ import annotations

from indexer.models import ReportDate, dated
from indexer.search.links import report_path


def test_a_report_is_dated_by_inspection_then_publication_then_year():
    assert dated({"inspection_start": "2018-02-27", "published": "2018-04-03", "year": 2018}) == (
        ReportDate("2018-02-27", "inspection", 2018))
    assert dated({"inspection_start": None, "published": "2018-04-03", "year": 2018}) == (
        ReportDate("2018-04-03", "published", 2018))
    undated = dated({"year": 2011})
    assert (undated.iso, undated.kind, undated.text, undated.sort_key) == (
        None, None, "2011", "2011-01-01")


def test_report_paths_carry_the_query_and_the_passage():
    assert report_path("derbyshire-focused-visit-2018-02-27") == (
        "/reports/derbyshire-focused-visit-2018-02-27")
    assert report_path("a-b", "p-12", '"drift and delay"') == (
        "/reports/a-b?q=%22drift+and+delay%22#p-12")
    assert report_path("odd id/..", "p 1") == "/reports/odd%20id%2F..#p%201"
