"""indexer.search.relax as searches use it: an authority's name among the words keeps
scoping the search (its reports only) unless a passage has every word as typed. Real
indexes built from the seeds (Derbyshire's and Durham's reports), both modes."""
from __future__ import annotations

import shutil

import pytest

from indexer.index.build import build
from indexer.models import SearchRequest
from indexer.search.service import SearchIndex

DERBYSHIRE, DURHAM = "000_70145d054d2d3fd2.txt", "001_1d4ea15b518b3e3d.txt"


@pytest.fixture(scope="module")
def named_elsewhere(tmp_path_factory, seeds_dir):
    """Derbyshire's 2009 letter says "Durham" once beside adoption; Durham's report never
    mentions adoption."""
    docs = tmp_path_factory.mktemp("named_docs")
    shutil.copy(seeds_dir / DURHAM, docs / DURHAM)
    text = (seeds_dir / DERBYSHIRE).read_text(encoding="utf-8")
    marker = "- Cases are allocated to qualified staff who have manageable caseloads."
    assert marker in text
    (docs / DERBYSHIRE).write_text(text.replace(
        marker, marker + "\n- Adopters from Durham joined the adoption panel."), encoding="utf-8")
    index = tmp_path_factory.mktemp("named_index")
    build([str(docs)], str(index), workers=1)
    return SearchIndex(index, deadline=None)


@pytest.mark.parametrize("mode", ["words", "hybrid"])
def test_a_name_meant_as_words_is_searched_as_words(named_elsewhere, mode):
    found = named_elsewhere.search(SearchRequest(query="Durham adoption", mode=mode))
    assert found.authority_in_query is None
    assert [h.authority for h in found.hits][:1] == ["Derbyshire"]
    assert "Adopters from Durham" in found.hits[0].passages[0].text


@pytest.mark.parametrize("mode", ["words", "hybrid"])
def test_a_name_without_the_words_in_its_reports_keeps_scoping(named_elsewhere, mode):
    found = named_elsewhere.search(SearchRequest(query="Durham call centre", mode=mode))
    assert (found.total, found.hits) == (0, [])
    assert found.authority_in_query["key"] == "durham"
    assert named_elsewhere.search(SearchRequest(query="call centre", mode=mode)).total > 0
