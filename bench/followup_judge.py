"""Benchmark: does the pair judge move the follow-ups' curve? Development half only.

Every checked candidate of the development half's truth recommendations (followups.scored:
the 13 FEATURES), leave-one-authority-out within that half: the first-stage model refitted
without the authority gives its candidates' probabilities ("without"); then the JUDGED most
likely of each recommendation (first-stage probability >= JUDGED_FLOOR) are read by the
pair judge (its best and second-best sentence cosines) and a second-stage model over the 15
JUDGED_FEATURES, refitted without the authority, gives theirs ("with"). For each threshold T the page's rule (the three most
likely with probability >= T): precision / recall / not mentioned right. Then a paired
bootstrap over authorities of the difference at three thresholds. The held-out half is never
read here.

    python -m bench.followup_judge --index /tmp/corpus-index [--judged 8] [--floor 0.1]
"""
from __future__ import annotations

import argparse

import numpy as np

from bench.followup import Locator, fit, half, read_truth, truth_recommendations
from indexer.answers import authority_history as authorities
from indexer.answers import followups
from indexer.answers.followup_store import StoredVectors
from indexer.answers.pair_judge import PairJudge
from indexer.index.vectors import passage_text
from indexer.models import dated
from indexer.search.service import SearchIndex

THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def collect(records, truth, vectors, judge):
    """One entry per development recommendation: its authority, whether the truth has a
    follow-up, its candidates' FEATURES, labels and texts."""
    groups, out = authorities.by_authority(records), []
    for key in sorted({r["authority"] for r in truth.values() if half(r["authority"]) == "dev"}):
        pool = followups.Pool.of([records[m["report_id"]] for m in groups[key]][1:], vectors)
        for (report_id, passage_id), rec in truth.items():
            if rec["authority"] != key:
                continue
            section, text = next((s, p["text"]) for s in records[report_id]["sections"]
                                 for p in s["passages"] if p["passage_id"] == passage_id)
            item = {"text": text, "addressee": rec["addressee"], "heading": section["heading"],
                    "path": section.get("path")}
            vector = vectors([passage_text(section["heading"] or "", text)])[0]
            found = followups.scored(item, vector, pool, dated(records[report_id]).sort_key)
            out.append({"authority": key, "has": bool(rec["later"]), "text": text,
                        "x": np.array([x for _, _, x in found]).reshape(-1, 13),
                        "y": np.array([(pool.rows[row][0]["report_id"],
                                        pool.rows[row][2]["passage_id"]) in rec["later"]
                                       for _, row, _ in found], float),
                        "texts": [pool.rows[row][2]["text"] for _, row, _ in found]})
    return out


def left_out(recs, features, rows=None):
    """Each recommendation's probabilities from a model fitted without its authority;
    `rows[i]`: the candidates of recommendation i that take part (default all)."""
    rows = rows or [np.arange(len(r["y"])) for r in recs]
    probs = [np.zeros(len(r["y"])) for r in recs]
    for authority in sorted({r["authority"] for r in recs}):
        train = [i for i, r in enumerate(recs) if r["authority"] != authority]
        x = np.vstack([features(i)[rows[i]] for i in train])
        y = np.concatenate([recs[i]["y"][rows[i]] for i in train])
        weights = fit(x, y)
        for i, r in enumerate(recs):
            if r["authority"] == authority and rows[i].size:
                probs[i][rows[i]] = 1.0 / (1.0 + np.exp(-features(i)[rows[i]] @ weights))
    return probs


def counts(recs, probs, threshold):
    """authority -> [shown, shown right, with a follow-up, found, none in truth, none right]."""
    out = {}
    for r, p in zip(recs, probs):
        shown = [j for j in np.argsort(-p, kind="stable") if p[j] >= threshold][:3]
        right = int(r["y"][shown].sum()) if shown else 0
        out.setdefault(r["authority"], np.zeros(6))
        out[r["authority"]] += [len(shown), right, r["has"], r["has"] and right > 0,
                                not r["has"], not r["has"] and not shown]
    return out


def figures(c) -> tuple[float, float, float]:
    total = sum(c.values())
    return (total[1] / max(total[0], 1), total[3] / max(total[2], 1), total[5] / max(total[4], 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory")
    parser.add_argument("--judged", type=int, default=followups.JUDGED)
    parser.add_argument("--floor", type=float, default=followups.JUDGED_FLOOR,
                        help="judge only candidates whose first-stage probability reaches it")
    args = parser.parse_args()
    index = SearchIndex(args.index)
    records = index.records()
    truth, _ = truth_recommendations(read_truth(), Locator(records))
    judge = PairJudge()
    recs = collect(records, truth, StoredVectors(index.generation_path()), judge)
    without = left_out(recs, lambda i: recs[i]["x"])
    top = [np.sort([j for j in np.argsort(-p, kind="stable")[:args.judged] if p[j] >= args.floor]
                   ).astype(int) for p in without]
    read = [np.zeros((len(r["y"]), 2)) for r in recs]
    for r, rows, pairs in zip(recs, top, read):
        pairs[rows] = judge(r["text"], [r["texts"][j] for j in rows])
    with_judge = left_out(recs, lambda i: np.column_stack([recs[i]["x"], read[i]]), top)
    print(f"development half: {len(recs)} recommendations, {sum(len(r['y']) for r in recs)} "
          f"checked candidates, {sum(t.size for t in top)} judged ({args.judged} each at most, "
          f"first-stage probability >= {args.floor}); "
          f"pairs judged {judge.computed}")
    print("threshold: precision / recall / not mentioned right (leave one authority out)")
    for name, probs in (("without", without), ("with", with_judge)):
        print(f"{name:<8}", "  ".join(f"{t:.2f}: " + " / ".join(
            f"{v:.2f}" for v in figures(counts(recs, probs, t))) for t in THRESHOLDS))
    rng, names = np.random.default_rng(7), sorted({r["authority"] for r in recs})
    for threshold in (0.4, 0.45, 0.5):
        a, b = counts(recs, without, threshold), counts(recs, with_judge, threshold)
        picks = [rng.choice(names, len(names)) for _ in range(2000)]
        drawn = np.array([np.subtract(figures({n: b[k] for n, k in enumerate(pick)}),
                                      figures({n: a[k] for n, k in enumerate(pick)}))
                          for pick in picks])
        print(f"T {threshold:.2f}, with - without (bootstrap over authorities, 95%): " + ", ".join(
            f"{name} {d.mean():+.3f} [{np.percentile(d, 2.5):+.3f}, {np.percentile(d, 97.5):+.3f}]"
            for name, d in zip(("precision", "recall", "not mentioned"), drawn.T)))


if __name__ == "__main__":
    main()
