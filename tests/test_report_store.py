"""The shared report store (indexer/index/report_store.py) holds exactly the parsed reports,
in the order they were indexed; an incremental build copies it and changes only the
reports that changed; a search served from it returns what the stored reports say."""
from __future__ import annotations

import shutil

import pytest

from indexer.index import report_store, store
from indexer.ingest.parse import parse_file
from indexer.index.build import build
from indexer.index.report_store import JsonReports, ReportStore
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex


@pytest.fixture(scope="module")
def stored(seed_index, seeds_dir):
    generation = store.current_generation(seed_index)
    parsed = (parse_file(str(path)).to_dict() for path in sorted(seeds_dir.glob("*.txt")))
    reports = {report["report_id"]: report for report in parsed}
    shared = ReportStore(generation / report_store.FILE)
    yield reports, shared
    shared.close()


def test_the_store_holds_every_parsed_report_in_order(stored):
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
    generation = store.current_generation(copy)
    store.write_json(generation / "reports.json", report_store.load(generation))
    (generation / report_store.FILE).unlink()
    (generation / "checksums.json").unlink()  # such generations were built before checksums
    assert store.reports_file(generation) == generation / "reports.json"
    generation = SearchIndex(copy).generation()
    assert isinstance(generation.reports, JsonReports)
    found = SearchIndex(copy).search(parse_params(ArgParams({"q": "oversight"})))
    assert found.total == 12


def test_an_update_links_the_base_and_changes_only_what_changed(tmp_path, seeds_dir):
    """An incremental build's store is the previous base linked and a delta with the
    changed report dropped and inserted last, the removed one dropped and the new one
    added: the same reports and totals as a build from scratch, and the previous
    generation untouched."""
    docs, held = tmp_path / "docs", tmp_path / "held"
    shutil.copytree(seeds_dir, docs)
    held.mkdir()
    seeds = sorted(docs.glob("*.txt"))
    shutil.move(seeds[4], held / seeds[4].name)
    build([str(docs)], str(tmp_path / "index"), workers=1)
    before = store.current_generation(tmp_path / "index")
    old = report_store.load(before)
    old_bytes = (before / report_store.FILE).read_bytes()
    shutil.move(held / seeds[4].name, seeds[4])
    seeds[0].write_text(seeds[0].read_text(encoding="utf-8") + "\nA note on zyxwords.\n",
                        encoding="utf-8")
    seeds[1].unlink()
    updated = build([str(docs)], str(tmp_path / "index"), workers=1)
    after = store.current_generation(tmp_path / "index")
    fresh = build([str(docs)], str(tmp_path / "fresh"), workers=1)
    new, expected = report_store.load(after), report_store.load(fresh.index)

    assert (updated.added, updated.updated, updated.removed) == (1, 1, 1)
    assert new == expected and list(new) != list(expected)
    first, second, *kept = old
    assert list(new) == kept + [first, list(expected)[-1]]
    assert all(new[rid] == old[rid] for rid in kept) and new[first] != old[first]
    assert second not in new
    assert (updated.reports, updated.chunks, updated.pages, updated.unknown_authorities) == (
        fresh.reports, fresh.chunks, fresh.pages, fresh.unknown_authorities)
    assert (before / report_store.FILE).read_bytes() == old_bytes
    assert (after / report_store.FILE).samefile(before / report_store.FILE)
    assert sorted(p.name for p in after.iterdir() if p.is_file()) == [
        "checksums.json", "deletions.json", "format.json", "manifest.sqlite", "not_reports.json",
        "reports-delta.sqlite", "reports.sqlite", "vocabulary.json"]
