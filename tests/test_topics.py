"""Practice topics (indexer.domain.topics): the topics of a text are those whose pattern
matches it; the literal beginnings that spare a pattern its run never change them. Checked
against every pattern run on every text of the seeds and the corpus's sentences."""
from __future__ import annotations

import re
import tomllib

from indexer.domain import topics as module
from indexer.domain.topics import anchor, topics
from indexer.ingest.parse import parse_file
from indexer.search.service import SearchIndex


DATA = tomllib.loads(module.DATA.read_text(encoding="utf-8"))["topic"]
PATTERNS = {name: re.compile(r"(?<!\w)(?:" + "|".join(forms) + ")", re.I)
            for name, forms in DATA.items()}
NO_TOPIC = re.compile("|".join(tomllib.loads(module.DATA.read_text(encoding="utf-8"))
                               ["no_topic"]["phrases"]), re.I)


def every_pattern(text: str) -> frozenset[str]:
    """The topics by running each topic's pattern on the text, with no shortcut."""
    plain = NO_TOPIC.sub(" ", text.replace("’", "'").replace("‘", "'"))
    return frozenset(name for name, pattern in PATTERNS.items() if pattern.search(plain))


def test_the_literal_beginning_of_a_form():
    assert anchor("personal advis[oe]r") == "personal advis"
    assert anchor("managers?'? oversight") == "manager"
    assert anchor("\\bplans?\\b") == "plan"
    assert anchor("return(?: home)? interview") == "return"
    assert anchor("children's homes?") == "children's home"
    assert anchor("16- and 17-year-old") == "16- and 17-year-old"
    assert anchor("(?:team )?managers") is None
    assert anchor("[Ll]ife") is None
    assert anchor("care|leaver") is None


def test_a_phrase_that_names_no_topic_is_left_out():
    # Sandwell 2013: the plans are the council's arrangements, the topic is health
    assert topics("Ensure that plans are firmly in place to eliminate the backlog of initial "
                  "health assessments for children and young people coming into care") == {
        "assessment", "health"}
    assert topics("Ensure plans are in place for every child on a care order placed at home "
                  "with parents so that they are placed in accordance with regulations with "
                  "robust plans for revocation as appropriate") == {"plans"}
    assert topics("12. Ensure that permanence plans are in place for all children looked after "
                  "by the second review.") == {"plans", "permanence", "children_in_care"}


def test_the_topics_of_every_seed_passage_are_those_of_every_pattern(seeds_dir):
    texts = []
    for path in sorted(seeds_dir.glob("*.txt")):
        for section in parse_file(str(path)).sections:
            texts.append(section.heading or "")
            texts += [passage.text for passage in section.passages]
    assert len(texts) > 300
    assert [topics(t) for t in texts] == [every_pattern(t) for t in texts]
    assert sum(bool(topics(t)) for t in texts) > 200


def test_letters_a_case_blind_pattern_matches_beside_their_cases():
    # the Kelvin sign is a k, the long s an s, dotted and dotless capital I an i
    for text in ("\u212aINSHIP carers and care leavers", "mi\u017fsing from home",
                 "L\u0130FE STORY work", "l\u0131fe story work", "THE SCHOOL"):
        assert topics(text) == every_pattern(text) != frozenset()
    assert topics("the council's scrutiny") == {"governance"}
    assert topics("a Kafkaesque plain passage") == frozenset()


def test_the_topics_of_every_corpus_passage_are_those_of_every_pattern(corpus_build):
    records = SearchIndex(corpus_build[0]).records()
    texts = [passage["text"] for report in records.values() for section in report["sections"]
             for passage in section["passages"]]
    assert len(texts) > 15000
    assert [topics(t) for t in texts] == [every_pattern(t) for t in texts]


def test_a_lower_case_pattern_matches_the_folded_text_where_a_case_blind_one_matches(seeds_dir):
    from indexer.answers.followups import _LOOKS_BACK
    blind = re.compile(_LOOKS_BACK.pattern, re.I)
    texts = [passage.text for path in sorted(seeds_dir.glob("*.txt"))
             for section in parse_file(str(path)).sections for passage in section.passages]
    texts += ["SINCE THE LAST INSPECTION", "ſtill", "Still \u212aent", "At The Previous visit"]
    found = [bool(_LOOKS_BACK.search(module.fold(t))) for t in texts]
    assert found == [bool(blind.search(t)) for t in texts]
    assert sum(found) > 20
    assert module.fold("L\u0130FE \u212aent mi\u017f\u017fing") == "life kent missing"
