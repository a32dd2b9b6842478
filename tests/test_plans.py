"""Query plans remembered per generation (indexer.search.plan_cache): one plan per text and
`expand` in a generation, equal to a freshly built one, never changed by the searches that
share it, and none carried into the next generation. Real indexes of the seeds."""
from __future__ import annotations

import shutil

import pytest

from indexer.errors import BadRequest
from indexer.index.build import build
from indexer.models import SearchRequest
from indexer.search.plan_cache import planned, remembered
from indexer.search.querying import plan_query
from indexer.search.service import SearchIndex


def test_one_plan_per_text_and_expand_equal_to_a_fresh_one(seed_index):
    generation = SearchIndex(seed_index).generation()
    first = planned(generation, "CSE management oversight", True)
    assert planned(generation, "CSE management oversight", True) is first
    assert first == plan_query("CSE management oversight", generation.schema, True,
                               speller=generation.speller)
    assert first.expansions == ["child sexual exploitation"]
    unexpanded = planned(generation, "CSE management oversight", False)
    assert unexpanded is not first and unexpanded.expansions == []


def test_a_query_that_cannot_be_planned_fails_every_time(seed_index):
    generation = SearchIndex(seed_index).generation()
    held = remembered(generation)
    for _ in range(2):
        with pytest.raises(BadRequest):
            planned(generation, "section:", True)
    assert remembered(generation) == held


def test_searches_sharing_a_plan_answer_alike(seed_index):
    index = SearchIndex(seed_index)
    request = dict(query="CSE neglekt", filters={"year": [2018]})
    first = index.search(SearchRequest(**request))
    first.expansions.append("changed by a reader")
    again = index.search(SearchRequest(**request))
    assert again.expansions == ["child sexual exploitation", "neglect"]
    first.expansions.pop()
    assert again.to_dict() == first.to_dict()


def test_a_new_generation_starts_without_plans(seeds_dir, tmp_path):
    some = tmp_path / "some"
    some.mkdir()
    for path in sorted(seeds_dir.iterdir())[:2]:
        shutil.copy(path, some)
    build([str(some)], str(tmp_path / "index"), workers=1)
    index = SearchIndex(tmp_path / "index")
    old = index.generation()
    index.search(SearchRequest("oversight"))
    assert remembered(old) == 1
    for path in sorted(seeds_dir.iterdir())[2:]:
        shutil.copy(path, some)
    build([str(some)], str(tmp_path / "index"), workers=1)
    new = index.generation()
    assert new is not old and remembered(new) == 0
    index.search(SearchRequest("oversight"))
    assert remembered(new) == 1 and planned(new, "oversight", True) is not planned(
        old, "oversight", True)
