"""Benchmark: precision of "What later inspections said" on hand-judged recommendations.

For every recommendation in bench/data/followup_judgments.tsv, recomputes its follow-ups
with the current code (indexer.answers.authority_history.history) over a corpus index and looks
the best match up in the judgments: precision = judged follow-ups / judged best matches.
A best match that changed since it was judged is counted apart ("unjudged") and listed, to
judge. Also prints, over every recommendation with a later inspection, the share that get
a follow-up at all, and the same figures for a baseline measured in the same run: the
best match with no threshold (MIN_SHARE = MIN_TERMS = 0), which always finds something.

    python -m indexer build ../shared/corpus --index /tmp/corpus-index
    python -m bench.followup --index /tmp/corpus-index
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from indexer.answers import authority_history as authorities
from indexer.search.service import SearchIndex

JUDGMENTS = ROOT / "bench" / "data" / "followup_judgments.tsv"


def read_judgments() -> dict[tuple[str, str], tuple[str, str, int]]:
    lines = [line for line in JUDGMENTS.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return {(r["report_id"], r["recommendation_passage_id"]):
            (r["best_report_id"], r["best_passage_id"], int(r["follows_up"]))
            for r in csv.DictReader(lines, delimiter="\t")}


def measure(index: SearchIndex, judged: dict) -> dict:
    records = index.records()
    found = hits = relevant = hidden = hidden_relevant = 0
    unjudged, total = [], 0
    for key in sorted({r["authority_key"] for r in records.values()}):
        history = authorities.history(records, key, index.weighted_terms,
                                      index.passage_terms)
        for inspection in history["inspections"]:
            if not inspection["later_inspections"]:
                continue
            for rec in inspection["recommendations"]:
                total += 1
                found += bool(rec["later"])
                verdict = judged.get((inspection["report_id"], rec["passage_id"]))
                if verdict is None:
                    continue
                if not rec["later"]:  # judged as a best match once, not shown now
                    hidden += 1
                    hidden_relevant += verdict[2]
                    continue
                best = (rec["later"][0]["report_id"], rec["later"][0]["passage_id"])
                if best != verdict[:2]:
                    unjudged.append((inspection["report_id"], rec["passage_id"], "%s#%s" % best))
                    continue
                hits += 1
                relevant += verdict[2]
    return {"total": total, "found": found, "judged": hits, "relevant": relevant,
            "hidden": hidden, "hidden_relevant": hidden_relevant, "unjudged": unjudged}


def report(name: str, figures: dict) -> None:
    share = figures["found"] / figures["total"] if figures["total"] else 0.0
    precision = figures["relevant"] / figures["judged"] if figures["judged"] else float("nan")
    print(f"{name:<10} recommendations with a later inspection: {figures['total']}, "
          f"with a follow-up shown: {figures['found']} ({share:.1%})")
    print(f"{'':<10} precision of the best match: {figures['relevant']}/{figures['judged']} "
          f"= {precision:.2f} (judged best matches still best); "
          f"unjudged now: {len(figures['unjudged'])}")
    print(f"{'':<10} judged matches not shown (below the threshold): {figures['hidden']}, "
          f"of which real follow-ups: {figures['hidden_relevant']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory")
    parser.add_argument("--list-unjudged", action="store_true")
    args = parser.parse_args()
    index, judged = SearchIndex(args.index), read_judgments()
    current = measure(index, judged)
    report("current", current)
    kept = authorities.MIN_SHARE, authorities.MIN_TERMS
    authorities.MIN_SHARE, authorities.MIN_TERMS = 0.0, 0  # baseline: no threshold
    baseline = measure(index, judged)
    authorities.MIN_SHARE, authorities.MIN_TERMS = kept
    report("baseline", baseline)
    if args.list_unjudged:
        for row in current["unjudged"] + baseline["unjudged"]:
            print("\t".join(row))


if __name__ == "__main__":
    main()
