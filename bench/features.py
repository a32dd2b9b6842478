"""Benchmark: latency of the pages beyond search, beside /api/search, in one run.

Serves the app from a thread (werkzeug, real HTTP on 127.0.0.1) over an index and times
each endpoint with urllib: ROUNDS requests per query or authority, after one warm-up.
"/api/trends (all quoted)" asks for the same searches as phrases: beside "/api/trends" it
shows what the phrase's figures (given for unquoted words) cost.
Prints the median and p95 in milliseconds and the ratio of each median to the median of
/api/search measured in the same run. "authority page, first view" times each authority
once, before its history is cached: read from the generation's follow-up store
(indexer.answers.followup_store, filled by `python -m indexer build`), or computed then
when the index has none; "history() without the store" times that computation
in-process for the same authorities, in the same run.

    python -m bench.features --index /tmp/corpus-index
    python -m bench.features --index /tmp/scale/ix-100000 --rounds 5
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.parse
import urllib.request


import logging

from werkzeug.serving import make_server

from indexer.answers.authority_history import by_authority, history
from indexer.search.service import SearchIndex
from webui import create_app

QUERIES = ("drift and delay", "management oversight", "private fostering", "care leavers",
           "\"child sexual exploitation\"")


def serve(index: str) -> tuple[str, object]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app({"OFSTED_INDEX": index}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def timed(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        response.read()
        assert response.status == 200, url
    return (time.perf_counter() - start) * 1000


def endpoints(keys: list[str]) -> dict[str, list[str]]:
    q = [urllib.parse.urlencode({"q": query}) for query in QUERIES]
    # the same searches as exact phrases: trends then run one match, not two (the words and
    # the phrase beside them, docs/decisions/0034-honest-numbers.md)
    quoted = [urllib.parse.urlencode({"q": '"' + query.strip('"') + '"'}) for query in QUERIES]
    pairs = [f"authority={a}&authority={b}" for a, b in zip(keys[::2], keys[1::2])][:5]
    return {
        "/api/search (baseline)": [f"/api/search?{x}" for x in q],
        "/api/trends": [f"/api/trends?{x}" for x in q],
        "/api/trends (all quoted)": [f"/api/trends?{x}" for x in quoted],
        "/api/trends by=type": [f"/api/trends?{x}&by=type" for x in q],
        "/trends (HTML)": [f"/trends?{x}" for x in q],
        "/api/authorities": ["/api/authorities"],
        "/authorities (HTML)": ["/authorities"],
        "/api/authorities/<key> (cached)": [f"/api/authorities/{k}" for k in keys[:5]],
        "/authorities/<key> (HTML, cached)": [f"/authorities/{k}" for k in keys[:5]],
        "/api/followups": [f"/api/followups?{x}" for x in q],
        "/followups (HTML)": [f"/followups?{x}" for x in q],
        "/api/compare": [f"/api/compare?{p}&{x}" for p, x in zip(pairs, q)],
        "/compare (HTML)": [f"/compare?{p}&{x}" for p, x in zip(pairs, q)],
        "/search.atom": [f"/search.atom?{x}" for x in q],
        "/export.json": [f"/export.json?{x}" for x in q],
        "/export.ris": [f"/export.ris?{x}" for x in q],
        "/export.bib": [f"/export.bib?{x}" for x in q],
        "/api/openapi.json": ["/api/openapi.json"],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    records = SearchIndex(args.index).records()
    groups = by_authority(records)
    keys = sorted(groups, key=lambda k: (-len(groups[k]), k))  # most inspections first
    base, server = serve(args.index)
    passages = sum(len(s["passages"]) for r in records.values() for s in r["sections"])
    print(f"index {args.index}: {len(records):,} reports, {passages:,} passages; "
          f"{args.rounds} rounds per URL, HTTP on 127.0.0.1")
    first = [timed(f"{base}/api/authorities/{k}") for k in keys[5:25]]
    first_html = [timed(f"{base}/authorities/{k}") for k in keys[25:45]]
    computed = []  # the same first views without the generation's follow-up store
    for key in keys[5:25]:
        start = time.perf_counter()
        history(records, key)
        computed.append((time.perf_counter() - start) * 1000)
    results, baseline = {}, None
    for name, urls in endpoints(keys).items():
        for url in urls:
            timed(base + url)  # warm-up
        samples = [timed(base + url) for _ in range(args.rounds) for url in urls]
        results[name] = samples
        baseline = baseline or statistics.median(samples)
    results["/api/authorities/<key> (first view)"] = first
    results["/authorities/<key> (HTML, first view)"] = first_html
    results["history() without the store (first view)"] = computed
    print(f"{'endpoint':<40} {'median ms':>10} {'p95 ms':>8} {'x search':>9}  n")
    for name, samples in results.items():
        median = statistics.median(samples)
        print(f"{name:<40} {median:>10.1f} {percentile(samples, 0.95):>8.1f} "
              f"{median / baseline:>9.2f}  {len(samples)}")
    server.shutdown()


if __name__ == "__main__":
    main()
