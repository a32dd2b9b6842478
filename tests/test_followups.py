"""Follow-ups by meaning and topic (indexer.answers.followups) and their status
(indexer.answers.followup_status), on sentences of real reports (Haringey's 2009 joint area review
and 2018 JTAI, Derbyshire's seeds) and the real embedding model."""
from __future__ import annotations

import re

from indexer.answers import followups
from indexer.answers.followup_status import status
from indexer.domain.topics import fold, topics

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


# Sandwell's 2015 SIF: an LSCB recommendation on the board's own audits, the board's audit
# finding, and (Milton Keynes' 2021 ILACS) the council's own audits
BOARD_ITEM = ("159. Implement the new multi-agency data set and quality assurance framework to "
              "ensure that the LSCB has a clear understanding of the performance of agencies "
              "and the findings from audit. Scrutinise partners’ use of audits in driving "
              "improvement.")
BOARD_AUDITS = "The LSCB has not effectively used audits to improve multi-agency practice."
COUNCIL_AUDITS = ("40. Challenges in management and staff capacity to undertake audits as "
                  "requested are evident; this means that the number of audits is not as high "
                  "as hoped for. Audits are not currently robustly evaluating practice.")
BOARD_THRESHOLDS = ("156. Scrutinise the understanding and application by partner agencies of "
                    "the LSCB threshold document.")
THRESHOLDS = ("Thresholds are well understood and applied by partner agencies, and referrals "
              "to the front door are appropriate.")


def _passing(text: str, addressee: str, *later: str) -> list[str]:
    report = {"report_id": "later", "inspection_start": "2025-04-15", "sections": [
        {"key": "findings", "heading": "Main findings", "path": [], "passages": [
            {"passage_id": f"p{n}", "text": t} for n, t in enumerate(later)]}]}
    pool = followups.Pool.of([report])
    [vector] = followups.embed_as_stored([text])
    rec = {"text": text, "addressee": addressee, "heading": "Recommendations", "path": []}
    return sorted(pool.rows[row][2]["text"] for _, row, _ in
                  followups.scored(rec, vector, pool, after="2015-01-27"))


def test_a_board_item_on_the_boards_own_work_needs_a_passage_on_the_board():
    assert topics(BOARD_ITEM) <= followups.BOARD_WORK
    assert _passing(BOARD_ITEM, "lscb", BOARD_AUDITS, COUNCIL_AUDITS) == [BOARD_AUDITS]
    # the same words addressed to the council may be followed by the council's audits
    assert _passing(BOARD_ITEM, "local_authority", BOARD_AUDITS, COUNCIL_AUDITS) == sorted(
        [BOARD_AUDITS, COUNCIL_AUDITS])
    # a board item that names a practice (thresholds) may be followed by that practice
    assert not topics(BOARD_THRESHOLDS) <= followups.BOARD_WORK
    assert _passing(BOARD_THRESHOLDS, "lscb", THRESHOLDS) == [THRESHOLDS]


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


def _one_at_a_time(rec: dict, vector, pool, after: str) -> list[tuple[float, int, list]]:
    """The re-ranking written out candidate by candidate (as it was before it was done on
    arrays): what `followups.scored` must give."""
    import math
    import numpy as np
    from indexer.models import dated

    def share(wanted, held, weights):
        total = sum(weights.get(t, 1.0) for t in wanted)
        return sum(weights.get(t, 1.0) for t in wanted & held) / total if total else 0.0
    cosines = pool.vectors @ vector
    wanted = topics(rec["text"]) | followups.heading_topics(rec)
    words = followups.telling_words(rec["text"])
    kept, rank, best = [], 0, None
    for row in np.argsort(-cosines, kind="stable"):
        report, section, passage = pool.rows[row]
        if dated(report).sort_key <= after:
            continue
        rank += 1
        best = float(cosines[row]) if best is None else best
        if rank > followups.CANDIDATES:
            break
        held = pool.topics[row]
        needed = followups.ADDRESSEE_TOPIC.get(rec.get("addressee", ""))
        if (wanted and not wanted & held) or (needed is not None and needed not in held):
            continue
        if (rec.get("addressee") == "lscb" and wanted <= followups.BOARD_WORK
                and not followups._BOARD.search(fold(passage["text"]))):
            continue
        union = wanted | held
        found = [1.0, float(cosines[row]), float(cosines[row]) - best, 1.0 / rank,
                 share(wanted, held, pool.weights), len(wanted & held) / len(union) if union
                 else 0.0, share(wanted, pool.headed[row], pool.weights),
                 share(words, pool.words[row], pool.idf),
                 section["key"] in followups.CONCERN_SECTIONS,
                 section["key"] in ("findings", "key_findings"),
                 section["key"] in ("overview", "strengths", "meets_requirements"),
                 bool(re.search(followups._LOOKS_BACK.pattern, passage["text"], re.I)),
                 math.log(1 + len(passage["text"]) / 500)]
        p = 1.0 / (1.0 + math.exp(-float(np.array(found) @ followups.WEIGHTS)))
        kept.append((p, int(row), found))
    kept.sort(key=lambda s: -s[0])
    return kept


def test_the_re_ranking_on_arrays_is_the_re_ranking_candidate_by_candidate(corpus_build):
    import numpy as np
    from indexer.answers import authority_history
    from indexer.answers.followup_store import StoredVectors
    from indexer.index.vectors import passage_text
    from indexer.models import dated
    from indexer.search.service import SearchIndex
    index = SearchIndex(corpus_build[0])
    records, vectors = index.records(), StoredVectors(index.generation_path())
    compared = shown = 0
    for key in ("haringey", "kent", "devon", "sandwell", "liverpool"):
        items = [records[m["report_id"]] for m in authority_history.by_authority(records)[key]]
        pool = followups.Pool.of(items[1:], vectors)
        for report in items[:-1]:
            for rec in authority_history.recommendations(report):
                [vector] = vectors([passage_text(rec["heading"] or "", rec["text"])])
                after = dated(report).sort_key
                fast = followups.scored(rec, vector, pool, after)
                slow = _one_at_a_time(rec, vector, pool, after)
                assert [row for _, row, _ in fast] == [row for _, row, _ in slow]
                assert np.allclose([p for p, _, _ in fast], [p for p, _, _ in slow],
                                   rtol=0, atol=1e-12)
                assert np.allclose(np.array([f for _, _, f in fast]).reshape(-1, 13),
                                   np.array([f for _, _, f in slow], float).reshape(-1, 13),
                                   rtol=0, atol=1e-12)
                compared += 1
                shown += bool(fast)
    assert compared > 120 and shown > compared // 3, (compared, shown)


def test_a_joint_finding_before_the_safeguarding_partnerships_is_for_council_and_partners(
        corpus_build):
    """Haringey's 2009 joint area review ("The council and its partners should ...") and
    2017 JTAI came before the safeguarding partnerships (September 2019): "Council and
    partners"; Blackpool's 2024 JTAI is for the safeguarding partnership."""
    from webui import create_app
    client = create_app({"OFSTED_INDEX": str(corpus_build[0]), "TESTING": True}).test_client()

    def labels(key: str, report_id: str) -> list[str]:
        data = client.get(f"/api/authorities/{key}").get_json()
        [inspection] = [i for i in data["inspections"] if i["report_id"] == report_id]
        return [r["addressee_label"] for r in inspection["recommendations"]
                if r["addressee"] == "partnership"]

    assert labels("haringey", "haringey-joint-area-review-2009-07-03") == [
        "Council and partners"] * 2
    assert set(labels("haringey", "haringey-jtai-2017-12-04")) == {"Council and partners"}
    assert set(labels("blackpool", "blackpool-jtai-2024-11-18")) == {"Safeguarding partnership"}
    page = client.get("/authorities/haringey").get_data(as_text=True)
    assert "For: Council and partners</span> <a href=\"/reports/haringey-joint-area-review" in page
    assert "For: Safeguarding partnership</span> <a href=\"/reports/haringey-joint-area" not in page
