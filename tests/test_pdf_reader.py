"""The PDF reader on real Ofsted PDFs from ../shared/corpus: headings found from fonts,
bullets, paragraphs rejoined across lines and page breaks, page furniture dropped, and
a real HTML page saved as .pdf refused. Each file is parsed once per session; the refusals
of generated PDFs (empty, random, truncated, encrypted, scanned, missing) are in
test_pdf_synthetic.py, which needs no shared data."""
from __future__ import annotations

import csv
import functools
import os
import re
from pathlib import Path

import pytest

from indexer.errors import UnreadableFile
from indexer.models import RawDocument
from indexer.ingest.readers.pdf import read_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = [pytest.mark.corpus, pytest.mark.usefixtures("corpus_dir")]

FV = "d2i-ofsted-focused-visits/inspection_reports"
ILACS = "jt39-ofsted-ilacs/inspection_reports"
JTAI = "d2i-ofsted-jtai/inspection_reports"
NORFOLK_FV = f"{FV}/80418_norfolk/children's services focused visit - 31 october 2019.pdf"
DORSET_FV = f"{FV}/2532283_dorset/children's services focused visit - 22 june 2023.pdf"
STAFFS_FV = f"{FV}/80561_staffordshire/children's services focused visit - 27 january 2026.pdf"
DEVON = f"{ILACS}/80461_devon/children's services inspection - 17 march 2020.pdf"
ISLINGTON = f"{ILACS}/80505_islington/children's services inspection - 14 july 2017.pdf"
SUNDERLAND = f"{ILACS}/80566_sunderland/children's services inspection - 25 july 2018.pdf"
WEST_SUSSEX = f"{ILACS}/80578_west sussex/children's services inspection - 11 may 2023.pdf"
LEEDS = f"{ILACS}/80481_leeds/children's services inspection - 12 august 2025.pdf"
SANDWELL = f"{ILACS}/80549_sandwell/children's services inspection - 05 june 2015.pdf"
SANDWELL_2013 = f"{ILACS}/80549_sandwell/children's services inspection,  pdf - 02 august 2013.pdf"
BLACKPOOL_JTAI = f"{JTAI}/80431_blackpool/joint area child protection inspection - 31 january 2025.pdf"
HARINGEY_JAR = f"{JTAI}/80498_haringey/joint area review - progress inspection,  pdf - 03 july 2009.pdf"
HTML_QUIRK = "jt39-ofsted-ilacs/quirks/80429_birmingham/children's services inspection - 19 october 2012.pdf"


@functools.lru_cache(maxsize=None)
def parsed(relative: str) -> RawDocument:
    return read_pdf(str(CORPUS / relative))


def headings(doc: RawDocument) -> list[tuple[int, str]]:
    return [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]


def under(doc: RawDocument, heading: str) -> list:
    """The blocks between a heading and the next heading."""
    start = next(i for i, b in enumerate(doc.blocks) if b.kind == "heading" and b.text == heading)
    out = []
    for block in doc.blocks[start + 1:]:
        if block.kind == "heading":
            break
        out.append(block)
    return out


def texts(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks]


# ---- one document at a time -----------------------------------------------------------

def test_focused_visit_letter_has_its_headings_in_order():
    doc = parsed(NORFOLK_FV)
    assert headings(doc) == [
        (1, "Focused visit to Norfolk children’s services"),
        (2, "Overview"),
        (2, "What needs to improve in this area of social work practice"),
        (2, "Findings"),
    ]
    assert doc.source == "children's services focused visit - 31 october 2019.pdf"
    assert doc.pages == 4


def test_focused_visit_bullets_under_what_needs_to_improve():
    blocks = under(parsed(NORFOLK_FV), "What needs to improve in this area of social work practice")
    assert [(b.kind, b.text) for b in blocks] == [
        ("bullet", "The timeliness and quality of assessments undertaken by family assessment "
                   "and safeguarding teams."),
        ("bullet", "The consistency, quality and impact of management oversight in the family "
                   "assessment and safeguarding teams"),
    ]
    findings = under(parsed(NORFOLK_FV), "Findings")
    assert [b.kind for b in findings] == ["bullet"] * 12 + ["paragraph"] * 3


def test_bullet_broken_by_a_page_break_is_one_block():
    doc = parsed(NORFOLK_FV)
    [block] = [b for b in doc.blocks if b.text.startswith("The multi-agency child exploitation")]
    assert block.kind == "bullet" and block.page == 3
    assert block.text.endswith("the way in which information and intelligence are shared, "
                               "analysed and used to safeguard and protect children and young "
                               "people and disrupt the activity of perpetrators.")


def test_bullet_line_indented_with_spaces_continues_its_bullet():
    # p.10: the bullet's second line is written from the left margin with ten spaces in
    # front of its words; read from its box it looked outdented and ended the bullet
    doc = parsed(SANDWELL_2013)
    found = [b for b in doc.blocks if "backlog of initial" in b.text
             or b.text.startswith("health assessments for children")]
    assert [(b.kind, b.page, b.text) for b in found] == [
        ("bullet", 10, "Ensure that plans are firmly in place to eliminate the backlog of "
                       "initial health assessments for children and young people coming into care")]


def test_paragraph_broken_by_a_page_break_is_one_block():
    doc = parsed(DEVON)
    [block] = [b for b in doc.blocks if "Social workers are not gathering evidence" in b.text]
    assert block.page == 1 and block.kind == "paragraph"
    assert block.text.startswith("Some children who have suffered chronic neglect")
    assert "lack clarity about when to turn concerns into legal action. Social workers are not " \
           "gathering evidence of neglect systematically. The use of pre-proceedings" in block.text
    assert block.text.endswith("the quality of case audits.")


def test_numbered_paragraphs_without_blank_lines_are_separate_blocks():
    numbers = [int(m.group(1)) for t in texts(parsed(DEVON)) if (m := re.match(r"(\d+)\. ", t))]
    assert numbers == list(range(1, 51))
    assert any(t.startswith("10. Although there is some variability") for t in texts(parsed(DEVON)))


def test_ilacs_title_in_large_regular_font_and_cover_labels():
    doc = parsed(DEVON)
    assert headings(doc)[:2] == [(1, "Devon County Council"),
                                 (2, "Inspection of children’s social care services")]
    lead = next(b for b in doc.blocks if b.text.startswith("Lead inspector:"))
    assert (lead.kind, lead.text) == ("paragraph", "Lead inspector: Steve Lowe Her Majesty’s Inspector")
    assert (2, "The impact of leaders on social work practice with children and families is: "
               "inadequate") in headings(doc)


def test_footnote_markers_are_dropped_from_headings():
    assert (2, "What needs to improve in this area of social work practice?") in headings(parsed(STAFFS_FV))
    assert (2, "What needs to improve?") in headings(parsed(LEEDS))
    assert (2, "Review of the effectiveness of the Local Safeguarding Children Board") \
        in headings(parsed(ISLINGTON))
    assert not any(re.search(r"[a-z?]\d$", text) for _, text in headings(parsed(ISLINGTON)))


def test_footnote_text_at_the_page_bottom_is_dropped():
    assert not any("Ofsted produces this report under its power" in t for t in texts(parsed(ISLINGTON)))


def test_sif_judgement_heading_cells_give_heading_then_grade():
    blocks = parsed(SUNDERLAND).blocks
    i = next(i for i, b in enumerate(blocks) if b.page == 16 and b.kind == "heading")
    assert (blocks[i].text, blocks[i].level) == (
        "The experiences and progress of children looked after and achieving permanence", 2)
    assert (blocks[i + 1].kind, blocks[i + 1].text) == ("paragraph", "Requires improvement to be good")
    blocks = parsed(ISLINGTON).blocks  # here the grade is a raised span on the heading's line
    i = next(i for i, b in enumerate(blocks) if b.page == 9 and b.kind == "heading")
    assert blocks[i].text == "The experiences and progress of children who need help and protection"
    assert (blocks[i + 1].kind, blocks[i + 1].text) == ("paragraph", "Good")


def test_running_footer_and_page_numbers_are_dropped():
    doc = parsed(WEST_SUSSEX)
    title = "Inspection of West Sussex local authority children’s services"
    assert [b.kind for b in doc.blocks if title in b.text] == ["heading"]  # the title, once
    assert "13 to 24 March 2023" not in texts(doc)
    assert not any(re.fullmatch(r"\d+", t) for t in texts(doc))


def test_contents_page_is_dropped():
    doc = parsed(ISLINGTON)
    assert [b.page for b in doc.blocks if b.text == "Executive summary"] == [2, 31]
    assert not [b for b in doc.blocks if b.page == 4]  # the contents page
    assert "Contents" not in texts(doc)


def test_skewed_italic_subheadings_are_level_3():
    page_36 = [(b.level, b.text) for b in parsed(SANDWELL).blocks
               if b.page == 36 and b.kind == "heading"]
    assert page_36[-4:] == [(3, "Scrutiny and challenge"), (3, "Performance and quality"),
                            (3, "Engagement"), (3, "Learning")]
    assert page_36[0] == (2, "The Local Safeguarding Children Board (LSCB)")


def test_letter_address_block_written_last_is_read_first():
    doc = parsed(DORSET_FV)
    assert texts(doc)[:3] == ["Ofsted Piccadilly Gate Store Street Manchester M1 2WD",
                              "T 0300 123 1231 Textphone 0161 618 8524 enquiries@ofsted.gov.uk "
                              "www.gov.uk/ofsted", "22 June 2023"]
    assert texts(doc).index("Dear Ms Leavy") + 1 == texts(doc).index(
        "Focused visit to Dorset children’s services")


def test_signatures_after_yours_sincerely_are_paragraphs():
    doc = parsed(BLACKPOOL_JTAI)
    i = texts(doc).index("Yours sincerely")
    assert doc.blocks[i + 1].text == "Yvette Stanley National Director Regulation and Social Care, Ofsted"
    assert {b.kind for b in doc.blocks[i:]} == {"paragraph"}


def test_2009_joint_area_review_bullets_and_running_header():
    doc = parsed(HARINGEY_JAR)
    assert headings(doc)[0] == (1, "Inspection of progress made in the provision of safeguarding "
                                   "services in the London Borough of Haringey")
    assert ("bullet", "managing the backlog of cases from pre-1 December 2008 where insufficient "
                      "action or poor assessments had been made previously") \
        in [(b.kind, b.text) for b in doc.blocks]
    header = "Inspection of progress made in the provision of safeguarding services"
    assert header not in texts(doc)


def test_line_end_hyphens_of_compounds_are_kept_in_real_text():
    assert any("clear multi-agency arrangements" in t for t in texts(parsed(ISLINGTON)))
    assert any("some well-developed joint protocols" in t for t in texts(parsed(DEVON)))


# ---- files that cannot be read --------------------------------------------------------

def test_html_page_saved_as_pdf_is_unreadable():
    with pytest.raises(UnreadableFile, match="HTML"):
        read_pdf(str(CORPUS / HTML_QUIRK))


# ---- the whole corpus -----------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(corpus_documents) -> dict[str, RawDocument]:
    """Every report PDF, read once per session (tests/conftest.py)."""
    return corpus_documents


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict]:
    rows = {}
    for path in CORPUS.glob("*/MANIFEST.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows[f"{path.parent.name}/{row['file']}"] = row
    return rows


def test_every_corpus_pdf_has_one_title_and_some_headings(corpus):
    assert len(corpus) == 235
    for name, doc in corpus.items():
        levels = [b.level for b in doc.blocks if b.kind == "heading"]
        assert levels.count(1) == 1, name
        assert len(levels) >= 2, name


def test_no_block_is_a_page_number_or_page_footer(corpus):
    for name, doc in corpus.items():
        for block in doc.blocks:
            assert not re.fullmatch(r"\d+|Page \d+ of \d+", block.text), (name, block)


def test_blocks_are_well_formed(corpus):
    for name, doc in corpus.items():
        for block in doc.blocks:
            assert block.kind in {"heading", "paragraph", "bullet"}, (name, block)
            assert block.level in {1, 2, 3} and 1 <= block.page <= doc.pages, (name, block)
            assert block.text == " ".join(block.text.split()) and block.text, (name, block)
            assert not block.text.startswith(("◼", "•", "▪", "\uf06e", "\uf0a7")), (name, block)


def test_file_facts_match_the_manifest(corpus, manifest):
    for name, doc in corpus.items():
        row = manifest[name]
        assert (doc.sha256, doc.pages, doc.path) == (row["sha256"], int(row["pages"]),
                                                     str(CORPUS / name)), name
        assert doc.source == os.path.basename(name)
