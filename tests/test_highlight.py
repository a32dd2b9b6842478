"""Highlighting (indexer.search.highlight): exact <mark> HTML for terms, prefixes and
phrases, and highlight.analysed, which lays out words analysed one at a time and must give
exactly what the analyzers give for a whole passage (seeds, tricky text, the corpus)."""
from __future__ import annotations

import heapq

from indexer.index import report_store, store
from indexer.index.analysis import make_analyzer, make_exact_analyzer
from indexer.ingest.parse import parse_file
from indexer.search import highlight
from indexer.search.generations import Generation
from indexer.search.highlight import MEMO_WORDS, Highlighter, analysed

TEXT = ("Managers’ oversight of multi-agency plans is weak; management oversight & drift "
        "and delay <script> persist.")
TRICKY = [TEXT, "", "the a an", "The in-house s.47 and S. 20 work, multiagency and "
          "multi-agency, out-of-hours a-s children’s café", "s47-plan co-ordinated on-going "
          "e-safety 16-18 year-olds", "Re-referrals: re-referral rates; step-down/step-up",
          "and s. 20 the — S.47A of the co-operation", "   leading spaces, ‘quotes’ 'and' ’s"]


def _fresh(text: str, analyzer) -> tuple:
    return tuple((t.text, t.pos, t.startchar, t.endchar)
                 for t in analyzer(text, positions=True, chars=True, mode="index"))


def _same_as_the_analyzers(texts) -> None:
    index, exact = make_analyzer(), make_exact_analyzer()
    for text in texts:
        for _ in range(2):  # the words analysed, then remembered
            assert analysed(text) == _fresh(text, index), text
            assert analysed(text, exact=True) == _fresh(text, exact), text


def test_analysed_tokens_are_the_analyzers_tokens(seeds_dir):
    seeds = [p.text for path in sorted(seeds_dir.iterdir())
             for s in parse_file(str(path)).sections for p in s.passages]
    assert len(seeds) > 100
    _same_as_the_analyzers(TRICKY + seeds)
    assert analysed(TEXT)[:3] == (("manag", 0, 0, 8), ("oversight", 1, 10, 19),
                                  ("multiag", 2, 23, 35))
    assert analysed("the children")[0][1] == 1  # the first token keeps its position


def test_analysed_tokens_of_every_corpus_passage(corpus_build):
    reports = report_store.load(corpus_build[0])
    texts = [p["text"] for r in reports.values() for s in r["sections"] for p in s["passages"]]
    assert len(texts) > 10_000
    _same_as_the_analyzers(texts)


def test_one_passage_marked_for_different_queries():
    oversight = Highlighter(terms={"oversight"})
    manag = Highlighter(prefixes={"manag"})
    phrase = Highlighter(phrases=[["drift", "delay"]], exact=[["drift", "and", "delay"]])
    for _ in range(2):
        assert oversight.snippet(TEXT) == (
            "Managers’ <mark>oversight</mark> of multi-agency plans is weak; management "
            "<mark>oversight</mark> &amp; drift and delay &lt;script&gt; persist.")
        assert manag.snippet(TEXT) == (
            "<mark>Managers</mark>’ oversight of multi-agency plans is weak; <mark>management"
            "</mark> oversight &amp; drift and delay &lt;script&gt; persist.")
        assert phrase.snippet(TEXT) == (
            "Managers’ oversight of multi-agency plans is weak; management oversight &amp; "
            "<mark>drift and delay</mark> &lt;script&gt; persist.")
    assert Highlighter(terms={"absent"}).snippet(TEXT).count("<mark>") == 0


def test_the_word_memo_is_bounded():
    highlight._word.cache_clear()
    analysed(" ".join(f"word{n}" for n in range(MEMO_WORDS + 50)))
    info = highlight._word.cache_info()
    assert (info.currsize, info.maxsize) == (MEMO_WORDS, MEMO_WORDS)


def test_opening_a_generation_analyses_its_commonest_words(seed_index):
    """No cold snippets (issue 12): a generation's open puts its commonest words, as
    written and capitalised, in the memo, so snippets made of them analyse nothing."""
    highlight._word.cache_clear()
    highlight._exact_word.cache_clear()
    Generation(store.current_generation(seed_index)).close()
    counts = store.read_json(store.current_generation(seed_index) / "vocabulary.json", {})
    common = heapq.nlargest(50, counts, key=counts.__getitem__)
    before = highlight._word.cache_info().misses
    analysed(" ".join(common + [w.capitalize() for w in common]))
    assert highlight._word.cache_info().misses == before
    analysed("zyxwv qwertyuiop")  # words no vocabulary has are analysed on first use
    assert highlight._word.cache_info().misses == before + 2
