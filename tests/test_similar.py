"""'More like this' on a real index of the seeds: similar passages come from other reports,
best match first, with the shared words marked."""
from __future__ import annotations

import pytest

from indexer.errors import NotFound
from indexer.models import SearchRequest
from indexer.search.service import SearchIndex


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


@pytest.fixture(scope="module")
def oversight_bullet(index):
    """Derbyshire 2018: 'Management oversight and the supervision of staff does not ...'."""
    hit = index.search(SearchRequest(query='"drift and delay"')).hits[0]
    assert hit.report_id == "derbyshire-focused-visit-2018-02-27"
    return hit.report_id, hit.passages[0].passage_id


def test_similar_passages_come_from_other_reports(index, oversight_bullet):
    report_id, passage_id = oversight_bullet
    similar = index.similar(report_id, passage_id, limit=5)
    assert len(similar) == 5
    assert [h for h in similar if h.report_id == report_id] == []
    assert all(h.section != "boilerplate" for h in similar)
    scores = [h.score for h in similar]
    assert scores == sorted(scores, reverse=True)


def test_the_best_match_is_the_oversight_passage_of_another_report(index, oversight_bullet):
    best = index.similar(*oversight_bullet, limit=1)[0]
    assert best.report_id == "derbyshire-sif-2013-11-19"
    assert best.section == "areas_for_improvement"
    assert best.passages[0].snippet_html.startswith(
        "Ensure that <mark>management</mark> <mark>oversight</mark> and decisions")
    assert best.passages[0].url.startswith("/reports/derbyshire-sif-2013-11-19#p-")


def test_limits_are_capped(index, oversight_bullet):
    assert len(index.similar(*oversight_bullet, limit=0)) == 1
    assert len(index.similar(*oversight_bullet, limit=10_000)) <= 50


def test_an_unknown_passage_is_not_found(index, oversight_bullet):
    with pytest.raises(NotFound):
        index.similar(oversight_bullet[0], "p-0000000000")
    with pytest.raises(NotFound):
        index.similar("atlantis-focused-visit-2030-01-01", oversight_bullet[1])
