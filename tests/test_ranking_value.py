"""Ranking is a value (indexer.search.ranking): SearchIndex(ranking=...) ranks under the
weights it is given, and the one re-scoring step (Ranking.final) runs after whichever
matcher answered: the fast evaluator, Whoosh's own matchers, or "most words".

PINNED is the top five of sixteen seed queries under the default ranking, one of every
kind of query the engine reads (words, NOT, OR, a phrase, an acronym, a misspelling, an
authority's name, most words, a facet typed in the query, a wildcard, a section's name).
A pin cuts both ways: any change of order fails until it is re-pinned on purpose, with the
reason in the commit (the corpus relevance pins, tests/test_relevance.py, say whether the
change is better)."""
from __future__ import annotations

import dataclasses

import pytest

from indexer.models import SearchRequest
from indexer.search.ranking import RANKING
from indexer.search.service import SearchIndex

PINNED = {
    'management oversight': [
        'staffordshire-aui-cra-2010-07-13/p-17485e18af',
        'derbyshire-focused-visit-2018-02-27/p-5e0981f645',
        'derbyshire-sif-2013-11-19/p-7ab403a24e',
        'durham-aui-cra-2011-02-08/p-669db36492',
        'derbyshire-sif-2013-11-19/p-2272bd25ac',
    ],
    'oversight NOT management': [
        'derbyshire-sif-2013-11-19/p-0a3c70f04e',
        'derbyshire-sif-2013-11-19/p-ac1ee6fd8c',
        'derbyshire-focused-visit-2018-02-27/p-a9f6486a86',
    ],
    'children': [
        'derbyshire-sif-2013-11-19/p-c57d8ae9ee',
        'derbyshire-sif-2013-11-19/p-b1c809d2fe',
        'derbyshire-sif-2013-11-19/p-3789102bcc',
        'derbyshire-sif-2013-11-19/p-62b018b13c',
        'derbyshire-sif-2013-11-19/p-2bc44ccc12',
    ],
    '"child protection plans"': [
        'derbyshire-focused-visit-2018-02-27/p-226924778d',
        'derbyshire-focused-visit-2018-02-27/p-83462678b1',
        'derbyshire-sif-2013-11-19/p-8114cdacbd',
        'derbyshire-focused-visit-2018-02-27/p-16df68af30',
    ],
    'CSE': [
        'derbyshire-sif-2013-11-19/p-d47157aaaf',
        'derbyshire-sif-2013-11-19/p-98a9ac5524',
        'derbyshire-sif-2013-11-19/p-eac83a53a8',
    ],
    'saftey': [
        'durham-aui-cra-2011-02-08/p-db2a4c2349',
        'durham-aui-cra-2011-02-08/p-1e34fc40f9',
        'derbyshire-sif-2013-11-19/p-d27cc8e6fe',
        'derbyshire-focused-visit-2018-02-27/p-f1bc0041dd',
        'derbyshire-sif-2013-11-19/p-a4980dd9c6',
    ],
    'Derbyshire systemic practice model': [
        'derbyshire-sif-2013-11-19/p-0616fe611c',
        'derbyshire-focused-visit-2018-02-27/p-a7ea53563a',
        'derbyshire-sif-2013-11-19/p-786bcdbd04',
    ],
    'police sergeants seconded as multi-agency team managers': [
        'derbyshire-sif-2013-11-19/p-42f6a8e592',  # "multi-agency": its marked parts are
        'derbyshire-sif-2013-11-19/p-efdb4ea9ee',  # rarer than the plain words (0009)
        'derbyshire-sif-2013-11-19/p-eac83a53a8',
    ],
    'year:2009-2011 assessments': [
        'derbyshire-aui-cra-2009-10-27/p-1c44e26573',
        'derbyshire-aui-cra-2009-10-27/p-cbea61702a',
        'derbyshire-aui-cra-2009-10-27/p-abd12ed2c7',
        'durham-aui-cra-2011-02-08/p-4033b6a229',
        'staffordshire-aui-cra-2010-07-13/p-de3ed9f963',
    ],
    'assess*': [
        'derbyshire-aui-cra-2009-10-27/p-1c44e26573',
        'derbyshire-aui-cra-2009-10-27/p-cbea61702a',
        'derbyshire-aui-cra-2009-10-27/p-abd12ed2c7',
        'durham-aui-cra-2011-02-08/p-4033b6a229',
        'staffordshire-aui-cra-2010-07-13/p-de3ed9f963',
    ],
    'what needs to improve': [
        'derbyshire-focused-visit-2018-02-27/p-5c1b04abb5',
        'derbyshire-focused-visit-2018-02-27/p-529c3a1d01',
        'derbyshire-focused-visit-2018-02-27/p-5e0981f645',
        'derbyshire-sif-2013-11-19/p-7ab403a24e',
        'derbyshire-sif-2013-11-19/p-4c78980aa8',
    ],
    'section:strengths': [
        'derbyshire-aui-cra-2009-10-27/p-f2773eefb9',
        'derbyshire-aui-cra-2009-10-27/p-e125226a92',
        'derbyshire-aui-cra-2009-10-27/p-825b741dde',
        'durham-aui-cra-2011-02-08/p-6a37f7b915',
        'staffordshire-aui-cra-2010-07-13/p-fa0cd59aac',
    ],
    'thresholds OR referrals': [
        'durham-aui-cra-2011-02-08/p-e44c53a4a9',
        'derbyshire-aui-cra-2009-10-27/p-a8259ef734',
        'derbyshire-sif-2013-11-19/p-feb6099ec9',
        'staffordshire-aui-cra-2010-07-13/p-c67af60c53',
        'derbyshire-aui-cra-2009-10-27/p-abd12ed2c7',
    ],
    'domestic abuse': [
        'derbyshire-sif-2013-11-19/p-1924d9b217',
        'derbyshire-sif-2013-11-19/p-a4980dd9c6',
        'derbyshire-sif-2013-11-19/p-22e333d31e',
    ],
    'looked after children placement stability': [
        'derbyshire-sif-2013-11-19/p-38c9d8c85f',
        'derbyshire-sif-2013-11-19/p-c81fecf5aa',
        'derbyshire-sif-2013-11-19/p-59a7860cf3',
        'derbyshire-sif-2013-11-19/p-8c4b18bb53',
        'derbyshire-sif-2013-11-19/p-b7c4943e64',
    ],
    'early help': [
        'derbyshire-sif-2013-11-19/p-9f65920f01',
        'derbyshire-sif-2013-11-19/p-77b73b9242',
        'derbyshire-sif-2013-11-19/p-2e8eb690c3',
        'derbyshire-sif-2013-11-19/p-feb6099ec9',
        'derbyshire-sif-2013-11-19/p-f06f01fe8b',
    ],
}
MOST_WORDS = "police sergeants seconded as multi-agency team managers"


def top(index: SearchIndex, query: str, limit: int = 5) -> list[str]:
    results = index.search(SearchRequest(query=query, per_page=limit, mode="words"))
    return [f"{hit.report_id}/{hit.passages[0].passage_id}" for hit in results.hits]


@pytest.fixture(scope="module")
def default_index(seed_index) -> SearchIndex:
    return SearchIndex(seed_index)


@pytest.mark.parametrize("query", sorted(PINNED))
def test_the_top_results_of_the_seed_queries_are_pinned(default_index, query):
    assert top(default_index, query) == PINNED[query]


def test_a_ranking_of_other_weights_moves_the_pins(seed_index):
    """The pins notice a change of any weight: a different BM25 saturation and length
    normalisation reorder some of them."""
    other = SearchIndex(seed_index, ranking=dataclasses.replace(RANKING, k1=2.0, b=0.2))
    moved = [query for query in PINNED if top(other, query) != PINNED[query]]
    assert moved, "no pinned query changed under k1=2.0, b=0.2"


def sections(index: SearchIndex, query: str, limit: int = 50) -> list[str]:
    return [hit.section for hit in index.search(
        SearchRequest(query=query, per_page=limit, mode="words")).hits]


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast evaluator", "whoosh"])
@pytest.mark.parametrize("query, section", [
    ("management oversight", "findings"),  # matched by every word
    # "most words": the boost acts inside the words-first order. The two matchers order its
    # tie (five words each, findings and key_findings) differently: lift the one not first.
    (MOST_WORDS, None),
])
def test_a_section_boost_applies_after_whichever_matcher_ran(seed_index, fast_path, query,
                                                           section):
    plain = sections(SearchIndex(seed_index, fast_path=fast_path), query)
    section = section or next(s for s in plain if s != plain[0])
    assert plain[0] != section and section in plain
    boosted = dataclasses.replace(RANKING, facet_boosts={"section": {section: 100.0}})
    ranked = sections(SearchIndex(seed_index, fast_path=fast_path, ranking=boosted), query)
    assert sorted(ranked) == sorted(plain)  # the same matches, in another order
    assert ranked[0] == section


def test_a_boost_of_one_changes_nothing(seed_index):
    plain = dataclasses.replace(RANKING, facet_boosts={})
    neutral = dataclasses.replace(RANKING, facet_boosts={"section": {"findings": 1.0}})
    assert not neutral.rescores and not plain.rescores
    first, second = SearchIndex(seed_index, ranking=plain), SearchIndex(seed_index, ranking=neutral)
    assert all(top(first, query) == top(second, query) for query in PINNED)
