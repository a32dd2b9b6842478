"""Sections and passages of the five seeds, exactly as the issue specifies them."""
from pathlib import Path

import pytest

from indexer.models import Block
from indexer.ingest.parse import parse_file
from indexer.ingest.sections import split_sections

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(prefix: str):
    return parse_file(str(next(SEEDS.glob(f"{prefix}_*"))))


def counts(report, key):
    return [len(s.passages) for s in report.sections if s.key == key]


def test_derbyshire_2009():
    report = seed("000")
    assert counts(report, "meets_requirements") == [4]
    assert counts(report, "strengths") == [3]
    assert counts(report, "areas_for_development") == [7]
    seventh = [s for s in report.sections if s.key == "areas_for_development"][0].passages[6]
    assert seventh.text.startswith("Issues concerning children and families' cultural")


def test_durham_2011_rejoins_page_break():
    report = seed("001")
    assert counts(report, "strengths") == [1]
    assert counts(report, "meets_requirements") == [10]
    assert counts(report, "areas_for_development") == [3]
    strength = [s for s in report.sections if s.key == "strengths"][0].passages[0].text
    assert strength.endswith("and result in effective services.")


def test_derbyshire_2018_focused_visit():
    report = seed("002")
    assert counts(report, "overview") == [2]
    assert counts(report, "areas_for_improvement") == [3]
    assert counts(report, "findings") == [14]


def test_staffordshire_2010_rejoins_page_break():
    report = seed("003")
    assert counts(report, "strengths") == [2]
    assert counts(report, "meets_requirements") == [10]
    assert counts(report, "areas_for_development") == [4]
    texts = [p.text for _, p in report.passages()]
    assert any("Staff and managers are exhibiting frustration" in t for t in texts)


def test_derbyshire_2013_sif():
    report = seed("004")
    assert counts(report, "key_findings") == [13]
    assert counts(report, "areas_for_improvement") == [9, 7]
    lscb = [s for s in report.sections if s.key == "areas_for_improvement"][1]
    assert lscb.passages[0].text.startswith("Ensure that the DSCB membership")
    judgement_headings = [s.heading for s in report.sections if s.key == "findings"]
    for area in ("children who need help and protection", "children looked after",
                 "adoption performance", "Care Leavers", "Leadership, management and governance",
                 "LSCB"):
        assert sum(area in h for h in judgement_headings) == 1, area


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_no_markup_or_signature_in_searchable_text(prefix):
    report = seed(prefix)
    for section, passage in report.passages():
        assert "<" not in passage.text and "**" not in passage.text, passage.text
        if section.key != "boilerplate":
            assert "handwritten signature" not in passage.text
            assert not passage.text.startswith(("Yours sincerely", "Copy:", "Dear "))
            assert "▪" not in passage.text


def test_letter_opening_and_signature_are_boilerplate():
    report = seed("000")
    boiler = [p.text for s in report.sections if s.key == "boilerplate" for p in s.passages]
    assert "Matlock" in boiler and "Dear Mr Buckley" in boiler
    assert any(t.startswith("A handwritten signature in blue ink") for t in boiler)
    assert any(t.startswith("Copy: Nick Hodgson") for t in boiler)


def test_passage_ids_survive_edits_elsewhere(tmp_path):
    original = next(SEEDS.glob("002_*")).read_text(encoding="utf-8")
    before = {p.text: p.passage_id for _, p in seed("002").passages()}
    edited = original.replace("Senior leaders understand their service well.",
                              "Senior leaders understand their services very well.")
    edited = edited.replace("Findings\n", "Findings\n\n- A new first finding was added.\n", 1)
    path = tmp_path / "edited.txt"
    path.write_text(edited, encoding="utf-8")
    after = {p.text: p.passage_id for _, p in parse_file(str(path)).passages()}
    unchanged = set(before) & set(after)
    assert len(unchanged) >= len(before) - 1
    assert all(before[t] == after[t] for t in unchanged)
    assert len({*after.values()}) == len(after)


def test_repeated_passages_get_distinct_ids():
    blocks = [Block("heading", "Findings"), Block("paragraph", "Same words."),
              Block("paragraph", "Same words."), Block("paragraph", "Other words.")]
    _, sections = split_sections(blocks)
    ids = [p.passage_id for p in sections[0].passages]
    assert ids[0] != ids[1] and ids[1] == ids[0] + "-2" and len(set(ids)) == 3
