"""Bounded passages and responses (issue 23): a giant one-paragraph report becomes passages
of at most MAX_PASSAGE_CHARS split after whole sentences, with ids that stay the same
across builds; snippets, "similar passages", searches and CSV cells stay small. Real
letters indexed in temporary directories, the real app."""
from __future__ import annotations

import csv
import io
import re

import pytest

from pages import SCRIPT_LETTER
from indexer.index.build import build
from indexer.ingest.clean import MAX_PASSAGE_CHARS, pieces
from indexer.ingest.parse import parse_file
from indexer.search.highlight import MAX_FRAGMENTS, MAX_WINDOW, Highlighter
from webui import create_app

SENTENCES = ["Managers check plans regularly and record their decisions.",
             "Social workers visit children often and know them well!",
             "Is the quality of supervision consistently good?",
             "Leaders have improved the timeliness of assessments; caseloads are manageable."]


def _giant(chars: int) -> str:
    """One paragraph of `chars` characters or more, of real-sounding sentences."""
    out, n = [], 0
    while n < chars:
        sentence = SENTENCES[len(out) % 4].replace("plans", f"plans for family {len(out)}")
        out.append(sentence)
        n += len(sentence) + 1
    return " ".join(out)


@pytest.fixture(scope="module")
def giant(tmp_path_factory):
    """(folder, the giant paragraph, a web client) for a letter whose one finding is 200,000
    characters long."""
    paragraph = _giant(200_000)
    folder = tmp_path_factory.mktemp("giant") / "letters"
    folder.mkdir()
    (folder / "exampleshire.txt").write_text(SCRIPT_LETTER.replace(
        "- Managers check plans regularly & record decisions.", paragraph), encoding="utf-8")
    index = folder.parent / "ix"
    build([str(folder)], str(index), workers=1)
    return folder, paragraph, create_app({"OFSTED_INDEX": str(index)}).test_client()


def test_a_giant_paragraph_becomes_passages_split_after_sentences(giant):
    folder, paragraph, _ = giant
    report = parse_file(str(folder / "exampleshire.txt"))
    texts = [p.text for s in report.sections for p in s.passages]
    findings = [p.text for s in report.sections if s.key == "findings" for p in s.passages]
    assert findings[0].startswith("Inspectors found")
    split = findings[1:]
    assert max(len(t) for t in texts) <= MAX_PASSAGE_CHARS
    assert len(split) >= 200_000 // MAX_PASSAGE_CHARS
    assert " ".join(split) == paragraph  # nothing lost, nothing added
    assert all(re.search(r"[.!?;]$", t) for t in split)  # each ends a sentence
    again = parse_file(str(folder / "exampleshire.txt"))
    assert [p.passage_id for s in again.sections for p in s.passages] == \
        [p.passage_id for s in report.sections for p in s.passages]


def test_searches_similar_passages_and_csv_cells_stay_bounded(giant):
    _, _, web = giant
    data = web.get("/api/search?q=supervision&per_page=100").get_json()
    passages = [p for hit in data["hits"] for p in hit["passages"]]
    assert len(passages) >= 10
    assert max(len(p["text"]) for p in passages) <= MAX_PASSAGE_CHARS
    assert max(len(p["snippet_html"]) for p in passages) < MAX_FRAGMENTS * (MAX_WINDOW + 200)
    first = data["hits"][0]
    similar = web.get(f"/api/reports/{first['report_id']}/passages/"
                      f"{first['passages'][0]['passage_id']}/similar")
    assert similar.status_code == 200
    rows = list(csv.DictReader(io.StringIO(web.get("/export.csv?q=supervision").get_data(as_text=True))))
    assert len(rows) >= 10 and max(len(v) for r in rows for v in r.values()) < 32_767


def test_a_snippet_of_a_passage_full_of_matches_is_bounded():
    text = _giant(50_000)  # "plans" in every other sentence, merged windows without end before
    snippet = Highlighter(terms={"plan", "visit", "qualiti", "leader"}).snippet(text)
    assert "<mark>" in snippet
    assert len(re.sub(r"</?mark>", "", snippet)) <= MAX_FRAGMENTS * (MAX_WINDOW + 5)


@pytest.mark.parametrize("text,limit,expected", [
    ("One. Two. Three.", 100, ["One. Two. Three."]),
    ("One two. Three four. Five six.", 12, ["One two.", "Three four.", "Five six."]),
    ("Alpha beta gamma delta.", 11, ["Alpha beta", "gamma", "delta."]),
    ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
])
def test_pieces(text, limit, expected):
    assert pieces(text, limit) == expected
