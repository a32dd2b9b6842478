"""Benchmark: the follow-up tracker (/followups, /api/followups) taking its matches'
passage ids from the generation's chunk-id column (after) against reading each match's
stored fields (before), in one run over one served index.

Serves the app from a thread (bench.features.serve); "before" clears the served
generation's column (`Generation.passages = None`: indexer.search.service.passage_keys then
reads stored fields, as it did before the column). Each URL is asked first cold (once per
way, alternating which way goes first) and then ROUNDS times each way, alternating. Prints
the median and p95 in milliseconds of each way, the cold requests apart, beside
/api/search measured in the same run, and whether both ways gave the same JSON.

    python -m bench.tracker_speed --index /tmp/scale/ix-100000 --rounds 5
"""
from __future__ import annotations

import argparse
import json
import statistics
import urllib.parse
import urllib.request

from bench.features import QUERIES, percentile, serve, timed

PAGES = ("/followups", "/api/followups")


def same_json(base: str, generation, url: str) -> bool:
    """Whether /api/followups answers alike both ways."""
    found = []
    for passages in (generation.passages, None):
        kept, generation.passages = generation.passages, passages
        with urllib.request.urlopen(base + url) as response:
            found.append(json.loads(response.read()))
        generation.passages = kept
    return found[0] == found[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    base, server = serve(args.index)
    app_index = server.app.extensions["ofsted_index"]
    timed(base + "/api/search?q=warm")
    generation = app_index.generation()
    column = generation.passages
    if column is None:
        raise SystemExit("this index has no chunk-id column: build it with this code")
    samples = {(page, way): [] for page in PAGES for way in ("before", "after")}
    cold = {key: [] for key in samples}
    search = []

    def ask(page: str, way: str, query: str, into: dict) -> None:
        generation.passages = column if way == "after" else None
        into[(page, way)].append(timed(f"{base}{page}?{urllib.parse.urlencode({'q': query})}"))
        generation.passages = column

    for number, query in enumerate(QUERIES):
        ways = ("before", "after") if number % 2 == 0 else ("after", "before")
        for page in PAGES:
            for way in ways:
                ask(page, way, query, cold)
    for _ in range(args.rounds):
        for number, query in enumerate(QUERIES):
            search.append(timed(f"{base}/api/search?{urllib.parse.urlencode({'q': query})}"))
            for page in PAGES:
                for way in (("before", "after") if number % 2 == 0 else ("after", "before")):
                    ask(page, way, query, samples)
    baseline = statistics.median(search)
    print(f"index {args.index}; {len(QUERIES)} queries, {args.rounds} rounds each way, "
          f"alternating; HTTP on 127.0.0.1")
    print(f"{'request':<34} {'median ms':>10} {'p95 ms':>8} {'x search':>9}  n")
    print(f"{'/api/search (baseline)':<34} {baseline:>10.1f} {percentile(search, .95):>8.1f} "
          f"{1.0:>9.2f}  {len(search)}")
    for (page, way), values in list(cold.items()) + list(samples.items()):
        name = f"{page} {way}" + (" (cold)" if values is cold[(page, way)] else "")
        median = statistics.median(values)
        print(f"{name:<34} {median:>10.1f} {percentile(values, .95):>8.1f} "
              f"{median / baseline:>9.2f}  {len(values)}")
    alike = sum(same_json(base, generation, f"/api/followups?{urllib.parse.urlencode({'q': q})}")
                for q in QUERIES)
    print(f"same /api/followups both ways for {alike} of {len(QUERIES)} queries")
    server.shutdown()


if __name__ == "__main__":
    main()
