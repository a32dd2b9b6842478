"""First-time phrases on common words: each search of a mix of phrases is the first that
reads its words' positions in this process (the generation's term cache is emptied before
every search, as in a worker that has not met the words yet), timed with the phrase
positions and common-word pairs read from the mapped files (indexer/index/positions.py,
indexer/index/pairs.py) and, in the same run, interleaved, with them hidden: `--before
whoosh` (default) hides both (Whoosh's position lists unpickled, as before positions were
on disk), `--before positions` hides the pairs only (each word's mapped positions followed,
as before the pairs). Prints the medians, tails and ratios, and the slowest phrases;
asserts nothing.

    python -m bench.scale.first_phrases INDEX [--phrases 500] [--plain] [--before positions]

The phrases are word pairs and triples that stand together in passages sampled with a
fixed seed, every word in at least --common of the passages (`exact` field). --plain
searches them unquoted (the proximity phrase over `text` that ranks plain words).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench.scale import measure
from indexer.index.analysis import make_exact_analyzer
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex

SEED = 24
SLOW_MS = 300


def phrases(generation, count: int, common: float, seed: int = SEED) -> list[str]:
    """`count` distinct phrases of 2-3 common words standing together in sampled passages."""
    reader, rng = generation.searcher.reader(), random.Random(seed)
    size, analyzer = reader.doc_count_all(), make_exact_analyzer()
    floor, found, tries = common * reader.doc_count(), {}, 0
    frequent: dict[str, bool] = {}
    while len(found) < count and tries < count * 200:
        tries += 1
        docnum = rng.randrange(size)
        if reader.is_deleted(docnum):
            continue
        words = [t.text for t in analyzer(generation.searcher.stored_fields(docnum)["text"])]
        if len(words) < 3:
            continue
        n = rng.choice((2, 3))
        at = rng.randrange(len(words) - n + 1)
        chosen = words[at:at + n]
        if all(_common(reader, w, floor, frequent) for w in chosen):
            found.setdefault(" ".join(chosen), None)
    return list(found)


def _common(reader, word: str, floor: float, seen: dict) -> bool:
    if word not in seen:
        seen[word] = reader.doc_frequency("exact", word) >= floor
    return seen[word]


HIDDEN = {"whoosh": ("positions", "pairs"), "positions": ("pairs",), "mapped": ()}


def first_time(search_index: SearchIndex, q: str, hidden: tuple[str, ...] = ()
               ) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of this process and the total of one search whose words'
    positions nothing in this process has read (on a shared machine the CPU time is the
    steadier figure: the wall time also counts the time other processes had the cores)."""
    generation = search_index.generation()
    saved = {segid: {name: getattr(arrays, name) for name in hidden}
             for segid, arrays in generation.mapped.items()}
    generation.cache.entries.clear()
    try:
        for arrays in generation.mapped.values():
            for name in hidden:  # `hidden` arrays of the segments (see HIDDEN)
                setattr(arrays, name, None)
        cpu = time.process_time()
        seconds, results = measure.timed(search_index.search,
                                         parse_params(ArgParams({"q": q, "per_page": "10"})))
        cpu = time.process_time() - cpu
    finally:
        for segid, arrays in generation.mapped.items():
            for name, value in saved[segid].items():
                setattr(arrays, name, value)
    return seconds, cpu, results.total


def slowest(mix: list[str], seconds: list[float], count: int = 10) -> list[list]:
    """The `count` slowest phrases, slowest first, with their wall milliseconds."""
    ranked = sorted(zip(seconds, mix), reverse=True)[:count]
    return [[words, round(s * 1000, 1)] for s, words in ranked]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--phrases", type=int, default=500)
    parser.add_argument("--common", type=float, default=0.02,
                        help="each word in at least this share of the passages")
    parser.add_argument("--plain", action="store_true", help="search the words unquoted")
    parser.add_argument("--mapped-only", action="store_true", help="skip the before")
    parser.add_argument("--before", choices=("whoosh", "positions"), default="whoosh",
                        help="what the before hides: positions and pairs, or pairs only")
    args = parser.parse_args(argv)
    search_index = SearchIndex(args.index, deadline=None)  # time it, never stop it
    generation = search_index.generation()
    if not any(a.positions is not None for a in generation.mapped.values()):
        raise SystemExit(f"{args.index}: no phrase positions on disk (built before them)")
    mix = phrases(generation, args.phrases, args.common)
    before = args.before
    times = {"mapped": [], before: [], "mapped_cpu": [], f"{before}_cpu": []}
    totals_differ = 0
    for n, words in enumerate(mix):
        q = words if args.plain else f'"{words}"'
        order = ["mapped"] if args.mapped_only else (
            ["mapped", before] if n % 2 else [before, "mapped"])
        totals = set()
        for name in order:
            seconds, cpu, total = first_time(search_index, q, HIDDEN[name])
            times[name].append(seconds)
            times[f"{name}_cpu"].append(cpu)
            totals.add(total)
        totals_differ += len(totals) > 1
    found = {"index": str(args.index), "phrases": len(mix), "plain": args.plain,
             "common": args.common, "totals_differ": totals_differ,
             "examples": mix[:5], "started": time.strftime("%F %T"),
             "slowest": slowest(mix, times["mapped"])}
    for name, seconds in times.items():
        if seconds:
            found[name] = measure.summary(seconds) | {
                f"over_{SLOW_MS}_ms": sum(s * 1000 > SLOW_MS for s in seconds)}
    print(json.dumps(found, indent=1))
    if times[before]:
        for kind in ("", "_cpu"):
            was, after = found[before + kind], found["mapped" + kind]
            print(f"first-time phrases{' CPU' if kind else ' wall'}: before ({before}) p50 "
                  f"{was['p50']} / p99 {was['p99']} / max {was['max']} ms, "
                  f"{was[f'over_{SLOW_MS}_ms']} over {SLOW_MS} ms; after p50 "
                  f"{after['p50']} / p99 {after['p99']} / max {after['max']} ms, "
                  f"{after[f'over_{SLOW_MS}_ms']} over {SLOW_MS} ms; before/after p50 "
                  f"{was['p50'] / after['p50']:.1f}x, max {was['max'] / after['max']:.1f}x")
        print(f"totals differing: {totals_differ} of {len(mix)}")


if __name__ == "__main__":
    main()
