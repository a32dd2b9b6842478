"""The analyzer: each pair of variants analyses to the same terms, unrelated words do not,
phrase positions stay consistent, and a real index matches the variants both ways."""
from __future__ import annotations

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from indexer.index.analysis import PART_MARK as M
from indexer.index.analysis import make_analyzer
from indexer.search.querying import plan_query

ANALYZER = make_analyzer()


def terms(text: str, mode: str = "query") -> list[str]:
    return [t.text for t in ANALYZER(text, mode=mode)]


def positioned(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in ANALYZER(text, positions=True, mode="index")]


@pytest.mark.parametrize("one,other", [
    ("assessment", "assessments"),
    ("assessed", "assessing"),
    ("children's", "children’s"),
    ("children's", "childrens"),
    ("child's", "childs"),
    ("CAFÉ", "cafe"),
    ("naïve", "NAIVE"),
    ("Section 47", "s47"),
    ("s47", "s.47"),
    ("S.47", "s. 47"),
    ("multi-agency", "multiagency"),
    ("multi-agency", "MultiAgency"),
    ("co-located", "colocated"),
    ("well-being", "wellbeing"),
    ("decision-making", "decision making"),
    ("front-line", "frontline"),
    ("on-going", "ongoing"),
    ("co-ordinated", "coordinated"),
])
def test_variants_analyse_alike(one, other):
    assert terms(one) == terms(other)


@pytest.mark.parametrize("one,other", [
    ("children", "child"),
    ("care", "career"),
    ("section 47", "section 20"),
    ("s47", "s20"),
    ("multi-agency", "agency"),
    ("multi-agency", "multi agency"),  # they meet in the query (compound_spellings), below
    ("frontline", "line"),
    ("wellbeing", "being"),
    ("notable", "not able"),
    ("policy", "police"),
])
def test_unrelated_words_stay_apart(one, other):
    assert terms(one) != terms(other)


def test_hyphenated_words_keep_their_parts_and_the_joined_word_at_one_position():
    assert positioned("the multi-agency safeguarding hub") == [
        ("multiag", 1), (M + "multi", 1), (M + "agenc", 2), ("safeguard", 3), ("hub", 4)]
    assert positioned("MultiAgency hub") == [
        ("multiag", 0), (M + "multi", 0), (M + "agenc", 1), ("hub", 2)]
    assert positioned("child-centred decision-making") == [
        ("childcentr", 0), ("child", 0), ("centr", 1), ("decisionmak", 2), ("decis", 2),
        ("make", 3)]


def test_section_references_become_two_positions():
    assert positioned("s.47 enquiries") == [("section", 0), ("47", 1), ("enquiri", 2)]


def test_stop_words_inside_compounds_drop_out():
    assert terms("up-to-date") == ["up", "date"]
    assert terms("on-going", mode="index") == ["ongo"]


def test_not_is_kept_for_phrases():
    assert terms("not effective") == ["not", "effect"]


def test_character_spans_cover_each_part():
    text = "a MultiAgency hub"
    spans = [(t.text, text[t.startchar:t.endchar])
             for t in ANALYZER(text, chars=True, positions=True, mode="index")]
    assert spans == [("multiag", "MultiAgency"), (M + "multi", "Multi"),
                     (M + "agenc", "Agency"), ("hub", "hub")]


@pytest.fixture(scope="module")
def tiny_index():
    """Documents spelling compounds differently, one with s.47, unrelated ones."""
    schema = Schema(doc=ID(stored=True), text=TEXT(analyzer=make_analyzer(), phrase=True),
                    heading=TEXT(analyzer=make_analyzer()), title=TEXT(analyzer=make_analyzer()))
    ix = RamStorage().create_index(schema)
    writer = ix.writer()
    for doc, text in [("hyphen", "The multi-agency safeguarding hub works well."),
                      ("glued", "The MultiAgency safeguarding hub works well."),
                      ("spaced", "The multi agency safeguarding hub works well."),
                      ("s47", "Timely s.47 enquiries protect children's safety."),
                      ("other", "Agency staff are used in the safeguarding team."),
                      ("frontline", "Frontline staff know the county well."),
                      ("front-line", "Front-line managers are visible."),
                      ("front line", "Staff at the front line are supported."),
                      ("lines", "County lines exploitation is understood.")]:
        writer.add_document(doc=doc, text=text, heading="", title="")
    writer.commit()
    return ix


@pytest.mark.parametrize("query,expected", [
    ("multiagency", ["glued", "hyphen", "spaced"]),
    ("multi-agency", ["glued", "hyphen", "spaced"]),
    ("multi agency safeguarding hub", ["glued", "hyphen", "spaced"]),
    ("multi agency hub", ["glued", "hyphen", "spaced"]),
    ("section 47", ["s47"]),
    ("section 47 enquiries", ["s47"]),
    ("childrens", ["s47"]),
    ("agency staff", ["other"]),
    ("agency", ["other", "spaced"]),  # "multi agency": two words, as written
    ("frontline", ["front line", "front-line", "frontline"]),
    ("front-line", ["front line", "front-line", "frontline"]),
    ("front line", ["front line", "front-line", "frontline"]),
    ("county lines", ["lines"]),
    ("line", ["front line", "lines"]),
])
def test_a_real_index_matches_every_spelling(tiny_index, query, expected):
    """As searched (plan_query, vocabulary off): every spelling of a compound finds every
    spelling; a part of an opaque compound alone ("agency", "line") does not find it."""
    parsed = plan_query(query, tiny_index.schema, expand=False).query
    with tiny_index.searcher() as searcher:
        found = sorted(hit["doc"] for hit in searcher.search(parsed, limit=None))
    assert found == expected
