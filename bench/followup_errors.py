"""Benchmark: every wrong and every missed follow-up of one half of the truth, with where
each was lost, for error analysis before any tuning (decision 0036, session 10).

For each truth recommendation of the half (bench/followup.py's split: tune and read the
development half only), what the authority page shows (indexer.answers.authority_history)
against what the truth lists, each passage with its report, section, heading path and page:

- a false positive: a shown passage the truth does not list; its automatic hint is where it
  lies against the truth (the recommendation is not mentioned at all; the paragraph next to a
  truth passage; another paragraph of a report that holds a truth passage; another report);
- a miss: a recommendation with a real follow-up that shows none; where each truth passage
  was lost (not a candidate: a context section or Ofsted's standard text; not among the
  CANDIDATES nearest by meaning; failed the topic or the addressee check; scored below
  MIN_PROBABILITY, with its probability and rank) and the first cause that applies:
  candidate generation, outranked by a passage shown instead, the truth's quote is one
  sentence inside a paragraph on another point (every quote under half its passage), just
  under the threshold (within 0.10), far below it.

With `--pairs`, the figures of bench/followup.py by the pair of templates (the
recommendation's inspection type -> the types of the authority's later inspections): where
the misses and the false positives lie by kind of report.

    python -m bench.followup_errors --index DIR [--half dev|held-out] [--counts] [--pairs]
"""
from __future__ import annotations

import argparse
import bisect
from collections import Counter

import numpy as np

from bench.followup import (HALVES, Locator, after_method, half, measure, norm, read_truth,
                            truth_recommendations)
from indexer.answers import authority_history, followups
from indexer.answers.followup_store import StoredVectors
from indexer.index.vectors import passage_text
from indexer.models import dated
from indexer.search.service import SearchIndex

NEAR = 0.10  # "just under the threshold": within this of MIN_PROBABILITY


def quotes(rows: list[dict], locate: Locator) -> dict:
    """(rec report, rec passage, later report, later passage) -> the truth's later quote."""
    found = {}
    for row in rows:
        if row["status"] == "not_mentioned":
            continue
        rec = locate(row["rec_report"], row["rec_quote"])
        later = locate(row["later_report"], row["later_quote"])
        if rec and later:
            found[(row["rec_report"], rec, row["later_report"], later)] = row["later_quote"]
    return found


def places(report: dict) -> dict:
    """passage id -> (its place in the report, section, passage)."""
    flat = [(section, passage) for section in report["sections"]
            for passage in section["passages"]]
    return {p["passage_id"]: (n, s, p) for n, (s, p) in enumerate(flat)}


def lost(pool, row: int | None, vector, after: str, scored: dict) -> str:
    """Where a truth passage (pool row) was lost on the way to the page."""
    if row is None:
        return "not a candidate (context, boilerplate or standard text)"
    if row in scored:
        p, rank = scored[row]
        return f"scored {p:.2f}, rank {rank + 1}"
    later = np.flatnonzero(pool.dates >= bisect.bisect_right(pool.days, after))
    nearest = followups._nearest((pool.vectors @ vector).astype(np.float64), later,
                                 followups.CANDIDATES)
    if row not in set(nearest.tolist()):
        return f"not among the {followups.CANDIDATES} nearest"
    return "failed the topic or addressee check"


def miss_cause(truth_rows: list[dict], shown: list) -> str:
    scored = [r["p"] for r in truth_rows if r["p"] is not None]
    if not scored:
        return "candidate generation"
    if shown:
        return "outranked by a passage shown instead"
    if all(r["quote_share"] < 0.5 for r in truth_rows):
        return "the truth's quote is one sentence of a paragraph on another point"
    if max(scored) >= followups.MIN_PROBABILITY - NEAR:
        return "just under the threshold"
    return "far below the threshold"


def fp_hint(where: tuple, truth_rows: list[dict], rec: dict) -> str:
    if not rec["later"]:
        return "the truth: not mentioned"
    report, n = where
    if any(r["report"] == report and abs(r["n"] - n) == 1 for r in truth_rows):
        return "the paragraph next to a truth passage"
    if any(r["report"] == report for r in truth_rows):
        return "another paragraph of a report the truth follows it in"
    return "a report the truth does not follow it in"


def errors(records, truth: dict, said: dict, vectors, which: str):
    """(false positives, misses): dicts ready to print, for the truth of one half."""
    fps, misses = [], []
    groups = authority_history.by_authority(records)
    keys = sorted({rec["authority"] for rec in truth.values() if half(rec["authority"]) == which})
    for key in keys:
        history = authority_history.history(records, key, vectors, groups)
        ours = {(i["report_id"], r["passage_id"]): r for i in history["inspections"]
                for r in i["recommendations"]}
        items = [records[m["report_id"]] for m in groups[key]]
        pool = followups.Pool.of(items[1:], vectors)
        at = {(r["report_id"], p["passage_id"]): n for n, (r, _, p) in enumerate(pool.rows)}
        for (report_id, passage_id), rec in truth.items():
            if rec["authority"] != key or (report_id, passage_id) not in ours:
                continue
            mine = ours[(report_id, passage_id)]
            [vector] = vectors([passage_text(mine["heading"] or "", mine["text"])])
            after = dated(records[report_id]).sort_key
            scored = {row: (p, rank) for rank, (p, row, _) in
                      enumerate(followups.scored(mine, vector, pool, after))}
            truth_rows = []
            for (later_report, later_id), status in rec["later"].items():
                n, section, passage = places(records[later_report])[later_id]
                row = at.get((later_report, later_id))
                quote = said.get((report_id, passage_id, later_report, later_id), "")
                truth_rows.append({
                    "report": later_report, "n": n, "section": section, "passage": passage,
                    "status": status, "lost": lost(pool, row, vector, after, scored),
                    "p": scored[row][0] if row in scored else None,
                    "quote_share": len(norm(quote)) / max(len(norm(passage["text"])), 1)})
            base = {"rec": mine, "report_id": report_id, "truth": rec,
                    "addressees": (rec["addressee"], mine["addressee"]), "truth_rows": truth_rows}
            shown = [s for s in mine["later"]
                     if (s["report_id"], s["passage_id"]) not in rec["later"]]
            for s in shown:
                n, section, passage = places(records[s["report_id"]])[s["passage_id"]]
                fps.append(base | {"shown": s, "where": (s["report_id"], n, section, passage),
                                   "cause": fp_hint((s["report_id"], n), truth_rows, rec)})
            if rec["later"] and len(shown) == len(mine["later"]):
                misses.append(base | {"shown": shown,
                                      "cause": miss_cause(truth_rows, mine["later"])})
    return fps, misses


def template_pair(records, groups: dict, report_id: str) -> str:
    """"sif -> focused_visit+ilacs_standard": the report's inspection type and those of
    its authority's later inspections."""
    report = records[report_id]
    after = dated(report).sort_key
    later = sorted({(m.get("inspection_type") or "?") for m in groups[report["authority_key"]]
                    if dated(m).sort_key > after})
    return f"{report.get('inspection_type') or '?'} -> {'+'.join(later) or 'none'}"


def by_pair(index, records, truth: dict, vectors, which: str) -> dict:
    """template pair -> bench.followup.measure's figures over its truth recommendations."""
    groups = authority_history.by_authority(records)
    keys = sorted({rec["authority"] for rec in truth.values() if half(rec["authority"]) == which})
    shown, listed = after_method(index, records, keys, vectors)
    pairs: dict[str, dict] = {}
    for where, rec in truth.items():
        if half(rec["authority"]) == which:
            pairs.setdefault(template_pair(records, groups, where[0]), {})[where] = rec
    return {pair: measure(part, shown, listed, which) for pair, part in sorted(pairs.items())}


def print_pairs(figures: dict) -> None:
    print(f"{'template pair':<50} recs with-follow-up found shown shown-true "
          f"not-mentioned-right")
    for pair, f in figures.items():
        print(f"{pair:<50} {f['recs']:>4} {f['with_later']:>4} {f['found']:>4} {f['shown']:>4} "
              f"{f['shown_true']:>4} {f['none_right']:>3}/{f['none_truth']}")


def path(section: dict) -> str:
    return " › ".join(list(section.get("path") or []) + [section.get("heading") or ""])


def show(kind: str, error: dict) -> None:
    rec, (truth_addressee, our_addressee) = error["rec"], error["addressees"]
    print(f"{kind} [{error['cause']}] {error['report_id']} [{rec['section']}] "
          f"{path(rec)} (addressee: truth {truth_addressee}, ours {our_addressee})")
    print(f"    {rec['text'][:400]}")
    if kind == "FALSE":
        report, n, section, passage = error["where"]
        print(f"  shown {error['shown']['score']:.2f} {report} #{n} p{passage.get('page')} "
              f"[{section['key']}] {path(section)}\n    {passage['text'][:400]}")
    for row in error["truth_rows"]:
        print(f"  truth {row['status']} ({row['lost']}) {row['report']} #{row['n']} "
              f"p{row['passage'].get('page')} [{row['section']['key']}] {path(row['section'])}"
              f"\n    {row['passage']['text'][:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory")
    parser.add_argument("--half", choices=HALVES, default="dev",
                        help="the half to list (tune on the development half only)")
    parser.add_argument("--counts", action="store_true", help="the counts by cause only")
    parser.add_argument("--pairs", action="store_true", help="the figures by template pair")
    args = parser.parse_args()
    index = SearchIndex(args.index)
    records = index.records()
    rows, locate = read_truth(), Locator(records)
    truth, _ = truth_recommendations(rows, locate)
    if args.pairs:
        print_pairs(by_pair(index, records, truth, StoredVectors(index.generation_path()),
                            args.half))
        return
    fps, misses = errors(records, truth, quotes(rows, locate),
                         StoredVectors(index.generation_path()), args.half)
    if not args.counts:
        for fp in fps:
            show("FALSE", fp)
        for miss in misses:
            show("MISSED", miss)
    for kind, found in (("false positives", fps), ("misses", misses)):
        print(f"{args.half}: {len(found)} {kind}: " + ", ".join(
            f"{cause} {n}" for cause, n in Counter(e["cause"] for e in found).most_common()))


if __name__ == "__main__":
    main()
