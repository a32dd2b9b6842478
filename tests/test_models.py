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


def test_search_results_to_dict_is_asdict(seed_index):
    """SearchResults.to_dict (models.plain) gives what dataclasses.asdict gives, on real
    searches of every shape: hits with passages, facets, expansions, a suggestion, an
    authority read from the words, a browse; and a copy, never the results' own lists."""
    import dataclasses

    from indexer.models import SearchRequest
    from indexer.search.service import SearchIndex

    index = SearchIndex(seed_index)
    requests = [SearchRequest("management oversight"), SearchRequest("management Derbyshire"),
                SearchRequest("CSE"),
                SearchRequest('"drift and delay" OR neglekt'), SearchRequest(""),
                SearchRequest("children", filters={"year": [2018]}, sort="newest")]
    shapes = set()
    for request in requests:
        results = index.search(request)
        assert results.hits
        assert results.to_dict() == dataclasses.asdict(results)
        shapes |= {name for name in ("expansions", "suggestion", "authority_in_query")
                   if getattr(results, name)}
    assert shapes == {"expansions", "suggestion", "authority_in_query"}
    found = results.to_dict()
    found["hits"][0]["heading_path"].append("changed")
    found["hits"][0]["facets"]["year"] = "changed"
    assert "changed" not in results.hits[0].heading_path
    assert results.hits[0].facets["year"] != "changed"


def test_plain_treats_what_it_has_no_shortcut_for_as_asdict():
    import dataclasses

    import numpy as np

    from indexer.models import FacetValue, plain

    @dataclasses.dataclass
    class Odd:
        pair: tuple
        number: object
        nested: list

    value = Odd((1, [2, "x"]), np.int64(3), [FacetValue("2018", "2018", 4, True), (5,)])
    assert plain(value) == dataclasses.asdict(value)
    assert type(plain(value)["pair"]) is tuple and type(plain(value)["number"]) is np.int64
    assert plain(value)["nested"][0] == {"value": "2018", "label": "2018", "count": 4,
                                         "selected": True}
