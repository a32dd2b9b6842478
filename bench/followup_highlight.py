"""Benchmark: does the sentence a follow-up highlights hold what the hand-read truth
quotes? (decision 0036, session 11)

For every real follow-up the authority page shows for a truth recommendation of the half
(bench/followup.py's split), where the truth quotes a part of the passage (under
PART of its length): whether the highlighted sentence (`status_sentence`) holds the quote
or lies inside it. A mixed passage highlighted whole counts as not holding it (nothing is
pointed out). Run it from each checkout, before and after, on the same index:

    cd CODE && PYTHONPATH=. python -m bench.followup_highlight --index DIR [--half dev]
"""
from __future__ import annotations

import argparse
from collections import Counter

from bench.followup import (HALVES, Locator, after_method, half, norm, read_truth,
                            truth_recommendations)
from bench.followup_errors import quotes
from indexer.answers.followup_store import StoredVectors
from indexer.search.service import SearchIndex

PART = 0.8  # a quote this long or longer (a share of its passage) names the passage whole


def holds(sentence: str, quote: str, passage: str) -> bool:
    shown, wanted = norm(sentence), norm(quote)
    return shown != norm(passage) and (wanted in shown or (len(shown) > 20 and shown in wanted))


def measure(records, truth: dict, said: dict, vectors, which: str) -> Counter:
    keys = sorted({rec["authority"] for rec in truth.values() if half(rec["authority"]) == which})
    shown, _ = after_method(None, records, keys, vectors)
    counts = Counter()
    for (report_id, passage_id), rec in truth.items():
        if half(rec["authority"]) != which:
            continue
        for row in shown.get((report_id, passage_id), []):
            quote = said.get((report_id, passage_id, row["report_id"], row["passage_id"]))
            if quote is None or len(norm(quote)) >= PART * len(norm(row["text"])):
                continue
            counts["pairs"] += 1
            counts["held"] += holds(row["status_sentence"], quote, row["text"])
            counts["whole"] += norm(row["status_sentence"]) == norm(row["text"])
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory")
    parser.add_argument("--half", choices=HALVES, default="dev",
                        help="the half to measure (tune on the development half only)")
    args = parser.parse_args()
    index = SearchIndex(args.index)
    records = index.records()
    rows, locate = read_truth(), Locator(records)
    truth, _ = truth_recommendations(rows, locate)
    counts = measure(records, truth, quotes(rows, locate),
                     StoredVectors(index.generation_path()), args.half)
    print(f"{args.half}: shown real follow-ups whose truth quotes a part of the passage "
          f"{counts['pairs']}; the highlighted sentence holds the quote {counts['held']} "
          f"({counts['held'] / max(counts['pairs'], 1):.2f}); the passage highlighted whole "
          f"{counts['whole']}")


if __name__ == "__main__":
    main()
