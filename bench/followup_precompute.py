"""Benchmark: the build's follow-up precompute, embedding every passage again (before)
against reading the vectors the build already stored (after), in one run.

For a sample of authorities (the ones with most reports first, then by name), times
`authority_history.history` both ways in this process: `embed` (the embedding model over
every later passage and recommendation, as the precompute did before) and
`followup_store.StoredVectors` (the generation's stored rows, found by text key; a text
not stored is embedded). Prints the median and total CPU seconds of each (the process's
own time: other work on a shared machine does not count), their ratio, the
texts found stored and embedded, and whether both ways gave the same follow-ups.

    python -m bench.followup_precompute --index /tmp/corpus-index --authorities 8
"""
from __future__ import annotations

import argparse
import statistics
import time

from indexer.answers import authority_history
from indexer.answers.followup_store import StoredVectors
from indexer.index.embedding import embed
from indexer.search.service import SearchIndex


def shown(data: dict) -> list[tuple]:
    """Every recommendation's follow-ups (passage ids), to compare the two ways."""
    return [(rec["passage_id"], tuple(l["passage_id"] for l in rec["later"]))
            for inspection in data["inspections"] for rec in inspection["recommendations"]]


def timed(records, key: str, vectors) -> tuple[float, dict]:
    """CPU seconds of this process (a loaded machine's waits left out) and the history."""
    started = time.process_time()
    data = authority_history.history(records, key, vectors)
    return time.process_time() - started, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--authorities", type=int, default=8)
    args = parser.parse_args()
    index = SearchIndex(args.index)
    records = index.records()
    groups = authority_history.by_authority(records)
    keys = sorted(groups, key=lambda k: (-len(groups[k]), k))[:args.authorities]
    stored = StoredVectors(index.generation_path())
    embed(["warm the model"])
    before, after, same = [], [], 0
    for key in keys:
        seconds, old = timed(records, key, embed)
        before.append(seconds)
        seconds, new = timed(records, key, stored)
        after.append(seconds)
        same += shown(old) == shown(new)
    print(f"{len(keys)} authorities ({sum(len(groups[k]) for k in keys)} reports) of "
          f"{len(groups)}; index {args.index}")
    for name, values in (("embedding again (before)", before), ("stored vectors (after)", after)):
        print(f"  {name:<26} median {statistics.median(values):.3f} s CPU, total {sum(values):.2f} s")
    print(f"  ratio of totals (before / after): {sum(before) / max(sum(after), 1e-9):.1f}x")
    print(f"  texts read stored {stored.stored}, embedded {stored.embedded}; same follow-ups "
          f"both ways for {same} of {len(keys)} authorities")


if __name__ == "__main__":
    main()
