"""Highlighting (indexer.search.highlight): exact <mark> HTML for terms, prefixes and
phrases, and the bounded memo of analysed passages giving what the analyzers give."""
from __future__ import annotations

from indexer.index.analysis import make_analyzer, make_exact_analyzer
from indexer.search import highlight
from indexer.search.highlight import MEMO_CHARS, MEMO_PASSAGES, Highlighter, analysed

TEXT = ("Managers’ oversight of multi-agency plans is weak; management oversight & drift "
        "and delay <script> persist.")


def _fresh(text: str, analyzer) -> tuple:
    return tuple((t.text, t.pos, t.startchar, t.endchar)
                 for t in analyzer(text, positions=True, chars=True, mode="index"))


def test_analysed_tokens_are_the_analyzers_tokens():
    for text in (TEXT, TEXT * 40):  # remembered, and too long to remember
        assert len(TEXT) <= MEMO_CHARS < len(TEXT * 40)
        for _ in range(2):
            assert analysed(text) == _fresh(text, make_analyzer())
            assert analysed(text, exact=True) == _fresh(text, make_exact_analyzer())
    assert analysed(TEXT)[:3] == (("manag", 0, 0, 8), ("oversight", 1, 10, 19),
                                  ("multiag", 2, 23, 35))


def test_one_passage_marked_for_different_queries():
    oversight = Highlighter(terms={"oversight"})
    manag = Highlighter(prefixes={"manag"})
    phrase = Highlighter(phrases=[["drift", "delay"]], exact=[["drift", "and", "delay"]])
    for _ in range(2):  # the second time from the memo
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


def test_the_memo_is_bounded_and_skips_long_passages():
    highlight._memo.cache_clear()
    for n in range(MEMO_PASSAGES + 50):
        analysed(f"passage {n} about oversight")
    analysed("long " * MEMO_CHARS)
    info = highlight._memo.cache_info()
    assert (info.currsize, info.maxsize) == (MEMO_PASSAGES, MEMO_PASSAGES)
    assert info.misses == MEMO_PASSAGES + 50  # the long passage was not asked of the memo
