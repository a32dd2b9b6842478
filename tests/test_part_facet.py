"""The `part` facet: which part of a report in parts (SIF: the local authority, then the
LSCB) a passage belongs to, derived from Section.path at chunk time and defined once in
the facet registry, so the LSCB's recommendations can be told from the local authority's.
On the seeds (Derbyshire 2014 is a SIF report in two parts) and a real SIF PDF."""
from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from indexer.__main__ import main
from indexer.errors import BadRequest
from indexer.index.build import build
from indexer.index.facet_registry import BY_NAME
from indexer.ingest.parse import chunk_report, parse_file
from indexer.domain.taxonomy import part_key
from indexer.models import SearchRequest
from indexer.search.request import parse_params
from indexer.search.service import SearchIndex

SANDWELL = ("jt39-ofsted-ilacs/inspection_reports/80549_sandwell/"
            "children's services inspection - 05 june 2015.pdf")


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def counts(results, name="part"):
    return {f.value: (f.count, f.selected) for f in results.facets[name]}


def test_part_key_reads_the_first_heading_of_the_path():
    assert part_key([]) == "none"
    assert part_key(["Summary"]) == "none"
    assert part_key(["The local authority"]) == "local_authority"
    assert part_key(["Section 2: The effectiveness of the Local Safeguarding Children Board",
                     "Areas for improvement"]) == "lscb"
    assert part_key(["The Local Safeguarding Children Board (LSCB)"]) == "lscb"
    assert part_key(["The local safeguarding children partnership"]) == "lscp"


def test_seed_passages_carry_their_part(seeds_dir):
    report = parse_file(str(next(seeds_dir.glob("004_*.txt"))))
    chunks = chunk_report(report)
    improve = [(c.part, c.text[:30]) for c in chunks if c.section_key == "areas_for_improvement"]
    assert [p for p, _ in improve] == ["local_authority"] * 9 + ["lscb"] * 7
    assert improve[9][1] == "Ensure that the DSCB membershi"
    assert {c.part for c in chunks if c.section_key == "boilerplate"} == {"none"}


def test_facet_counts_and_filters_tell_the_lscb_from_the_local_authority(index):
    everything = index.search(SearchRequest())
    # boilerplate and other sections hidden by default are not counted
    assert counts(everything) == {"none": (82, False), "local_authority": (140, False),
                                  "lscb": (18, False)}
    labels = {f.value: f.label for f in everything.facets["part"]}
    assert labels["lscb"] == "The Local Safeguarding Children Board (LSCB)"
    lscb = index.search(SearchRequest(filters={"part": ["lscb"],
                                               "section": ["areas_for_improvement"]}))
    assert lscb.total == 7 and {h.facets["part"] for h in lscb.hits} == {"lscb"}
    assert {h.heading_path[0] for h in lscb.hits} == {
        "The effectiveness of the Local Safeguarding Children Board"}
    la = index.search(SearchRequest(filters={"part": ["local_authority"],
                                             "section": ["areas_for_improvement"]}))
    assert la.total == 9
    assert not ({p.passage_id for h in la.hits for p in h.passages}
                & {p.passage_id for h in lscb.hits for p in h.passages})
    assert {h.facets["part"] for h in la.hits} == {"local_authority"}


def test_part_in_the_query_syntax_equals_the_filter(index):
    typed = index.search(SearchRequest(query="part:lscb section:areas_for_improvement"))
    assert typed.total == 7
    typed = index.search(SearchRequest(query="part:local_authority"))
    assert typed.total == 140


def test_unknown_part_is_refused_with_the_vocabulary(index):
    with pytest.raises(BadRequest, match=r"unknown part 'council' \(known: local_authority, "
                                         r"lscb, lscp, none\)"):
        index.search(SearchRequest(filters={"part": ["council"]}))
    assert parse_params(MultiDict([("part", "lscb")])).filters == {"part": ("lscb",)}


def test_cli_and_web_page_offer_the_part(seed_index, client, capsys):
    assert main(["search", "--part", "lscb", "--section", "areas_for_improvement",
                 "--index", str(seed_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 7
    page = client.get("/search?part=lscb").get_data(as_text=True)
    assert f'<h3 id="facet-part">{BY_NAME["part"].title}</h3>' in page
    assert "The Local Safeguarding Children Board (LSCB)" in page
    assert client.get("/search?part=council").status_code == 400


def test_a_real_sif_pdf_splits_its_recommendations_by_part(corpus_dir, tmp_path):
    """Sandwell 2015: priority actions 1-5 and 154-158 are the local authority's and the
    LSCB's (read from the PDF, pages 3 and 36)."""
    pdf = corpus_dir / SANDWELL
    build([str(pdf)], str(tmp_path / "ix"), workers=1)
    index = SearchIndex(tmp_path / "ix")
    for part, first in (("local_authority", "1."), ("lscb", "154.")):
        results = index.search(SearchRequest(filters={"part": [part],
                                                      "section": ["priority_action"]},
                                             sort="oldest"))
        assert results.total == 5
        assert any(p.text.startswith(first) for h in results.hits for p in h.passages)


def test_a_sif_2016_report_with_an_lscb_part_splits_its_recommendations(corpus_dir):
    """Torbay 2016: recommendations 1-16 are the local authority's (p.9), 132-136 the
    LSCB's (its own 'Recommendations' after 'The Local Safeguarding Children Board')."""
    pdf = corpus_dir / ("jt39-ofsted-ilacs/inspection_reports/80572_torbay/"
                        "children's services inspection - 05 january 2016.pdf")
    chunks = [c for c in chunk_report(parse_file(str(pdf)))
              if c.section_key == "areas_for_improvement"]
    numbers = {part: [int(c.text.split(".")[0]) for c in chunks if c.part == part]
               for part in ("local_authority", "lscb")}
    assert numbers == {"local_authority": list(range(1, 17)), "lscb": list(range(132, 137))}
