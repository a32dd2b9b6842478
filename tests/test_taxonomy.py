"""indexer.domain.taxonomy's heading normalisation (and metadata's space collapsing, which
shares its pattern) give what their plain patterns gave, written to scan less (every line of
a report is classified, paragraphs included: decision 0051, "Update (session 13)")."""
from __future__ import annotations

import re

from indexer.domain import taxonomy
from indexer.ingest import metadata

EDGES = ["Section 1: Findings2", "1. Summary", "Strengths1", "Areas for improvement?3",
         "Key findings\u0663", "abc12", "abc123", " 12 ", "a\t\tb  c\u00a0d \n e", "x (see)1",
         "What needs to improve?", "Section 12 Overview:", ""]


def plain(heading: str) -> str:
    text = heading.replace("’", "'").strip()
    text = re.sub(r"(?<=[a-z?:)])\d{1,2}$", "", text)
    text = re.sub(r"^(section \d+:?|\d+\.)\s*", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" :?.")


def test_headings_are_normalised_as_the_plain_patterns_did(seeds_dir):
    texts = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.iterdir())]
    lines = [line for text in texts for line in text.splitlines()] + EDGES + texts
    assert sum(plain(line) != line.strip() for line in lines) > 10  # the patterns do work
    assert [taxonomy._normalise(line) for line in lines] == [plain(line) for line in lines]
    assert ([metadata._collapse(line) for line in lines]
            == [re.sub(r"\s+", " ", line).strip() for line in lines])
    assert taxonomy.classify_heading("Section 2: Areas for improvement1") is not None
