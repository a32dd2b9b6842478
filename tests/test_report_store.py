"""The shared report store (indexer/index/report_store.py) holds exactly what reports.json
holds, and a search served from it returns what the stored reports say."""
from __future__ import annotations

import shutil

import pytest

from indexer.index import report_store, store
from indexer.index.report_store import JsonReports, ReportStore
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex


@pytest.fixture(scope="module")
def stored(seed_index):
    generation = store.current_generation(seed_index)
    reports = store.read_json(generation / "reports.json", {})
    shared = ReportStore(generation / report_store.FILE)
    yield reports, shared
    shared.close()


def test_the_store_holds_every_report_of_reports_json_in_order(stored):
    reports, shared = stored
    assert len(reports) == 5
    assert list(shared) == list(reports)
    assert len(shared) == 5
    assert shared.values() == list(reports.values())
    assert shared.items() == list(reports.items())
    for report_id, report in reports.items():
        assert report_id in shared
        assert shared[report_id] == report
        assert shared.get(report_id) == report


def test_an_unknown_report_is_missing_not_an_error(stored):
    _, shared = stored
    assert "no-such-report" not in shared
    assert shared.get("no-such-report") is None
    with pytest.raises(KeyError):
        shared["no-such-report"]


def test_metas_and_columns_need_no_sections_and_match_the_json_fallback(stored):
    reports, shared = stored
    metas = shared.metas()
    assert [m["report_id"] for m in metas] == list(reports)
    assert all("sections" not in m for m in metas)
    assert metas == JsonReports(reports).metas()
    assert metas[0] == {k: v for k, v in next(iter(reports.values())).items() if k != "sections"}
    for name in report_store.COLUMNS:
        assert shared.column(name) == JsonReports(reports).column(name)
    years = shared.column("year")
    assert years == {rid: r["year"] for rid, r in reports.items()}
    with pytest.raises(ValueError):
        shared.column("sections")


def test_a_hit_takes_its_heading_path_and_page_from_the_stored_report(seed_index, stored):
    reports, _ = stored
    results = SearchIndex(seed_index).search(parse_params(ArgParams({"q": "oversight"})))
    assert results.total == 12
    assert any(hit.heading_path for hit in results.hits)
    for hit in results.hits:
        report = reports[hit.report_id]
        where = {p["passage_id"]: (s.get("path") or [], p.get("page"))
                 for s in report["sections"] for p in s["passages"]}
        assert hit.heading_path == where[hit.passages[0].passage_id][0]
        assert [p.page for p in hit.passages] == [where[p.passage_id][1] for p in hit.passages]
        assert hit.authority_key == report["authority_key"]


def test_a_generation_without_the_store_is_served_from_reports_json(tmp_path, seed_index):
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy, symlinks=True)
    (store.current_generation(copy) / report_store.FILE).unlink()
    generation = SearchIndex(copy).generation()
    assert isinstance(generation.reports, JsonReports)
    found = SearchIndex(copy).search(parse_params(ArgParams({"q": "oversight"})))
    assert found.total == 12
