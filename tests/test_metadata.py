"""Metadata extraction on real data only: the five seeds with exact values, and every
PDF of the shared corpus checked against the corpus's own metadata tables (the ILACS
history CSV and each folder's MANIFEST.csv). Run with -s to see the agreement summary.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from indexer.ingest import dates, metadata
from indexer.domain.inspection_types import INSPECTION_TYPES, label_for
from indexer.ingest.metadata import authority_key, extract_metadata
from indexer.models import Block

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HISTORY = CORPUS / "jt39-ofsted-ilacs" / "metadata" / "ofsted_csc_ilacs_history.csv"
MIN_AGREEMENT = 0.97

SIF_TITLE = ("Inspection of services for children in need of help and protection, children "
             "looked after and Care Leavers and Review of the effectiveness of the Local "
             "Safeguarding Children Board")
AUI_TITLE = ("Annual unannounced inspection of contact, referral and assessment arrangements "
             "within {} children's services")
SEED_EXPECTED = {
    "000_70145d054d2d3fd2.txt": dict(
        title=AUI_TITLE.format("Derbyshire County Council"),
        authority="Derbyshire County Council", authority_key="derbyshire",
        authority_name="Derbyshire", region="East Midlands", la_urn="80460",
        inspection_type="aui_cra", inspection_start="2009-10-27",
        inspection_end="2009-10-28", published="2009-11-25", year=2009,
        overall_judgement=None, judgements={}, lead_inspector="Heather Brown"),
    "001_1d4ea15b518b3e3d.txt": dict(
        title=AUI_TITLE.format("Durham County Council"),
        authority="Durham County Council", authority_key="durham",
        authority_name="County Durham", region="North East", la_urn="80465",
        inspection_type="aui_cra", inspection_start="2011-02-08",
        inspection_end="2011-02-09", published="2011-03-09", year=2011,
        overall_judgement=None, judgements={}, lead_inspector="Simon Rushall"),
    "002_53d6ee554010a50c.txt": dict(
        title="Focused visit to Derbyshire County Council children's services",
        authority="Derbyshire County Council", authority_key="derbyshire",
        authority_name="Derbyshire", region="East Midlands", la_urn="80460",
        inspection_type="focused_visit", inspection_start="2018-02-27",
        inspection_end="2018-02-28", published="2018-03-22", year=2018,
        overall_judgement=None, judgements={}, lead_inspector="Caroline Walsh"),
    "003_47c97c5277a0f78f.txt": dict(
        title=AUI_TITLE.format("Staffordshire"),
        authority="Staffordshire", authority_key="staffordshire",
        authority_name="Staffordshire", region="West Midlands", la_urn="80561",
        inspection_type="aui_cra", inspection_start="2010-07-13",
        inspection_end="2010-07-14", published="2010-08-11", year=2010,
        overall_judgement=None, judgements={}, lead_inspector="Martin Ayres"),
    "004_65a586c744a9a2d9.txt": dict(  # the SIF report prints no publication date
        title=SIF_TITLE, authority="Derbyshire County Council", authority_key="derbyshire",
        authority_name="Derbyshire", region="East Midlands", la_urn="80460",
        inspection_type="sif", inspection_start="2013-11-19", inspection_end="2013-12-11",
        published=None, year=2013, overall_judgement="good",
        judgements={"help_and_protection": "good", "in_care": "good", "adoption": "good",
                    "care_leavers": "good", "leadership": "good",
                    "lscb": "requires improvement"},
        lead_inspector="Fiona J Millns"),
}

# Every disagreement with the corpus tables, with the reason found by reading the PDF.
KNOWN_DISAGREEMENTS = {
    ("jt39-ofsted-ilacs/80542_rochdale/children's services inspection - 12 march 2018.pdf",
     "lead_inspector"):
        "PDF cover prints 'Lead inspector: Paula Thomson-Jones HMI'; the CSV has "
        "'Paula Thomson -Jones' (space before the hyphen, a scraping artefact)",
    ("jt39-ofsted-ilacs/80552_shropshire/children's services inspection - 12 august 2025.pdf",
     "lead_inspector"):
        "PDF cover prints 'Lead inspector: Jenny-ellen Scotland, His Majesty's Inspector'; "
        "the CSV has 'Jenny -ellen Scotland' (same artefact)",
    ("jt39-ofsted-ilacs/80542_rochdale/children's services inspection - 12 march 2018.pdf",
     "in_care"):
        "PDF cover grades 'The experiences and progress of children in care and care "
        "leavers' Good; the CSV says requires improvement",
    ("jt39-ofsted-ilacs/80559_southend-on-sea/children's services inspection - 27 august "
     "2019.pdf", "help_and_protection"):
        "PDF cover grades help and protection 'Requires improvement to be good' (wrapped "
        "over two lines); the CSV cell reads 'to requires improvement'",
}

# MANIFEST.csv doc_type -> the inspection types it allows (short/standard checked apart).
DOC_TYPES = {
    "ILACS inspection report": {"ilacs_standard", "ilacs_short"},
    "ILACS focused visit letter": {"focused_visit"},
    "SIF (single inspection framework) report": {"sif"},
    "inspection of looked after children services (2013)": {"lac_2013"},
    "LSCB review (standalone)": {"lscb_review"},
    "JTAI letter (joint targeted area inspection)": {"jtai"},
    "joint area review progress inspection (2009)": {"joint_area_review"},
    "area SEND inspection": {"area_send"},
}
# History CSV grade columns (without "_grade") -> our field or judgement area.
HISTORY_GRADES = {"overall_effectiveness": "overall_judgement",
                  **{a: a for a in ("impact_of_leaders", "help_and_protection", "in_care",
                                    "care_leavers")}}


def seed_blocks(path: Path) -> list[Block]:
    """The seed text split on blank lines into paragraph blocks (metadata needs lines)."""
    text = path.read_text(encoding="utf-8")
    return [Block("paragraph", p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip()]


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_metadata(name):
    meta = extract_metadata(seed_blocks(SEEDS / name), name)
    expected = dict(SEED_EXPECTED[name])
    expected["inspection_type_label"] = label_for(expected["inspection_type"])
    assert meta == expected


@pytest.mark.parametrize("phrase, start, end", [
    ("27 and 28 October 2009. The inspection", "2009-10-27", "2009-10-28"),
    ("8 and 9 February 2011.", "2011-02-08", "2011-02-09"),
    ("13 to 24 March 2023", "2023-03-13", "2023-03-24"),
    ("24 February 2025 to 7 March 2025", "2025-02-24", "2025-03-07"),
    ("23 June to 4 July 2025", "2025-06-23", "2025-07-04"),
    ("11 to 22 October 2021) 2", "2021-10-11", "2021-10-22"),
    ("19 November 2013  11 December 2013 The overall judgement", "2013-11-19", "2013-12-11"),
    ("29 and 30 September, and 1 October 2020. The visit", "2020-09-29", "2020-10-01"),
])
def test_date_runs_from_the_documents(phrase, start, end):
    found = dates.read_run(phrase)
    assert found and (found[0].isoformat(), found[1].isoformat()) == (start, end)


def test_a_date_run_without_a_year_takes_it_from_the_letter():
    """Liverpool JTAI 2016: "Between 20 and 24 June, Ofsted ..." in a letter of August."""
    found = dates.read_run("20 and 24 June, Ofsted", dates.whole_date("2 August 2016"))
    assert found and found[0].isoformat() == "2016-06-20"


@pytest.mark.parametrize("printed, key", [
    ("Bournemouth, Christchurch and Poole", "bournemouth-christchurch-and-poole"),
    ("bournemouth, christchurch & poole", "bournemouth-christchurch-and-poole"),
    ("Kingston upon Hull City Council", "kingston-upon-hull"),
    ("Derbyshire County Council", "derbyshire"),
    ("the London Borough of Barnet", "barnet"),
    ("Royal Borough of Kensington and Chelsea", "kensington-and-chelsea"),
    ("City of York Council", "york"),
    ("Bristol City of", "bristol"),
    ("City of London", "city-of-london"),
    ("london corporation", "city-of-london"),
    ("Southend-on-Sea Borough Council", "southend-on-sea"),
    ("Barnsley Metropolitan Borough Council", "barnsley"),
])
def test_authority_keys(printed, key):
    assert authority_key(printed) == key


def test_taxonomy_is_documented_data():
    keys = [t.key for t in INSPECTION_TYPES]
    assert len(keys) == len(set(keys)) and keys[-1] == "other"
    assert all(t.label and t.description for t in INSPECTION_TYPES)


# ---- the real corpus ----------------------------------------------------------------

def _corpus_pdfs() -> list[Path]:
    return sorted(CORPUS.glob("*/inspection_reports/*/*.pdf"))


@pytest.fixture(scope="module")
def corpus_meta(corpus_documents) -> dict[str, dict]:
    """Metadata of every corpus PDF (read once per session by tests/conftest.py):
    {folder/urn_la/file: meta}."""
    wanted = {_rel(p) for p in _corpus_pdfs()}
    raws = {_rel(CORPUS / rel): raw for rel, raw in corpus_documents.items()}
    return {rel: extract_metadata(raws[rel].blocks, raws[rel].source) for rel in sorted(wanted)}


def _rel(path: Path) -> str:
    return f"{path.parents[2].name}/{path.parent.name}/{path.name}"


def _csv_grade(value: str) -> str | None:
    value = " ".join(value.lower().split())
    if value in ("not_reported_post_reform", "inspection_pre_dates_judgement"):
        return None  # the report prints no such grade
    return "requires improvement to be good" if value == "requires improvement" else value


def _csv_date(value: str) -> str:
    day, month, year = value.strip().split("/")
    return f"{year}-{month}-{day}"


def _manifest_rows():
    for manifest in sorted(CORPUS.glob("*/MANIFEST.csv")):
        with open(manifest, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["file"].startswith("inspection_reports/"):
                    yield _rel(manifest.parent / row["file"]), row


def _history_rows() -> dict[tuple[str, str], dict]:
    with open(HISTORY, newline="", encoding="utf-8") as handle:
        return {(r["urn"], r["pdf_filename"]): r for r in csv.DictReader(handle)}


def _comparisons(corpus_meta):
    """Yield (document, field, ours, theirs) for every value the tables give."""
    history = _history_rows()
    for rel, row in _manifest_rows():
        meta = corpus_meta[rel]
        allowed = DOC_TYPES[row["doc_type"]]
        yield rel, "authority_key", meta["authority_key"], authority_key(
            row["la_name_from_folder"])
        yield rel, "inspection_type", meta["inspection_type"], (
            meta["inspection_type"] if meta["inspection_type"] in allowed else sorted(allowed))
        yield rel, "published", meta["published"], dates.iso(
            dates.date_in_name(row["publication_date_from_filename"]))
        urn = rel.split("/")[1].split("_")[0]
        hist = history.get((urn, rel.rsplit("/", 1)[1]))
        if hist and hist["inspection_framework"] in ("short", "standard"):
            yield from _history_comparisons(rel, meta, hist)


def _history_comparisons(rel, meta, hist):
    """ILACS rows of the history CSV; a blank cell is not compared (nothing to compare)."""
    theirs = {
        "ilacs_framework": "ilacs_" + hist["inspection_framework"],
        "inspection_start": hist["inspection_start_date"] and _csv_date(
            hist["inspection_start_date"]),
        "inspection_end": hist["inspection_end_date"] and _csv_date(
            hist["inspection_end_date"]),
        "lead_inspector": " ".join(hist["inspector_name"].lower().split()),
    }
    for column, field in HISTORY_GRADES.items():
        cell = hist[f"{column}_grade"]
        theirs[field] = cell.strip() and _csv_grade(cell)
    ours = {
        "ilacs_framework": meta["inspection_type"],
        "inspection_start": meta["inspection_start"],
        "inspection_end": meta["inspection_end"],
        "lead_inspector": (meta["lead_inspector"] or "").lower() or None,
        "overall_judgement": meta["overall_judgement"],
        **{f: meta["judgements"].get(f) for f in list(HISTORY_GRADES.values())[1:]},
    }
    for field, value in theirs.items():
        if value != "":
            yield rel, field, ours[field], value


@pytest.fixture(scope="module")
def agreement(corpus_meta):
    counts = defaultdict(lambda: [0, 0])
    disagreements = {}
    for rel, field, ours, theirs in _comparisons(corpus_meta):
        counts[field][1] += 1
        if ours == theirs:
            counts[field][0] += 1
        else:
            disagreements[(rel, field)] = (ours, theirs)
    print("\nmetadata agreement with the corpus tables (field: agree/compared):")
    for field, (agree, total) in counts.items():
        print(f"  {field:22s} {agree:3d}/{total:3d} = {agree / total:6.1%}")
    return counts, disagreements


@pytest.mark.corpus
def test_every_corpus_pdf_has_a_year(corpus_meta):
    assert len(corpus_meta) == len(_corpus_pdfs())
    bad = {rel: m["year"] for rel, m in corpus_meta.items()
           if not isinstance(m["year"], int) or not 2005 <= m["year"] <= 2030}
    assert bad == {}


@pytest.mark.corpus
def test_each_field_agrees_on_97_percent(agreement):
    counts, _ = agreement
    low = {f: f"{a}/{t}" for f, (a, t) in counts.items() if a < MIN_AGREEMENT * t}
    assert low == {}


@pytest.mark.corpus
def test_every_disagreement_is_known_and_still_true(agreement):
    _, disagreements = agreement
    unexplained = {k: v for k, v in disagreements.items() if k not in KNOWN_DISAGREEMENTS}
    stale = sorted(k for k in KNOWN_DISAGREEMENTS if k not in disagreements)
    assert unexplained == {}
    assert stale == []


def test_the_lead_inspector_is_the_first_pattern_that_matches(seeds_dir):
    """lead_inspector skips its first pattern where that pattern's end is not found: the
    same answer as searching every pattern in turn, on each seed and on made-up lines."""
    def every_pattern(full: str):
        found = (p.search(full) for p in metadata._INSPECTOR_PATTERNS)
        match = next((m for m in found if m), None)
        return metadata._collapse(match.group(1)) if match else None
    texts = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.iterdir())]
    texts += ["Jane Smith HMI Lead inspector", "Jane Smith, Ofsted, HMI lead  inspector",
              "Lead inspector: Jane Smith", "The lead inspector was away.", ""]
    answers = [metadata.lead_inspector(text) for text in texts]
    assert answers == [every_pattern(text) for text in texts]
    assert answers[-5:-2] == ["Jane Smith", "Jane Smith", "Jane Smith"]
