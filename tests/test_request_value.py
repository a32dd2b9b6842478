"""A SearchRequest is a value: frozen, equal when its fields are, and never rewritten by
the search that answers it (normalising returns a new request: indexer.search.normalise).
What the search found out along the way travels on its Matches: the request as searched,
an authority's name read among the words, and the "most words" coverage of each match."""
from __future__ import annotations

import dataclasses

import pytest
from werkzeug.datastructures import MultiDict

from indexer.models import SearchRequest
from indexer.search.request import parse_params
from indexer.search.service import SearchIndex

MOST_WORDS = "police sergeants seconded as multi-agency team managers"


def test_a_request_cannot_be_changed_in_place():
    request = SearchRequest(query="neglect", filters={"year": [2018]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.query = "abuse"  # type: ignore[misc]
    with pytest.raises(TypeError):
        request.filters["authority"] = ("durham",)  # type: ignore[index]
    assert request.filters == {"year": (2018,)} and request.selected("year") == [2018]


def test_equal_parameters_make_equal_requests():
    params = MultiDict([("q", "neglect"), ("authority", "derbyshire"), ("year", "2009-2013")])
    first, second = parse_params(params), parse_params(params)
    assert first == second and hash(first) == hash(second) and first.key() == second.key()
    assert first.year_ranges == ((2009, 2013),)
    assert parse_params(MultiDict([("q", "abuse")])) != first


def test_the_search_leaves_the_callers_request_as_it_was(seed_index):
    index = SearchIndex(seed_index)
    # an authority's alias (canonicalised), a year range (read as the index's years) and an
    # authority named among the words (read as a filter): all three make new requests
    asked = SearchRequest(query="Derbyshire systemic practice model", year_ranges=[(2009, 2020)])
    aliased = SearchRequest(query="oversight",
                            filters={"authority": ["Derbyshire County Council"]})
    before = (asked.key(), aliased.key())
    read = index.search(asked)
    assert read.authority_in_query["key"] == "derbyshire" and read.total > 0
    assert [f.value for f in read.facets["authority"] if f.selected] == ["derbyshire"]
    assert {int(f.value) for f in read.facets["year"] if f.selected} == {2009, 2010, 2011, 2013,
                                                                         2018}
    assert index.search(aliased).total == index.search(
        SearchRequest(query="oversight", filters={"authority": ["derbyshire"]})).total
    assert (asked.key(), aliased.key()) == before


def test_what_the_search_found_travels_on_its_matches(seed_index):
    index = SearchIndex(seed_index)
    most = index.matches(SearchRequest(query=MOST_WORDS))
    assert most.match == "most" and most.coverage is not None
    assert most.coverage.shape == most.scores.shape == most.selection.ids.shape
    assert most.coverage.max() > most.coverage.min() >= 1  # passages have more or fewer words
    assert most.request.query == MOST_WORDS and most.authority_words is None
    read = index.matches(SearchRequest(query="Derbyshire systemic practice model"))
    assert read.match == "all" and read.coverage is None
    assert read.request.query == "systemic practice model"
    assert read.request.filters == {"authority": ("derbyshire",)}
    assert read.authority_words["words"] == "Derbyshire"
