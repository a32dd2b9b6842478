"""indexer.domain.recommendations and the sub-item rule of indexer.ingest.fragments, on
small real-shaped sections (the real PDFs are checked in tests/test_section_truth.py)."""
from __future__ import annotations

from indexer.ingest import fragments
from indexer.domain.recommendations import addressee, is_recommendation, recommendations
from indexer.models import Passage, Section


def _tidied(key: str, heading: str, texts: list[str]) -> list[str]:
    section = Section(key, heading, [Passage("", t) for t in texts])
    fragments.tidy([section])
    return [p.text for p in section.passages]


def test_sub_items_stay_with_their_lead():
    assert _tidied("areas_for_improvement", "What needs to improve", [
        "Services to care leavers, including:",
        "sufficiency of accommodation and support available for young people",
        "assessment of risk and safety planning for young people",
        "access for young people to full information about their health histories.",
        "Permanence planning for children.",
    ]) == [
        "Services to care leavers, including: sufficiency of accommodation and support "
        "available for young people; assessment of risk and safety planning for young "
        "people; access for young people to full information about their health histories.",
        "Permanence planning for children.",
    ]


def test_time_labels_and_lead_ins_open_separate_items():
    assert _tidied("areas_for_improvement", "Areas for improvement", [
        "Immediately:",
        "improve the quality of supervision and management oversight in casework",
        "improve the quality of assessments and care planning so that interventions are focused",
    ]) == [
        "Immediately: improve the quality of supervision and management oversight in casework",
        "improve the quality of assessments and care planning so that interventions are focused",
    ]
    # outside a list section nothing is joined as a sub-item
    assert _tidied("findings", "Findings", ["Leaders focus on:", "the quality of plans"]) == [
        "Leaders focus on: the quality of plans"]


def test_a_numbered_repeat_of_the_heading_is_dropped():
    assert _tidied("areas_for_improvement", "Priorities for further improvement", [
        "13. Priorities for further improvement:",
        "The council and its partners should take immediate action to ensure that all "
        "children and young people are adequately safeguarded.",
    ]) == ["The council and its partners should take immediate action to ensure that all "
           "children and young people are adequately safeguarded."]


SECTION = {"key": "areas_for_improvement", "heading": "Areas for improvement", "path": []}


def test_standard_text_and_lead_ins_are_not_recommendations():
    assert not is_recommendation(SECTION, "The director of children's services should send "
                                 "the written statement of action to "
                                 "ProtectionOfChildren@ofsted.gov.uk by 6 March 2018.")
    assert not is_recommendation(SECTION, "22. In order to improve the quality of provision, "
                                 "the local authority should take the following action.")
    assert not is_recommendation(SECTION, "Areas for priority action")
    assert is_recommendation(SECTION, "The effectiveness of quality assurance arrangements.")
    assert not is_recommendation({**SECTION, "key": "findings"}, "Improve plans.")
    # a joint inspection letter's "Next steps" is Ofsted's standard request, all of it
    assert not is_recommendation({**SECTION, "heading": "Next steps"}, "The response should "
                                 "set out the actions for the partnership and, where "
                                 "appropriate, individual agencies.")


def test_addressees():
    jar = {"inspection_type": "joint_area_review"}
    assert [addressee(jar, SECTION, t) for t in (
        "The Metropolitan Police Service should ensure that borough police activity ...",
        "The NHS provider trusts should improve their collection of data.",
        "The Children's Trust should take immediate steps to develop a strategy.",
        "The Haringey Safeguarding Children Board should ensure that learning ...",
        "The council and its partners should take immediate action.",
        "The council's children's service should formally launch the manual.",
    )] == ["police", "health", "trust", "lscb", "partnership", "local_authority"]
    sif, lscb = {"inspection_type": "sif"}, {**SECTION, "path": ["The LSCB"]}
    assert addressee(sif, lscb, "Ensure that a S11 audit takes place.") == "lscb"
    assert addressee(sif, SECTION, "Ensure that nurses see children.") == "local_authority"
    assert addressee({"inspection_type": "area_send"}, SECTION, "Leaders should act.") == \
        "area_partnership"


def test_a_joint_finding_is_addressed_to_the_one_body_its_first_sentence_names():
    jtai = {"inspection_type": "jtai"}  # Milton Keynes 2019, York 2018
    assert [addressee(jtai, SECTION, t) for t in (
        "The voice of the child is not consistently captured by either paediatric or A&E "
        "practitioners, and this means that the views of the child are not informing the "
        "assessment of their mental health and well-being.",
        "Flags and markers are available on police systems to highlight risks to children "
        "from mental ill health, but these are not well used.",
        # independent reviewing officers are the council's, not the police
        "When actions in plans are not completed, for example actions from looked after "
        "children's health assessments, inspectors found little evidence of challenge by "
        "independent reviewing officers to address this.",
        "Assessments of children are not regularly updated.",
        # the council's side named too: working together is the partnership's (Bristol 2017)
        "Strategy discussions are taking place, but there are examples of significant delay "
        "in children being seen when a joint visit involving children's social care and the "
        "police is required.",
        # adult mental health services are a partner of the finding, not its addressee
        "When neglect of children is a result of parents' mental ill health, agencies do not "
        "always make referrals to adult mental health services.",
    )] == ["health", "police", "partnership", "partnership", "partnership", "partnership"]
    # not in a council's own inspection
    assert addressee({"inspection_type": "sif"}, SECTION, "Referrals made to the MASH by "
                     "A&E practitioners lack analysis.") == "local_authority"


def test_recommendations_of_a_stored_report():
    report = {"inspection_type": "jtai", "sections": [
        {"key": "findings", "heading": "Findings", "path": [],
         "passages": [{"passage_id": "p-1", "text": "Plans are weak.", "page": 3}]},
        {"key": "areas_for_improvement", "heading": "Areas for improvement", "path": [],
         "passages": [{"passage_id": "p-2", "text": "Health services under-utilise "
                       "record-keeping systems.", "page": 9}]},
    ]}
    assert [(r["passage_id"], r["addressee"], r["page"]) for r in recommendations(report)] \
        == [("p-2", "health", 9)]


def test_health_needs_are_the_childrens_not_a_health_body_on_the_real_letters(corpus_dir):
    from indexer.ingest.parse import parse_file
    jtai = corpus_dir / "d2i-ofsted-jtai" / "inspection_reports"
    found = {}
    for folder, name in (("80524_milton keynes", "18 december 2019"),
                         ("80441_bristol", "01 december 2017")):
        report = parse_file(str(jtai / folder / f"joint area child protection inspection - "
                                                 f"{name}.pdf")).to_dict()
        found.update((r["text"][:40], r["addressee"]) for r in recommendations(report))
    assert {start: found[start] for start in (
        # "... to meet children's needs, including their emotional and mental health needs"
        "The deep dive review of cases, therefore",
        "Child in need and child protection plans",  # "... and health needs assessments"
        # a health service named: still health
        "Health and developmental checks complete",
        "The capacity of school nurses affects th",
    )} == {"The deep dive review of cases, therefore": "partnership",
           "Child in need and child protection plans": "partnership",
           "Health and developmental checks complete": "health",
           "The capacity of school nurses affects th": "health"}
