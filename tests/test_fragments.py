"""No fragments: judgement table cells become rows of the report's judgement table, list
introductions join what they introduce, short list items join their lead-in; passages
from PDFs know their page. Checked on block sequences as the readers produce them from
real reports, and on the real corpus (expected values read from the PDFs' text)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.index import report_store
from indexer.ingest.parse import parse_file
from indexer.ingest.sections import parse_sections, passage_id
from indexer.models import Block

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
KENT_LAC = (CORPUS / "jt39-ofsted-ilacs" / "inspection_reports" / "80476_kent"
            / "children's services inspection,  pdf - 23 august 2013.pdf")


def texts(sections):
    return [(s.key, s.heading, p.text) for s in sections for p in s.passages]


def test_an_ilacs_cover_table_becomes_judgement_rows():
    blocks = [Block("heading", "Inspection of Derby local authority children's services", 1),
              Block("heading", "Judgement"), Block("paragraph", "Grade"),
              Block("paragraph", "The impact of leaders on social work practice with "
                                 "children and families"),
              Block("paragraph", "Good"),
              Block("paragraph", "Overall effectiveness"),
              Block("paragraph", "Requires improvement to be good"),
              Block("paragraph", "Since the last inspection in 2019, leaders have improved "
                                 "the help children receive.")]
    _, sections, rows = parse_sections(blocks)
    assert texts(sections) == [("overview", "Judgement", "Since the last inspection in 2019, "
                                "leaders have improved the help children receive.")]
    assert [(r["label"], r["grade"]) for r in rows] == [
        ("The impact of leaders on social work practice with children and families", "Good"),
        ("Overall effectiveness", "Requires improvement to be good")]


def test_a_grade_alone_under_its_judgement_heading_is_a_row():
    blocks = [Block("heading", "1. Children who need help and protection"),
              Block("paragraph", "Requires Improvement"),
              Block("heading", "Summary"),
              Block("paragraph", "Children are seen quickly when risks are identified.")]
    _, sections, rows = parse_sections(blocks)
    assert [s.heading for s in sections] == ["Summary"]
    assert rows == [{"heading": "1. Children who need help and protection",
                     "label": "1. Children who need help and protection",
                     "grade": "Requires Improvement"}]


def test_list_introductions_join_what_they_introduce():
    blocks = [Block("heading", "Areas for improvement"),
              Block("paragraph", "In order to improve the quality of provision the local "
                                 "authority should take the following action."),
              Block("paragraph", "Immediately:"),
              Block("bullet", "improve the quality of supervision"),
              Block("bullet", "ensure that the voice of the child is heard."),
              Block("paragraph", "Within three months:"),
              Block("bullet", "improve participation in pathway planning.")]
    _, sections, _ = parse_sections(blocks)
    assert [t for _, _, t in texts(sections)] == [
        "In order to improve the quality of provision the local authority should take the "
        "following action.",
        "Immediately: improve the quality of supervision",
        "ensure that the voice of the child is heard.",
        "Within three months: improve participation in pathway planning."]


def test_short_items_join_their_lead_in_and_complete_items_stand():
    blocks = [Block("heading", "Areas for priority action"),
              Block("paragraph", "The partnership should address the waiting times for:"),
              Block("bullet", "community paediatrics;"),
              Block("bullet", "the neurodevelopmental assessment pathway;"),
              Block("bullet", "occupational therapy; and"),
              Block("bullet", "physiotherapy."),
              Block("heading", "What needs to improve?"),
              Block("bullet", "Foster carer recruitment."),
              Block("bullet", "The timeliness of life-story work for children.")]
    _, sections, _ = parse_sections(blocks)
    # the sub-items of "waiting times for:" are one recommendation (fragments._sub_items)
    assert [t for _, _, t in texts(sections)] == [
        "The partnership should address the waiting times for: community paediatrics; "
        "the neurodevelopmental assessment pathway; occupational therapy; and physiotherapy.",
        "Foster carer recruitment.",
        "The timeliness of life-story work for children."]


def test_unchanged_passages_keep_their_content_ids():
    blocks = [Block("heading", "Findings"), Block("paragraph", "Grade"),
              Block("paragraph", "Children are seen quickly when risks are identified.")]
    _, sections, _ = parse_sections(blocks)
    passage = sections[0].passages[0]
    assert passage.passage_id == passage_id(passage.text, {})


# ---- the real corpus ----------------------------------------------------------------

@pytest.mark.corpus
@pytest.mark.usefixtures("corpus_dir")
def test_kent_2013_recommendations_and_record_of_findings(corpus_dir):
    """Read from the PDF: p. 8 "Immediately:" introduces three bullets; p. 21 "Record of
    main findings" is a table: Overall effectiveness Adequate, Capacity to improve Good,
    Outcomes ... Adequate, Quality of provision Adequate, Leadership and management
    Adequate."""
    assert KENT_LAC.exists(), f"{KENT_LAC} is missing from the corpus"
    report = parse_file(str(KENT_LAC))
    found = {p.text: (s.key, p.page) for s, p in report.passages()}
    first = "Immediately: improve the quality of supervision and management oversight in " \
            "casework"
    assert found[first] == ("areas_for_improvement", 8)
    assert "Immediately:" not in found and "Within three months:" not in found
    rows = {(r["label"], r["grade"]) for r in report.judgement_rows}
    assert {("Overall effectiveness", "Adequate"), ("Capacity to improve", "Good"),
            ("Quality of provision", "Adequate"),
            ("Leadership and management", "Adequate")} <= rows


@pytest.mark.corpus
def test_fragments_are_under_a_fifth_of_a_percent_and_pages_known(corpus_build):
    index_dir, _ = corpus_build
    reports = report_store.load(index_dir)
    searchable = [p["text"] for r in reports.values() for s in r["sections"]
                  if s["key"] != "boilerplate" for p in s["passages"]]
    short = [t for t in searchable if len(re.findall(r"\w+", t)) <= 3]
    assert len(short) / len(searchable) < 0.002, short
    for r in reports.values():
        pages = [p.get("page") for s in r["sections"] for p in s["passages"]]
        assert all(1 <= page <= r["pages"] for page in pages), r["report_id"]
        assert pages == sorted(pages), r["report_id"]  # document order
