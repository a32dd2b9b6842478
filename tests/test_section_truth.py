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
