"""Section truth: on hand-checked real PDFs (tests/data/section_truth.toml, read from the
documents, not from the parser), the share of printed headings the parser finds (as a
section heading or in a heading path) and the share of passages with the right section
key. Run with -s to see the figures and every miss."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from indexer.ingest.parse import parse_file
from indexer.domain.recommendations import recommendations

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TRUTH = Path(__file__).parent / "data" / "section_truth.toml"
EXPORTED = {"priority_action", "areas_for_improvement", "areas_for_development", "strengths"}


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").lower()
    text = re.sub(r"^\s*(?:section \d+:?|\d{1,3}\.)\s*", "", text)
    text = re.sub(r"(?<=[a-z?:])\d\b", "", text)  # footnote marks
    return re.sub(r"[^a-z0-9']+", " ", text).strip()


def measure(corpus: Path, document: dict) -> tuple[list, list]:
    """([(heading, found)], [(passage start, expected key, found key)]) for one document."""
    report = parse_file(str(corpus / document["file"]))
    printed = {norm(part) for s in report.sections for part in s.path + [s.heading]}
    printed |= {norm(row["heading"]) for row in report.judgement_rows}  # a table's heading
    joined = " | ".join(printed)
    headings = [(h, norm(h) in printed or norm(h) in joined) for h in document["headings"]]
    texts = [(norm(p.text), s.key) for s, p in report.passages()]
    passages = []
    for start, key in document["passages"]:
        found = next((k for t, k in texts if t.startswith(norm(start))), None)
        passages.append((start, key, found))
    return headings, passages


@pytest.fixture(scope="module")
def truth(corpus_dir):
    documents = tomllib.loads(TRUTH.read_text(encoding="utf-8"))["document"]
    return {d["file"]: measure(corpus_dir, d) for d in documents}


def test_truth_is_well_formed():
    documents = tomllib.loads(TRUTH.read_text(encoding="utf-8"))["document"]
    assert len({d["file"] for d in documents}) == len(documents)
    for d in documents:
        assert d["checked"] and d["template"] and d["headings"], d["file"]
        assert len(d["passages"]) >= 5, d["file"]


@pytest.mark.corpus
def test_headings_found_and_section_keys_right(truth, corpus_dir):
    headings = [h for hs, _ in truth.values() for h in hs]
    passages = [p for _, ps in truth.values() for p in ps]
    exported = [p for p in passages if p[1] in EXPORTED]
    share = lambda rows, ok: sum(map(ok, rows)) / len(rows)  # noqa: E731
    heading_share = share(headings, lambda h: h[1])
    key_share = share(passages, lambda p: p[1] == p[2])
    exported_share = share(exported, lambda p: p[1] == p[2])
    print(f"\n{len(truth)} documents: printed headings found {heading_share:.1%} "
          f"({len(headings)}), passages with the right key {key_share:.1%} ({len(passages)}), "
          f"exported sections {exported_share:.1%} ({len(exported)})")
    for file, (hs, ps) in truth.items():
        for heading, found in hs:
            if not found:
                print(f"  heading not found: {heading!r} in {file}")
        for start, key, found in ps:
            if key != found:
                print(f"  {start!r}: expected {key}, got {found} in {file}")
    assert heading_share >= 0.97 and key_share >= 0.98 and exported_share >= 0.99


def _recommendation_truth(corpus: Path, document: dict) -> list[str]:
    """Every way the parsed recommendations differ from the document's printed list."""
    report = parse_file(str(corpus / document["file"])).to_dict()
    found = recommendations(report)
    problems = []
    if len(found) != document["recommendations"]:
        problems.append(f"{len(found)} recommendations, {document['recommendations']} printed")
    texts = [norm(r["text"]) for r in found]
    position = 0
    for start, addressee in document.get("recommendation_checks", []):
        at = next((i for i in range(position, len(texts)) if texts[i].startswith(norm(start))),
                  None)
        if at is None:
            problems.append(f"no recommendation {start!r} (in printed order)")
            continue
        position = at
        if found[at]["addressee"] != addressee:
            problems.append(f"{start!r} addressed to {found[at]['addressee']}, not {addressee}")
    for start, held in document.get("recommendation_holds", []):
        if not any(t.startswith(norm(start)) and norm(held) in t for t in texts):
            problems.append(f"{start!r} does not hold {held!r}")
    return problems


@pytest.mark.corpus
def test_recommendations_as_printed(corpus_dir):
    """One recommendation per printed item, sub-items with their lead, lead-ins, Ofsted's
    standard text and judgement narratives left out, each addressed to the right body."""
    documents = tomllib.loads(TRUTH.read_text(encoding="utf-8"))["document"]
    checked = [d for d in documents if "recommendations" in d]
    problems = {d["file"]: _recommendation_truth(corpus_dir, d) for d in checked}
    for file, found in problems.items():
        for problem in found:
            print(f"  {problem} in {file}")
    assert len(checked) >= 5
    assert {file: found for file, found in problems.items() if found} == {}
