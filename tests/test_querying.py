"""Query planning: vocabulary expansion, section names, corrections, query modes, and what
the highlighter is told to mark; then the same through a real index of the seeds."""
from __future__ import annotations

import pytest
from whoosh import query as wq

from indexer.index.analysis import PART_MARK
from indexer.models import SearchRequest
from indexer.search.querying import plan_query
from indexer.search.ranking import RANKING
from indexer.index.schema import make_schema
from indexer.search.service import SearchIndex
from indexer.index.spelling import Speller
from indexer.search.vocabulary import Vocabulary, default_vocabulary

SCHEMA = make_schema()


def leaves(q: wq.Query) -> list[wq.Query]:
    if isinstance(q, (wq.Term, wq.Phrase)):
        return [q]
    return [leaf for child in q.children() for leaf in leaves(child)]


def text_phrases(q: wq.Query) -> list[tuple[list[str], float]]:
    return [(list(leaf.words), leaf.boost) for leaf in leaves(q)
            if isinstance(leaf, wq.Phrase) and leaf.fieldname == "text"]


def test_an_acronym_also_searches_its_long_form_with_less_weight():
    plan = plan_query("CSE", SCHEMA)
    assert plan.expansions == ["child sexual exploitation"]
    assert text_phrases(plan.query) == [(["child", "sexual", "exploit"], RANKING.expansion_boost)]
    assert plan.highlighter.terms == {"cse"}
    assert plan.highlighter.phrases == [["child", "sexual", "exploit"]]


def test_a_long_form_also_searches_its_acronyms():
    plan = plan_query("looked after children health", SCHEMA)
    assert plan.expansions == ["children in care", "CLA", "LAC", "child looked after"]
    assert {"cla", "lac", "health"} <= plan.highlighter.terms


def test_expand_false_searches_only_the_words():
    plan = plan_query("CSE", SCHEMA, expand=False)
    assert plan.expansions == []
    assert text_phrases(plan.query) == []
    assert plan.highlighter.phrases == []


@pytest.mark.parametrize("query", ['"CSE"', "NOT CSE", "section:strengths", "CSE*"])
def test_quoted_negated_fielded_and_prefix_words_are_not_expanded(query):
    assert plan_query(query, SCHEMA).expansions == []


def test_acronyms_that_are_english_words_expand_only_in_capitals():
    assert plan_query("send a letter", SCHEMA).expansions == []
    assert plan_query("SEND support", SCHEMA).expansions == [
        "special educational needs and disabilities", "special educational needs"]


def test_a_section_name_becomes_a_section_term():
    plan = plan_query("what needs to improve placement stability", SCHEMA)
    assert plan.expansions == ["section Areas for improvement"]
    assert wq.Term("section", "areas_for_improvement") in leaves(plan.query)
    assert {"placement", "stabil"} <= plan.highlighter.terms
    assert "improv" not in plan.highlighter.terms


def test_unknown_words_are_searched_with_their_correction():
    speller = Speller({"safeguarding": 9, "partnership": 4})
    plan = plan_query("safegaurding partnership", SCHEMA, speller=speller)
    assert (plan.expansions, plan.corrected) == (["safeguarding"], True)
    assert {"safegaurd", "safeguard", "partnership"} <= plan.highlighter.terms
    assert plan_query("safegaurding", SCHEMA, expand=False, speller=speller).expansions == []


def test_words_that_analyse_to_several_terms_are_phrases():
    plan = plan_query("s47 decision-making", SCHEMA, expand=False)
    assert [words for words, _ in text_phrases(plan.query)] == [["section", "47"],
                                                                 ["decis", "make"]]


@pytest.mark.parametrize("expand", [True, False])
def test_an_opaque_compound_is_also_searched_in_its_other_spelling(expand):
    """Its parts are marked in the index: "multi-agency" is searched as the marked parts and
    as the two words, "multi agency" as the two words and as the marked parts, whether or not
    the vocabulary is expanded; neither is listed as an expansion (the same word)."""
    glued = [PART_MARK + "multi", PART_MARK + "agenc"]
    for query in ("multi-agency", "MultiAgency", "multi agency"):
        plan = plan_query(f"{query} working", SCHEMA, expand=expand)
        phrases = [words for words, _ in text_phrases(plan.query)]
        assert glued in phrases, query
        assert (["multi", "agenc"] in phrases
                or {"multi", "agenc"} <= {leaf.text for leaf in leaves(plan.query)
                                          if isinstance(leaf, wq.Term)}), query
        assert plan.expansions == []
    assert [leaf.text for leaf in leaves(plan_query("agency", SCHEMA).query)
            if isinstance(leaf, wq.Term)] == ["agenc", "agenc"]  # text and heading


def test_or_mode_matches_any_word(seed_index):
    """On the seed index: mode="or" finds the passages with either word (the union of each
    word's), mode="and" those with both; "drift" and "delay" stand together in one."""
    generation = SearchIndex(seed_index).generation()

    def found(text: str, mode: str = "and") -> set[int]:
        q = plan_query(text, generation.schema, expand=False, mode=mode).query
        return set(generation.searcher.docs_for_query(q))

    drift, delay = found("drift"), found("delay")
    assert found("drift delay", mode="or") == drift | delay
    assert found("drift delay") == drift & delay
    assert len(drift & delay) == 1 and len(drift | delay) == 14


def test_the_vocabulary_file_loads_and_matches_across_spellings():
    vocabulary = default_vocabulary()
    assert len(vocabulary.concepts) >= 40
    [match] = vocabulary.find(["Independent", "Reviewing", "Officers'"])
    assert (match.first, match.last, match.alternatives) == (0, 2, ("IRO",))
    [match] = vocabulary.find(["IROs"])
    assert match.alternatives == ("independent reviewing officer",)


def test_one_way_forms_expand_to_the_concept_but_not_back():
    vocabulary = Vocabulary.load()
    assert vocabulary.find(["DSCB"])[0].alternatives[0] == "LSCB"
    assert "DSCB" not in vocabulary.find(["LSCB"])[0].alternatives


# --- through a real index of the seeds -------------------------------------------------

@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def test_search_reports_and_highlights_expansions(index):
    results = index.search(SearchRequest(query="CSE", per_page=50))
    assert results.expansions == ["child sexual exploitation"]
    assert (results.total, results.reports) == (3, 1)
    snippets = [p.snippet_html for h in results.hits for p in h.passages]
    assert all("<mark>child sexual exploitation</mark>" in s for s in snippets)
    assert sum("<mark>CSE</mark>" in s for s in snippets) == 1
    plain = index.search(SearchRequest(query="CSE", per_page=50, expand=False))
    assert (plain.total, plain.expansions) == (1, [])


def test_search_finds_the_glued_compound_of_seed_004(index):
    hits = index.search(SearchRequest(query="multi agency", per_page=100)).hits
    snippets = [p.snippet_html for h in hits for p in h.passages]
    assert any("<mark>MultiAgency</mark>" in s for s in snippets)
    assert index.search(SearchRequest(query="colocated")).total == (
        index.search(SearchRequest(query="co-located")).total) >= 1


# --- exact phrases ---------------------------------------------------------------------

def test_quoted_words_search_the_exact_fields_with_stop_words_and_no_stemming():
    plan = plan_query('"Drift and Delays" neglect', SCHEMA)
    exact = [(leaf.fieldname, list(leaf.words)) for leaf in leaves(plan.query)
             if isinstance(leaf, wq.Phrase)]
    assert exact == [("exact", ["drift", "and", "delays"]),
                     ("exact_heading", ["drift", "and", "delays"])]
    assert plan.highlighter.exact == [["drift", "and", "delays"]]
    assert plan.highlighter.terms == {"neglect"}


def test_quoted_words_are_not_expanded_or_corrected():
    speller = Speller({"safeguarding": 100})
    plan = plan_query('"CSE safegaurding"', SCHEMA, speller=speller)
    assert (plan.expansions, plan.corrected) == ([], False)
    assert {leaf.fieldname for leaf in leaves(plan.query)} == {"exact", "exact_heading"}


def test_a_hyphen_in_quotes_is_a_space_and_apostrophes_fold():
    words = [list(leaf.words) for leaf in leaves(plan_query('"life-story work"', SCHEMA).query)]
    assert words == [["life", "story", "work"]] * 2
    words = [list(leaf.words) for leaf in leaves(plan_query('"children’s services"', SCHEMA).query)]
    assert words == [["childrens", "services"]] * 2


def test_an_exact_phrase_highlights_only_where_its_words_stand_as_typed():
    highlighter = plan_query('"drift and delay"', SCHEMA).highlighter
    assert highlighter.snippet("Drift and delay; drift or delay; drift and delays.") == (
        "<mark>Drift and delay</mark>; drift or delay; drift and delays.")
    highlighter = plan_query('"life story work"', SCHEMA).highlighter
    assert highlighter.snippet("Life-story work, life stories work.") == (
        "<mark>Life-story work</mark>, life stories work.")


def test_a_quoted_phrase_keeps_its_stop_words_in_the_index(index):
    exact = index.search(SearchRequest(query='"drift and delay"', per_page=50))
    assert exact.total >= 1
    snippets = [p.snippet_html for h in exact.hits for p in h.passages]
    assert all("<mark>drift and delay</mark>" in s.lower() for s in snippets)
    assert index.search(SearchRequest(query='"drift or delay"')).total == 0
    unquoted = index.search(SearchRequest(query="drift delay", per_page=50))
    assert unquoted.total >= exact.total


def test_question_words_are_searched_but_not_marked_beside_other_words(seed_index):
    """"what happens when children go missing": every word is searched (decision 0037), but
    "what" and "when" are not marked while other words are; alone, they are marked."""
    generation = SearchIndex(seed_index).generation()
    plan = plan_query("what happens when children go missing", generation.schema)
    searched = {leaf.text for leaf in leaves(plan.query) if isinstance(leaf, wq.Term)}
    assert {"what", "when", "miss"} <= searched
    assert "miss" in plan.highlighter.terms
    assert not plan.highlighter.terms & {"what", "when"}
    text = "When children go missing, what happens next is not recorded."
    assert plan.highlighter.snippet(text) == (
        "When <mark>children</mark> <mark>go</mark> <mark>missing</mark>, what "
        "<mark>happens</mark> next is not recorded.")
    alone = plan_query("what when", generation.schema).highlighter
    assert alone.terms == {"what", "when"}
    quoted = plan_query('what "drift and delay"', generation.schema).highlighter
    assert quoted.terms == set() and quoted.exact == [["drift", "and", "delay"]]
