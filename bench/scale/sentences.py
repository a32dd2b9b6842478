"""Real sentences for the synthetic corpus, pooled by the section they were printed in.

Sources: the parsed real corpus (the stored reports of an index of ../shared/corpus,
which keep every passage with its section key) and the seed documents. Boilerplate and
anything the text reader would take for a heading, a bullet or a letter formula is
dropped, so a generated passage parses back as one passage of the intended section.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from indexer.index import report_store
from indexer.ingest.parse import parse_file
from indexer.domain.taxonomy import BOILERPLATE_PASSAGES, LETTERHEAD, classify_heading

SPLIT = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")
GOOD = re.compile(r"[A-Z][^\x00-\x1f<>▪•*#|]{38,380}[a-z0-9)][.!?]")
SECTION_POOLS = ("findings", "overview", "key_findings", "strengths", "areas_for_improvement",
                 "areas_for_development", "priority_action", "meets_requirements", "context")
FALLBACK = {"areas_for_development": "areas_for_improvement",
            "meets_requirements": "strengths", "priority_action": "areas_for_improvement"}


def sentences_of(text: str) -> list[str]:
    """The clean, whole sentences of one passage."""
    found = []
    for sentence in SPLIT.split(re.sub(r"\s+", " ", text).strip()):
        if not GOOD.fullmatch(sentence) or BOILERPLATE_PASSAGES.match(sentence):
            continue
        if LETTERHEAD.match(sentence) or classify_heading(sentence) or "http" in sentence:
            continue
        if re.match(r"(Dear|Yours|Copy|Her Majesty|His Majesty|Inspection dates?)\b", sentence):
            continue
        found.append(sentence)
    return found


def _add(pools: dict[str, list[str]], key: str, text: str) -> None:
    if key in pools:
        pools[key].extend(sentences_of(text))


def load_pools(source: Path | None, seeds_dir: Path) -> dict[str, list[str]]:
    """Section key -> sorted, de-duplicated sentences (sorted: independent of file order).
    `source`: an index of the real corpus (or what indexer.index.report_store.load reads);
    without it the seeds alone are the source (small, for tests)."""
    pools: dict[str, list[str]] = {key: [] for key in SECTION_POOLS}
    reports = report_store.load(source) if source is not None else {}
    for report_id in sorted(reports):
        for section in reports[report_id]["sections"]:
            for passage in section["passages"]:
                _add(pools, section["key"], passage["text"])
    for seed in sorted(seeds_dir.glob("*.txt")):
        for section in parse_file(str(seed)).sections:
            for passage in section.passages:
                _add(pools, section.key, passage.text)
    pools = {key: sorted(set(values)) for key, values in pools.items()}
    for key, other in FALLBACK.items():
        if len(pools[key]) < 200:
            pools[key] = sorted(set(pools[key]) | set(pools[other]))
    everything = sorted({sentence for values in pools.values() for sentence in values})
    return {key: values or everything for key, values in pools.items()}
