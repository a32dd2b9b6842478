"""Follow-ups by meaning and topic (indexer.answers.followups) and their status
(indexer.answers.followup_status), on sentences of real reports (Haringey's 2009 joint area review
and 2018 JTAI, Derbyshire's seeds) and the real embedding model."""
from __future__ import annotations

from indexer.answers import followups
from indexer.answers.followup_status import status
from indexer.domain.topics import topics

SUPERVISION = ("The council's children's services should ensure that formal supervision "
               "arrangements are consistently in place and that all case decisions made in "
               "supervision are formally recorded on files.")
POLICE = ("Police officers generally fail to recognise the cumulative risk of other factors, "
          "such as domestic abuse, in families in which older children are known to be "
          "living with neglect.")
SUPERVISED = ("Social workers receive regular supervision by managers, but this is not always "
              "effective in progressing cases and improving outcomes for older neglected "
              "children.")
LATER = {"report_id": "haringey-jtai-2017-12-04", "title": "JTAI", "year": 2017,
         "inspection_start": "2017-12-04", "inspection_type": "jtai",
         "sections": [{"key": "areas_for_improvement", "heading": "Areas for improvement",
                       "path": [], "passages": [
                           {"passage_id": "p-police", "text": POLICE},
                           {"passage_id": "p-supervision", "text": SUPERVISED}]},
                      {"key": "context", "heading": "Information about this inspection",
                       "path": [], "passages": [
                           {"passage_id": "p-context", "text": "Inspectors looked at "
                            "supervision records and case decisions on files."}]}]}


def _follow(text: str, addressee: str = "local_authority") -> list[dict]:
    pool = followups.Pool.of([LATER])
    rec = {"text": text, "addressee": addressee}
    [vector] = followups.embed_as_stored([text])
    return followups.follow(rec, vector, pool, after="2009-07-03")


def test_a_passage_on_another_topic_or_agency_is_not_a_follow_up():
    assert topics(SUPERVISION) == {"supervision"} and "supervision" not in topics(POLICE)
    [shown] = _follow(SUPERVISION)
    assert (shown["passage_id"], shown["status"]) == ("p-supervision", "still_a_concern")
    assert shown["snippet_html"] == f"<mark>{SUPERVISED}</mark>"
    assert shown["url"] == "/reports/haringey-jtai-2017-12-04#p-supervision"


def test_a_recommendation_to_the_police_needs_a_passage_on_the_police():
    police = ("The Metropolitan Police Service should ensure that officers recognise "
              "neglect and domestic abuse in families of older children.")
    assert [s["passage_id"] for s in _follow(police, "police")] == ["p-police"]
    assert _follow(police, "police") != _follow("Improve early help for families.", "police")


def test_nothing_before_the_recommendation_is_a_follow_up():
    pool = followups.Pool.of([LATER])
    [vector] = followups.embed_as_stored([SUPERVISION])
    assert followups.follow({"text": SUPERVISION}, vector, pool, after="2018-01-01") == []


def test_status_and_the_sentence_that_says_so():
    rec = "Improve the quality of pathway plans for care leavers."
    assert status(rec, "Pathway plans for care leavers are now of good quality.",
                  "findings") == ("improved", "Pathway plans for care leavers are now of "
                                              "good quality.")
    assert status(rec, "Managers are visible. Pathway plans for care leavers are not "
                  "always effective.", "findings") == (
        "still_a_concern", "Pathway plans for care leavers are not always effective.")
    mixed = ("Strategic oversight of children at risk of exploitation is well developed. "
             "However, very few return home interviews take place.")
    assert status("Improve oversight of children at risk of exploitation.", mixed,
                  "findings") == ("mixed", mixed)
    assert status(rec, "Pathway plans are good.", "areas_for_improvement")[0] == \
        "still_a_concern"
    assert status(rec, "Pathway plans are weak.", "strengths")[0] == "improved"
