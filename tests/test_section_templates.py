"""Sections right in the report templates that went wrong, checked against what the PDFs
print (PyMuPDF text of the pages named): part headings become each section's heading
path, sub-headings under a list section keep its key, and a bold judgement sentence is a
heading."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest.parse import parse_file
from indexer.ingest.sections import parse_sections
from indexer.models import Block

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
ILACS = CORPUS / "jt39-ofsted-ilacs" / "inspection_reports"
SANDWELL = ILACS / "80549_sandwell" / "children's services inspection - 05 june 2015.pdf"
CALDERDALE = ILACS / "80444_calderdale" / "children's services inspection - 19 december 2018.pdf"


def where(report, start: str):
    """(key, heading path and heading) of the first passage starting with `start`."""
    for section, passage in report.passages():
        if passage.text.startswith(start):
            return section.key, " › ".join(section.path + [section.heading])
    raise AssertionError(f"no passage starts with {start!r}")


def test_part_headings_and_list_sub_headings():
    blocks = [Block("heading", "The Local Safeguarding Children Board (LSCB)"),
              Block("heading", "What does the LSCB need to improve?"),
              Block("heading", "Priority and immediate action", 3),
              Block("heading", "Scrutiny and challenge", 3),
              Block("paragraph", "1. Ensure that the board challenges partners."),
              Block("heading", "Areas for improvement", 3),
              Block("heading", "Learning", 3),
              Block("paragraph", "2. Improve the learning from serious case reviews."),
              Block("heading", "What the inspection judgements mean"),
              Block("heading", "The LSCB"),
              Block("paragraph", "An outstanding LSCB leads effective arrangements.")]
    _, sections, _ = parse_sections(blocks)
    assert [(s.key, s.path, s.heading) for s in sections] == [
        ("priority_action", ["The Local Safeguarding Children Board (LSCB)",
                             "What does the LSCB need to improve?",
                             "Priority and immediate action"], "Scrutiny and challenge"),
        ("areas_for_improvement", ["The Local Safeguarding Children Board (LSCB)",
                                   "What does the LSCB need to improve?",
                                   "Areas for improvement"], "Learning"),
        ("boilerplate", [], "What the inspection judgements mean")]


@pytest.mark.corpus
@pytest.mark.usefixtures("corpus_dir")
def test_sandwell_sif_2015_keeps_its_printed_structure(corpus_dir):
    """Pages 3-5 and 36-37 print: "The local authority - Summary of findings",
    "What does the local authority need to improve?" / "Priority and immediate action"
    (items 1-5) / "Areas for improvement" (items 6-18), "The local authority's strengths"
    (items 19-23); "The Local Safeguarding Children Board (LSCB)" ... "What does the
    LSCB need to improve?" / "Priority and immediate action" / "Areas for improvement"."""
    assert SANDWELL.exists(), f"{SANDWELL} is missing from the corpus"
    report = parse_file(str(SANDWELL))
    key, path = where(report, "1. Ensure that the application of thresholds")
    assert key == "priority_action" and path.startswith(
        "The local authority › What does the local authority need to improve? › "
        "Priority and immediate action")
    key, path = where(report, "6. Improve the management oversight")
    assert key == "areas_for_improvement" and "› Areas for improvement ›" in path
    assert where(report, "19. The Children in Care Board")[0] == "strengths"
    assert where(report, "Strategic leaders have failed to ensure")[0] == "key_findings"
    lscb = [(s.key, s.path) for s in report.sections
            if s.path[:1] == ["The Local Safeguarding Children Board (LSCB)"]]
    assert {"priority_action", "areas_for_improvement"} <= {k for k, _ in lscb}
    assert where(report, "An outstanding local authority")[0] == "boilerplate"


@pytest.mark.corpus
@pytest.mark.usefixtures("corpus_dir")
def test_calderdale_findings_are_not_under_what_needs_to_improve(corpus_dir):
    """Page 3 prints the bold heading "The experiences and progress of children who need
    help and protection requires improvement to be good." above paragraphs 1-15; page 2's
    "What needs to improve" has three bullets."""
    assert CALDERDALE.exists(), f"{CALDERDALE} is missing from the corpus"
    report = parse_file(str(CALDERDALE))
    key, path = where(report, "1. Children in Calderdale benefit")
    assert key == "findings" and path.startswith("The experiences and progress of children "
                                                 "who need help and protection")
    improve = [p.text for s, p in report.passages() if s.key == "areas_for_improvement"]
    assert len(improve) == 3 and improve[1].startswith("Planning in strategy meetings")
