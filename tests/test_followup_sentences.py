"""The sentence of a follow-up that speaks to the recommendation
(indexer.answers.followup_sentences), on sentences of real reports (Milton Keynes' 2019 JTAI
and 2020 focused visit, Sandwell's 2013 and 2015 inspections) and the real embedding model."""
from __future__ import annotations

from indexer.answers import followups
from indexer.answers.followup_sentences import Sentences, relevance
from indexer.answers.followup_status import status
from indexer.index.vectors import embed_as_stored

ASSESSMENTS = "Assessments of children are not regularly updated."
UPDATED = ("Social workers regularly update assessments to identify the changing needs of "
           "children in care.")
VIEWS = ("Assessments contain children’s views and relevant information from others who are "
         "involved in their lives, to support planning.")
BOARD = ("Ensure that the corporate parenting board agrees a core dataset upon which to monitor "
         "and scrutinise outcomes effectively for looked after children and young people")
STRENGTHENED = ("The Corporate Parenting Board has been strengthened and children’s views now "
                "influence decision-making.")
PLEDGE = ("Care leavers influenced the looked after children’s and care leavers’ pledge, which "
          "reflects issues that are important to them.")


class Counted:
    """embed_as_stored, counting the texts it is given."""

    def __init__(self):
        self.texts: list[str] = []

    def __call__(self, texts):
        self.texts += texts
        return embed_as_stored(texts)


def _relevance(rec: str, passage: str) -> dict[str, float]:
    tell = followups.telling_words
    [found] = Sentences([passage], embed_as_stored, tell).of([0])
    [vector] = embed_as_stored([rec])
    return relevance(found, vector, dict.fromkeys(followups.topics(rec), 1.0),
                     dict.fromkeys(tell(rec), 1.0))


def test_each_passage_is_split_and_embedded_once():
    counted = Counted()
    cache = Sentences([f"{UPDATED} {VIEWS}", PLEDGE], counted, followups.telling_words)
    first = cache.of([0, 1, 0])
    assert [found[0] for found in first] == [(UPDATED, VIEWS), (PLEDGE,), (UPDATED, VIEWS)]
    assert cache.of([1]) == [first[1]]
    assert counted.texts == [UPDATED, VIEWS, PLEDGE]
    assert first[0][1].shape == (2, 256)


def test_the_sentence_on_the_recommendation_is_the_one_said():
    passage = f"{UPDATED} {VIEWS}"
    scores = _relevance(ASSESSMENTS, passage)
    assert sorted(scores) == sorted([UPDATED, VIEWS]) and scores[UPDATED] > scores[VIEWS]
    assert status(ASSESSMENTS, passage, "findings", scores) == ("improved", UPDATED)
    passage = f"{STRENGTHENED} {PLEDGE}"
    scores = _relevance(BOARD, passage)
    assert status(BOARD, passage, "findings", scores) == ("improved", STRENGTHENED)
    # without the sentences' relevance: the one sharing most topics, then words
    assert status(BOARD, passage, "findings") == ("improved", PLEDGE)


def test_a_mixed_passage_shows_its_sentence_on_the_recommendation():
    mixed = ("Strategic oversight of children at risk of exploitation is well developed. "
             "Very few return home interviews take place and they are not used well.")
    rec = "Ensure that return home interviews are offered to every child who goes missing."
    scores = _relevance(rec, mixed)
    assert status(rec, mixed, "findings", scores) == (
        "mixed", "Very few return home interviews take place and they are not used well.")
    assert status(rec, mixed, "findings") == ("mixed", mixed)


def test_the_follow_up_highlights_that_sentence():
    later = {"report_id": "sandwell-sif-2015-01-27", "title": "SIF", "year": 2015,
             "inspection_start": "2015-01-27", "inspection_type": "sif",
             "sections": [{"key": "findings", "heading": "Leadership, management and governance",
                           "path": [], "passages": [{"passage_id": "p-board",
                                                     "text": f"31. {STRENGTHENED} {PLEDGE}"}]}]}
    pool = followups.Pool.of([later])
    [vector] = embed_as_stored([BOARD])
    [row] = followups.follow({"text": BOARD, "addressee": "local_authority"}, vector, pool,
                             after="2013-08-02")
    assert row["status"] == "improved" and row["status_sentence"] == STRENGTHENED
    assert row["snippet_html"] == ("31. <mark>The Corporate Parenting Board has been "
                                   "strengthened and children’s views now influence "
                                   "decision-making.</mark> Care leavers influenced the looked "
                                   "after children’s and care leavers’ pledge, which reflects "
                                   "issues that are important to them.")
