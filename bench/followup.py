"""Benchmark: "What later inspections said" against the hand-read truth.

The truth (bench/data/followup_truth/*.tsv, read from the documents, never from our
output) lists, for each recommendation, every later passage that follows it up and what it
concluded. Authorities are split deterministically into a development half (the follow-up
weights were tuned on it alone) and a held-out half (sha1 of the authority key, even or
odd). For each half, before (decision 0019's matching, bench/followup_before.py) and after
(indexer.search.authorities.history), in the same run over one corpus index:

- precision: shown follow-ups that the truth lists / follow-ups shown (truth recommendations only)
- recall: recommendations with a real follow-up that show at least one / those recommendations
- not mentioned right: recommendations no later report speaks to that show none / those
- status right: shown real follow-ups whose status is the truth's / shown real follow-ups
- listed: truth recommendations that the page lists as recommendations; addressee right

    python -m indexer build ../shared/corpus --index /tmp/corpus-index
    python -m bench.followup --index /tmp/corpus-index [--train] [--misses] [--status]
                             [--half dev|held-out]

`--half dev` prints the development half alone (its misses too): what tuning may look at.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import re
from collections import Counter
from pathlib import Path

import numpy as np

from bench import followup_before
from indexer.answers import authority_history as authorities
from indexer.answers import followup_status, followups
from indexer.answers.followup_store import StoredVectors
from indexer.index.vectors import passage_text
from indexer.models import dated
from indexer.search.service import SearchIndex

ROOT = Path(__file__).resolve().parents[1]

TRUTH = ROOT / "bench" / "data" / "followup_truth"
HALVES = ("dev", "held-out")


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def half(authority: str) -> str:
    return HALVES[int(hashlib.sha1(authority.encode()).hexdigest(), 16) % 2]


def read_truth(folder: Path = TRUTH) -> list[dict]:
    rows = []
    for path in sorted(Path(folder).glob("*.tsv")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
        rows += list(csv.DictReader(lines, delimiter="\t"))
    return rows


class Locator:
    """Finds the passage of a report that holds a quote."""

    def __init__(self, records):
        self.records = records

    def __call__(self, report_id: str, quote: str) -> str | None:
        report = self.records.get(report_id) if report_id in self.records else None
        wanted = norm(quote)
        for section in (report or {}).get("sections", []):
            for passage in section["passages"]:
                if wanted in norm(passage["text"]):
                    return passage["passage_id"]
        return None


def truth_recommendations(rows: list[dict], locate: Locator) -> dict:
    """{(report_id, passage_id): {"authority", "addressee", "later": {(report, passage):
    status}, "quote"}}; quotes that hold in no passage are listed apart."""
    recs, lost = {}, []
    for row in rows:
        rec_pid = locate(row["rec_report"], row["rec_quote"])
        if rec_pid is None:
            lost.append((row["rec_report"], row["rec_quote"][:60]))
            continue
        rec = recs.setdefault((row["rec_report"], rec_pid), {
            "authority": row["authority"], "addressee": row["addressee"], "later": {},
            "quote": row["rec_quote"]})
        if row["status"] != "not_mentioned":
            later_pid = locate(row["later_report"], row["later_quote"])
            if later_pid is None:
                lost.append((row["later_report"], row["later_quote"][:60]))
                continue
            rec["later"][(row["later_report"], later_pid)] = row["status"]
    return recs, lost


def after_method(index, records, keys, vectors):
    shown, listed = {}, {}
    for key in keys:
        for inspection in authorities.history(records, key, vectors)["inspections"]:
            for rec in inspection["recommendations"]:
                where = (inspection["report_id"], rec["passage_id"])
                shown[where] = rec["later"]
                listed[where] = rec["addressee"]
    return shown, listed


def before_method(index, records, keys, _vectors):
    shown = {}
    for key in keys:
        items = [records[m["report_id"]] for m in authorities.by_authority(records)[key]]
        shown.update(followup_before.follow_ups(index, items))
    return shown, {where: None for where in shown}


def measure(truth: dict, shown: dict, listed: dict, which: str | None) -> dict:
    """The counts behind every figure, over the recommendations of one half (`which`: "dev"
    or "held-out") or of all of `truth` (None)."""
    f = dict.fromkeys(("recs", "listed", "addressee_right", "shown", "shown_true", "with_later",
                       "found", "none_truth", "none_right", "status_right"), 0)
    misses = []
    for where, rec in truth.items():
        if which is not None and half(rec["authority"]) != which:
            continue
        f["recs"] += 1
        f["listed"] += where in listed
        f["addressee_right"] += listed.get(where) == rec["addressee"]
        later = shown.get(where, [])
        true = [row for row in later if (row["report_id"], row["passage_id"]) in rec["later"]]
        f["shown"] += len(later)
        f["shown_true"] += len(true)
        f["status_right"] += sum(rec["later"][(r["report_id"], r["passage_id"])] == r["status"]
                                 for r in true)
        if rec["later"]:
            f["with_later"] += 1
            f["found"] += bool(true)
        else:
            f["none_truth"] += 1
            f["none_right"] += not later
        if len(true) < len(later) or (rec["later"] and not true):
            misses.append((where, rec["quote"][:70], [(r["report_id"], r["passage_id"], r["status"])
                                                      for r in later], sorted(rec["later"])))
    f["misses"] = misses
    return f


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "n/a (0/0)"


def print_figures(name: str, which: str, f: dict) -> None:
    print(f"{name:<7} {which:<9} recommendations {f['recs']}, listed {ratio(f['listed'], f['recs'])}, "
          f"addressee right {ratio(f['addressee_right'], f['recs'])}")
    print(f"{'':<17} precision {ratio(f['shown_true'], f['shown'])}, recall "
          f"{ratio(f['found'], f['with_later'])}, not mentioned right "
          f"{ratio(f['none_right'], f['none_truth'])}, status right "
          f"{ratio(f['status_right'], f['shown_true'])}")


def candidates(records, keys, truth, vectors, reach: Counter | None = None):
    """Features and labels (1: the truth lists it) of every checked candidate of the truth
    recommendations of `keys`; `reach` counts the recommendations with a follow-up
    ("followed"), those with one among their checked candidates ("checked") and among the
    first three by the current weights ("top3")."""
    rows, labels = [], []
    reach = Counter() if reach is None else reach
    for key in keys:
        items = [records[m["report_id"]] for m in authorities.by_authority(records)[key]]
        pool = followups.Pool.of(items[1:], vectors)
        for (report_id, passage_id), rec in truth.items():
            if rec["authority"] != key:
                continue
            section, text = next((s, p["text"]) for s in records[report_id]["sections"]
                                 for p in s["passages"] if p["passage_id"] == passage_id)
            after = dated(records[report_id]).sort_key
            vector = vectors([passage_text(section["heading"] or "", text)])[0]
            item = {"text": text, "addressee": rec["addressee"], "heading": section["heading"],
                    "path": section.get("path")}
            hits = []
            for _, row, found in followups.scored(item, vector, pool, after):
                report, _, passage = pool.rows[row]
                rows.append(found)
                hits.append((report["report_id"], passage["passage_id"]) in rec["later"])
            labels += hits
            if rec["later"]:
                reach.update(followed=1, checked=any(hits), top3=any(hits[:3]))
    return np.array(rows), np.array(labels, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, rounds: int = 25) -> np.ndarray:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias)."""
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(rounds):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def train(index, records, keys, truth, vectors) -> None:
    """Fit the re-ranking on the development half and choose the probability to show."""
    dev = [k for k in keys if half(k) == "dev"]
    reach = Counter()
    x, y = candidates(records, dev, truth, vectors, reach)
    weights = fit(x, y)
    print(f"dev candidates {len(y)}, follow-ups among them {int(y.sum())}; of "
          f"{reach['followed']} recommendations with a follow-up, {reach['checked']} have one "
          f"among their checked candidates, {reach['top3']} in their first three (weights "
          f"before this fit)")
    print("WEIGHTS = np.array([" + ", ".join(f"{w:.3f}" for w in weights) + "])")
    followups.WEIGHTS = weights
    best = None
    for threshold in np.arange(0.2, 0.81, 0.05):
        followups.MIN_PROBABILITY = float(threshold)
        f = measure(truth, *after_method(index, records, dev, vectors), "dev")
        p = f["shown_true"] / f["shown"] if f["shown"] else 0.0
        r = f["found"] / f["with_later"] if f["with_later"] else 0.0
        n = f["none_right"] / f["none_truth"] if f["none_truth"] else 0.0
        print(f"MIN_PROBABILITY={threshold:.2f}: precision {p:.2f} recall {r:.2f} "
              f"not mentioned right {n:.2f}")
        key = min(p / 0.9, r / 0.8, n / 0.9)
        best = max(best or (key, threshold), (key, threshold))
    print(f"best on dev: MIN_PROBABILITY={best[1]:.2f}")


def status_alone(records, truth: dict, halves=HALVES) -> None:
    """The status rule (indexer.answers.followup_status) on every truth pair of each half,
    whatever the matcher shows: right / pairs, and truth -> given counts."""
    def section_and_text(report_id, passage_id):
        return next((s["key"], p["text"]) for s in records[report_id]["sections"]
                    for p in s["passages"] if p["passage_id"] == passage_id)
    for which in halves:
        confusion = Counter()
        for where, rec in truth.items():
            if half(rec["authority"]) != which:
                continue
            _, text = section_and_text(*where)
            for later, wanted in rec["later"].items():
                section, passage = section_and_text(*later)
                confusion[(wanted, followup_status.status(text, passage, section)[0])] += 1
        right = sum(n for (a, b), n in confusion.items() if a == b)
        print(f"status alone, {which}: right {ratio(right, sum(confusion.values()))}; "
              + ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(confusion.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory")
    parser.add_argument("--train", action="store_true",
                        help="fit the re-ranking and its threshold on the development half")
    parser.add_argument("--misses", action="store_true", help="list wrong and missed follow-ups")
    parser.add_argument("--truth", default=str(TRUTH), help="folder of truth files (*.tsv)")
    parser.add_argument("--status", action="store_true",
                        help="also the status rule alone on every truth pair of each half")
    parser.add_argument("--half", choices=HALVES, help="print this half only (tune on dev)")
    args = parser.parse_args()
    halves = (args.half,) if args.half else HALVES
    index = SearchIndex(args.index)
    records = index.records()
    truth, lost = truth_recommendations(read_truth(args.truth), Locator(records))
    keys = sorted({rec["authority"] for rec in truth.values()})
    print(f"truth: {len(truth)} recommendations of {len(keys)} authorities "
          f"(dev {sum(half(k) == 'dev' for k in keys)}, held-out "
          f"{sum(half(k) == 'held-out' for k in keys)}); quotes found in no passage: {len(lost)}")
    for report_id, quote in lost:
        print(f"  not found: {report_id}: {quote!r}")
    vectors = StoredVectors(index.generation_path())  # as the build reads them
    if args.train:
        train(index, records, keys, truth, vectors)
        return
    if args.status:
        status_alone(records, truth, halves)
    for name, method in (("before", before_method), ("after", after_method)):
        shown, listed = method(index, records, keys, vectors)
        for which in halves:
            f = measure(truth, shown, listed, which)
            print_figures(name, which, f)
            if args.misses and name == "after":
                for miss in f["misses"]:
                    print("   miss", *miss, sep="\n     ")


if __name__ == "__main__":
    main()
