"""Hybrid ranking on real indexes: passages found by meaning as well as words, what a
match is, exact syntax kept exact, and each hit saying how it was found."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from werkzeug.datastructures import MultiDict
from whoosh import query as wq

from indexer.errors import BadRequest
from indexer.index import embedding
from indexer.models import SearchRequest
from indexer.search import adjacency, hybrid
from indexer.search.plan_cache import planned
from indexer.search.request import parse_params
from indexer.search.service import SearchIndex
from indexer.search.vocabulary import analyse

QUESTION = "young people leaving care get help with somewhere to live"


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def ids(results):
    return [(h.report_id, p.passage_id) for h in results.hits for p in h.passages]


def test_hybrid_finds_more_than_the_words_and_says_how(index):
    words = index.search(SearchRequest(query=QUESTION, per_page=100, mode="words"))
    both = index.search(SearchRequest(query=QUESTION, per_page=100))
    assert (words.mode, both.mode) == ("words", "hybrid")
    assert set(ids(words)) < set(ids(both))
    assert {h.matched for h in words.hits} == {"words"}
    assert {h.matched for h in both.hits} == {"words", "meaning", "both"}
    assert both.hits[0].matched == "both"


def test_a_passage_found_by_meaning_marks_its_closest_sentence(index):
    results = index.search(SearchRequest(query=QUESTION, per_page=100))
    meaning = [h for h in results.hits if h.matched == "meaning"]
    assert meaning
    for hit in meaning:
        marks = re.findall(r"<mark>(.*?)</mark>", hit.passages[0].snippet_html)
        assert len(marks) == 1 and len(marks[0]) > 20
        assert marks[0].replace("&#x27;", "'").replace("&amp;", "&") in hit.passages[0].text


def test_the_total_and_facets_count_every_match_of_both_kinds(index):
    results = index.search(SearchRequest(query=QUESTION, per_page=100))
    assert results.total == len(ids(results)) == sum(f.count for f in results.facets["year"])
    one_year = results.facets["year"][0]
    narrowed = index.search(SearchRequest(query=QUESTION, per_page=100,
                                          filters={"year": [int(one_year.value)]}))
    assert narrowed.total == one_year.count
    assert {h.year for h in narrowed.hits} == {int(one_year.value)}


@pytest.mark.parametrize("query", ['"out of hours"', "supervision AND caseloads",
                                   "section:strengths supervision", "supervis*",
                                   "NOT supervision"])
def test_exact_syntax_keeps_its_exact_meaning(index, query):
    hybrid_mode = index.search(SearchRequest(query=query, per_page=100))
    words = index.search(SearchRequest(query=query, per_page=100, mode="words"))
    assert hybrid_mode.mode == "words"
    assert (hybrid_mode.total, ids(hybrid_mode)) == (words.total, ids(words))


def test_words_mode_matches_only_words(index):
    results = index.search(SearchRequest(query="staff feel supported by their managers",
                                         per_page=100, mode="words"))
    assert results.mode == "words" and {h.matched for h in results.hits} == {"words"}


def test_the_mode_parameter_is_checked():
    assert parse_params(MultiDict({"q": "x"})).mode == "hybrid"
    assert parse_params(MultiDict({"q": "x", "mode": "Words"})).mode == "words"
    with pytest.raises(BadRequest, match="mode must be one of hybrid, words, not 'meaning'"):
        parse_params(MultiDict({"q": "x", "mode": "meaning"}))


def test_the_command_line_takes_a_mode(seed_index):
    def run(*extra):
        done = subprocess.run([sys.executable, "-m", "indexer", "search", QUESTION,
                               "--index", str(seed_index), "--json", *extra],
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout)
    words, both = run("--mode", "words"), run()
    assert (words["mode"], both["mode"]) == ("words", "hybrid")
    assert both["total"] > words["total"]


def test_adjacent_words_rank_above_the_same_words_apart():
    lexical_ids, lexical_scores = np.array([3, 7]), np.array([5.0, 5.0])
    cosines = np.full(10, 0.5, dtype=np.float32)  # all below the floor of 0.6
    together = np.zeros(10)
    together[7] = 1.0
    fusion = hybrid.Fusion(floor=0.6)
    fused = hybrid.fuse(lexical_ids, lexical_scores, hybrid.nearest(cosines, fusion), cosines,
                        together, fusion)
    assert fused.ids.tolist() == [3, 7]
    assert fused.scores[1] > fused.scores[0]
    assert fused.how.tolist() == [hybrid.WORDS, hybrid.WORDS]  # below the floor: not meaning


def test_fusion_scales_both_parts_and_finds_neighbours():
    cosines = np.array([0.9, 0.2, 0.6, 0.35, -1.0], dtype=np.float32)
    near = hybrid.nearest(cosines)
    fused = hybrid.fuse(np.array([1]), np.array([2.0]), near, cosines, None,
                        hybrid.Fusion(scale="floor"))
    assert fused.ids.tolist() == [0, 1, 2, 3]  # 4 is not allowed (-1), 1 is below the floor
    assert fused.how.tolist() == [hybrid.MEANING, hybrid.WORDS, hybrid.MEANING, hybrid.MEANING]
    assert fused.scores[0] == pytest.approx(1.0)  # the best cosine: the whole meaning part
    assert fused.scores[1] == pytest.approx(1.0)  # the best words score, no meaning
    assert fused.scores[2] == pytest.approx((0.6 - 0.3) / (0.9 - 0.3), rel=1e-5)


def test_the_spread_scale_counts_meaning_in_the_words_units():
    # cosines over six allowed passages (the last is not allowed): mean 0.4, sd 0.2
    cosines = np.array([0.8, 0.4, 0.4, 0.2, 0.2, 0.4, -1.0], dtype=np.float32)
    lexical_ids, lexical_scores = np.array([1, 2, 3]), np.array([4.0, 2.0, 0.0])
    fused = hybrid.fuse(lexical_ids, lexical_scores, np.array([0]), cosines, None)
    assert fused.ids.tolist() == [0, 1, 2, 3]
    spread = np.std([4.0, 2.0, 0.0]) / 4.0  # the words' spread over their best
    # passage 0: no words, a cosine two deviations above the mean
    assert fused.scores[0] == pytest.approx(2.0 * spread, rel=1e-4)
    # passages 1 and 2 sit at the mean (no meaning part); 3 is below it (none, not less)
    assert fused.scores[1:].tolist() == pytest.approx([1.0, 0.5, 0.0], abs=1e-4)


def test_a_short_finding_counts_its_meaning_in_full_a_short_context_line_in_proportion():
    # three passages of 5 words with the words and a cosine one deviation above the mean
    cosines = np.array([0.8, 0.8, 0.8, 0.2, 0.2, 0.2], dtype=np.float32)
    fused = hybrid.fuse(np.array([0, 1, 2]), np.array([2.0, 2.0, 2.0]),
                        np.array([], dtype=np.int64), cosines, None,
                        lengths=lambda at: np.full(at.size, 5.0),
                        statements=lambda at: at == 1)  # 1 is a finding, 0 and 2 context
    meaning = 1.0 * hybrid.MIN_SPREAD  # z-score 1 times the least spread (equal words)
    short = meaning * 5 / hybrid.FUSION.short
    assert fused.scores.tolist() == pytest.approx([1 + short, 1 + meaning, 1 + short])
    every = hybrid.fuse(np.array([0, 1, 2]), np.array([2.0, 2.0, 2.0]),
                        np.array([], dtype=np.int64), cosines, None,
                        lengths=lambda at: np.full(at.size, 5.0))
    assert every.scores.tolist() == pytest.approx([1 + short] * 3)  # no sections: all damped


def test_more_meaning_for_four_words_or_more():
    assert hybrid.for_words(3) is hybrid.FUSION
    assert hybrid.for_words(4).meaning == hybrid.FUSION.meaning * hybrid.FUSION.loose > 1


@pytest.mark.parametrize("words, need", [(1, None), (3, None), (4, 2), (7, 4), (10, 5)])
def test_minimum_should_match(words, need):
    assert hybrid.minimum_match(words) == need


@pytest.mark.parametrize("query, plain", [("care leavers", True), ("what's happening", True),
                                          ('"care leavers"', False), ("care OR leavers", False),
                                          ("year:2015 care", False), ("care*", False), ("", False)])
def test_which_queries_are_hybrid(query, plain):
    assert hybrid.applies(query) is plain


@pytest.mark.parametrize("query, asks", [("what should improve for care leavers", True),
                                         ("recommendations about private fostering", True),
                                         ("return home interviews need to improve", True),
                                         ("care leavers accommodation", False)])
def test_queries_that_ask_what_to_improve(query, asks):
    assert hybrid.asks_what_to_improve(query) is asks


def test_the_closest_sentence_is_the_one_nearest_in_meaning():
    text = ("The council's budget was reduced by 4.1% last year. Most young people leaving "
            "care live in suitable flats and are helped to manage their tenancies.")
    start, end = hybrid.closest_sentence(text, embedding.embed(["care leavers' housing"])[0])
    assert text[start:end].startswith("Most young people leaving care")


@pytest.mark.corpus
def test_doncaster_front_door_finds_the_hub_by_its_other_names(corpus_build):
    path, _ = corpus_build
    results = SearchIndex(path).search(SearchRequest(query="Doncaster front door", per_page=10))
    texts = [h.passages[0].text for h in results.hits]
    assert any("set up in June 2015" in t for t in texts)
    assert {h.authority_key for h in results.hits} == {"doncaster"}


@pytest.mark.corpus
def test_county_lines_together_rank_first(corpus_build):
    path, _ = corpus_build
    results = SearchIndex(path).search(SearchRequest(query="county lines", per_page=5))
    assert "county lines" in results.hits[0].passages[0].text.lower()


def test_a_misspelt_word_is_meant_as_its_correction(index):
    with index._lease() as generation:
        plan = planned(generation, "safegaurding arrangements", True)
        assert (plan.meant, planned(generation, "safeguarding arrangements", True).meant) == (
            "safeguarding arrangements", "")


def test_a_renamed_concepts_other_forms_stand_for_its_words_together(index):
    """"safeguarding partnership" is searched with "Local Safeguarding Children Board"
    (vocabulary): a passage that says the board has the query's words together, as one
    that says "safeguarding partnership" does; without expansion it has not."""
    query = "safeguarding partnership"
    with index._lease() as generation, generation.checkout() as reader:
        answer = index._search(generation, reader, SearchRequest(query=query))
        size = generation.table.size
        board = answer._evaluate(wq.Phrase("text", list(analyse("safeguarding children board")),
                                           slop=2))[0]
        pair = answer._evaluate(wq.Phrase("text", list(analyse(query)), slop=2))[0]
        expanded = adjacency.together(query, answer._evaluate, size)
        typed = adjacency.together(query, answer._evaluate, size, expand=False)
    assert (board & ~pair).any()
    assert (expanded[board] == 1.0).all() and (typed[board & ~pair] == 0.0).all()
    assert (expanded >= typed).all()  # the other forms (LSCB, LSCP, ...) add, never take
    assert adjacency.together("partnership", answer._evaluate, size) is None
