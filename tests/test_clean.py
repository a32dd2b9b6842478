"""Cleaning: bullet glyphs, hyphenation, footnote markers, whitespace."""
import re

import pytest

from indexer.ingest import clean
from indexer.ingest.clean import join_hyphenated, join_lines


def test_strip_bullet_glyphs():
    for glyph in ["▪", "◼", "•", "\uf06e", "\uf02d", "\uf0a7", "\uf0be", "\u0083", "(cid:131)"]:
        assert clean.strip_bullet(f"{glyph} Children are seen.") == (True, "Children are seen.")
    assert clean.strip_bullet("Children are seen.") == (False, "Children are seen.")
    assert clean.strip_bullet("▪") == (False, "▪")  # a lone glyph is not a bullet


def test_line_end_hyphenation_keeps_real_compounds():
    assert clean.join_lines(["work with multi-", "agency partners"]) == "work with multi-agency partners"
    assert clean.join_lines(["a timely assess-", "ment of need"]) == "a timely assessment of need"
    assert clean.join_lines(["they are well-", "led"]) == "they are well-led"
    assert clean.join_lines(["the Children-", "First team"]) == "the Children-First team"


def test_footnote_markers_removed():
    assert clean.normalise("Local Safeguarding Children Board1") == "Local Safeguarding Children Board"
    assert clean.normalise("Information about this area2") == "Information about this area"
    assert clean.normalise("What needs to improve?1") == "What needs to improve?"
    assert clean.normalise("section 47 and S47 enquiries in 2013") == "section 47 and S47 enquiries in 2013"
    assert clean.normalise("Key Stage 4 and covid19") == "Key Stage 4 and covid19"


def test_normalise_private_use_and_spaces():
    assert clean.normalise("a\uf0a7  b\u00a0\u00a0c\u0083 d") == "a b c d"
    assert clean.normalise("co\u00adordinated") == "coordinated"


def test_ends_sentence():
    assert clean.ends_sentence("It is good.")
    assert clean.ends_sentence("in particular:")
    assert clean.ends_sentence("it is ‘good’.")
    assert not clean.ends_sentence("and result in")


@pytest.mark.parametrize("left, right, vocab, joined", [
    ("multi-", "agency", set(), "multi-agency"),  # a compound prefix
    ("child-", "focused work", {"focused"}, "child-focused work"),  # right side is a word
    ("post-", "16 support", set(), "post-16 support"),  # a number
    ("assess-", "ment of risk", set(), "assessment of risk"),  # a word split in two
    ("co-", "ordinated", {"coordinated"}, "coordinated"),  # the document spells it unbroken
    ("pre-", "and post-adoption", set(), "pre- and post-adoption"),  # a suspended hyphen
])
def test_join_hyphenated(left, right, vocab, joined):
    assert join_hyphenated(left, right, vocab) == joined


def test_join_lines_collapses_whitespace_and_keeps_curly_apostrophes():
    assert join_lines(["  children’s  services ", "are   good. "]) == "children’s services are good."


# The patterns remove_footnote_markers and spaces used before they were written to scan
# faster (decision 0051, "Update (session 13)"): the same text must come out.
PLAIN_FOOTNOTE = re.compile(r"(?<=[a-z]{3})[1-9]\b(?![.,]?\d)|(?<=[?)])[1-9]\b")
PLAIN_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
EDGES = ["Board1 area2 improve?1 (see)2 in 2019 2.5 abc1.5 abc1,5 ab1 x)9 Abc1", "covid19 A1b",
         "a \t b\u00a0\u00a0c  d \u2003e \u202f", " ", "\t", "  x", "x\u00a0", "", "a b c"]


def test_footnotes_and_spaces_come_out_as_the_plain_patterns_give_them(seeds_dir):
    lines = [line for path in sorted(seeds_dir.iterdir())
             for line in path.read_text(encoding="utf-8").splitlines()] + EDGES
    assert sum(len(PLAIN_FOOTNOTE.findall(line)) for line in lines) > 5
    assert sum(bool(re.search("[\t\u00a0\u2000-\u200b\u202f]|  ", line)) for line in lines) > 5
    assert ([clean.remove_footnote_markers(line) for line in lines]
            == [PLAIN_FOOTNOTE.sub("", line) for line in lines])
    assert [clean.spaces(line) for line in lines] == [PLAIN_SPACES.sub(" ", line).strip()
                                                      for line in lines]
