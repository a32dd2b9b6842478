"""Stored reports are read tolerantly and every generation records its format: an index
written by the previous format is served (or rebuilt, saying why), one written by a newer
version is refused with a clear message, never a 500."""
from __future__ import annotations

import shutil

import pytest

from indexer.__main__ import main
from indexer.index import report_store, store
from indexer.index.build import build
from indexer.models import REPORT_FORMAT, Report
from webui import create_app

ADDED_SINCE_FORMAT_1 = ("authority_name", "region", "la_urn")


@pytest.fixture()
def index_copy(tmp_path, seed_index):
    """A private copy of the seed index (the tests rewrite its files)."""
    path = tmp_path / "index"
    shutil.copytree(seed_index, path, symlinks=True)
    return path


def rewrite(index_dir, fmt, change_report=None) -> str:
    """Rewrite the served generation's format.json (and its reports); a report id. The
    reports go into reports.json, as formats before 4 stored them (formats before 3 wrote
    no reports.sqlite), and checksums.json goes (written since issue 23)."""
    generation = store.current_generation(index_dir)
    reports = report_store.load(generation)
    (generation / report_store.FILE).unlink()
    (generation / "checksums.json").unlink()  # older versions recorded none
    store.write_json(generation / "format.json", fmt)
    for data in reports.values():
        if change_report:
            change_report(data)
    store.write_json(generation / "reports.json", reports)
    return sorted(reports)[0]


def as_format_1(data: dict) -> None:
    """What the previous format stored: no authority record fields, plus a field this
    version does not know (on the report and on a passage)."""
    for name in ADDED_SINCE_FORMAT_1:
        data.pop(name)
    data["retired_field"] = "kept by an older version"
    data["sections"][0]["passages"][0]["retired_field"] = 1


def test_from_dict_ignores_unknown_fields_and_defaults_missing_ones():
    report = Report.from_dict({"report_id": "r", "title": "T", "year": 2018, "unknown": 1,
                               "sections": [{"key": "findings", "passages": [
                                   {"passage_id": "p1", "text": "Text.", "unknown": 2}]}]})
    assert (report.report_id, report.title, report.year) == ("r", "T", 2018)
    assert (report.authority, report.published, report.judgements, report.region) == (
        "", None, {}, None)
    assert report.sections[0].heading == ""
    assert [(p.passage_id, p.text) for p in report.sections[0].passages] == [("p1", "Text.")]
    # a round trip loses nothing this version knows
    again = Report.from_dict(report.to_dict())
    assert again == report


def test_an_index_in_the_previous_format_is_served_then_rebuilt(index_copy, seeds_dir):
    report_id = rewrite(index_copy, "a bare fingerprint, as format 1 wrote", as_format_1)
    client = create_app({"OFSTED_INDEX": str(index_copy), "TESTING": True}).test_client()
    page = client.get(f"/reports/{report_id}")
    assert page.status_code == 200
    data = client.get(f"/api/reports/{report_id}").get_json()
    assert data["report_id"] == report_id and "retired_field" not in data
    assert (data["region"], data["la_urn"]) == (None, None)
    assert client.get("/api/search?q=oversight").get_json()["total"] == 12
    summary = build([str(seeds_dir)], str(index_copy), workers=1)
    assert summary.full_rebuild == ("the index stores reports in format 1; "
                                    f"this version writes format {REPORT_FORMAT}")
    assert store.read_format(store.current_generation(index_copy))["report_format"] == (
        REPORT_FORMAT)


def test_an_index_from_a_newer_version_is_refused_clearly(index_copy, capsys):
    fmt = dict(store.read_format(store.current_generation(index_copy)), report_format=99)
    rewrite(index_copy, fmt)
    client = create_app({"OFSTED_INDEX": str(index_copy), "TESTING": True}).test_client()
    message = (f"the index was written by another version of this program "
               f"(it stores reports in format 99; this version reads up to {REPORT_FORMAT}): "
               f"rebuild it with `python -m indexer build PATH --index DIR`")
    assert main(["search", "oversight", "--index", str(index_copy)]) == 2
    assert capsys.readouterr().err == f"error: {message} (index: {index_copy})\n"
    api = client.get("/api/search?q=oversight")  # the same words, without the server's paths
    assert api.status_code == 503
    assert api.get_json()["error"] == message
    page = client.get("/search?q=oversight")
    assert page.status_code == 503 and "rebuild it" in page.get_data(as_text=True)
    assert str(index_copy) not in page.get_data(as_text=True)
