"""Over the 235 real PDFs: the sections each document type always has are found.

Prints, per inspection type, the share of documents in which the parser found them
(run with -s to see it); fails when a type drops below the floor.
"""
from __future__ import annotations

from collections import defaultdict

import pytest

from indexer.index import report_store

# Per type: groups of section keys; a document passes when each group has a key present.
ALWAYS = {
    "focused_visit": [{"findings"}, {"key_findings", "overview"}],
    "ilacs_standard": [{"findings"}, {"areas_for_improvement"}],
    "ilacs_short": [{"findings"}, {"areas_for_improvement"}],
    "sif": [{"key_findings"}, {"findings"}, {"areas_for_improvement"}],
    "jtai": [{"strengths", "key_findings", "findings"}, {"areas_for_improvement"}],
    "area_send": [{"strengths"}, {"areas_for_improvement"}, {"findings"}],
    "lac_2013": [{"findings"}, {"areas_for_improvement"}],
}
FLOOR = 0.9


@pytest.mark.corpus
def test_documents_have_the_sections_of_their_type(corpus_build):
    index_dir, _ = corpus_build
    reports = report_store.load(index_dir)
    found, seen = defaultdict(int), defaultdict(int)
    misses = []
    for report in reports.values():
        groups = ALWAYS.get(report["inspection_type"])
        if groups is None:
            continue
        keys = {s["key"] for s in report["sections"] if s["passages"]}
        seen[report["inspection_type"]] += 1
        if all(keys & group for group in groups):
            found[report["inspection_type"]] += 1
        else:
            misses.append((report["inspection_type"], report["source"], sorted(keys)))
    print()
    for kind in sorted(seen):
        print(f"{kind:16} {found[kind]:3}/{seen[kind]:3} = {found[kind] / seen[kind]:.0%}")
    for miss in misses:
        print("  missing:", *miss)
    total = sum(found.values()) / sum(seen.values())
    print(f"all types        {sum(found.values())}/{sum(seen.values())} = {total:.1%}")
    assert all(found[k] / seen[k] >= FLOOR for k in seen), misses


@pytest.mark.corpus
def test_no_passage_is_letterhead_or_page_furniture(corpus_build):
    index_dir, _ = corpus_build
    reports = report_store.load(index_dir)
    bad = [(r["source"], p["text"]) for r in reports.values() for s in r["sections"]
           if s["key"] != "boilerplate" for p in s["passages"]
           if p["text"].strip().isdigit() or "Piccadilly Gate" in p["text"]
           or p["text"].startswith("Page ")]
    assert bad == []
