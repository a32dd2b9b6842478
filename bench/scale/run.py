"""Runner of the scale benchmark: build, in-process latency, HTTP latency and load, beside
two baselines doing the same job on the same passages in the same run, query by query:
SQLite FTS5 (bench/scale/sqlite_fts.py) and tantivy (bench/scale/tantivy_fts.py).
Prints the ratios; asserts nothing.

    python -m bench.scale.run --passages 100000 [--rounds 5] [--load-seconds 60]

Generated corpora, indexes and results go to /tmp/scale, or --work (never into the
repository).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from whoosh import index as whoosh_index

from bench.scale import exactness, generate, http, load, measure, sqlite_fts, tantivy_fts
from bench.scale import queries as query_set
from bench.scale.queries import QUERIES
from indexer.errors import BadRequest
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex

WORK = Path("/tmp/scale")
ROOT = generate.ROOT
BASELINES = {"sqlite": sqlite_fts, "tantivy": tantivy_fts}


def build_both(corpus: Path, index: Path, baselines: dict, skip: bool,
               followups: bool = True) -> dict:
    """Our full build (parse + index, a subprocess; with the follow-up precompute unless
    `followups` is false), then each baseline's load of the same passages (`baselines`:
    name -> where its index goes), each under GNU time."""
    found = {}
    if not (skip and (index / "current").exists()):
        shutil.rmtree(index, ignore_errors=True)
        command = (["-m", "indexer", "build", str(corpus), "--index", str(index), "--json"]
                   if followups else ["-m", "bench.scale.build_index", str(corpus), str(index)])
        ours = measure.run_timed([sys.executable, *command], ROOT)
        stats = json.loads(ours.pop("stdout"))
        found["ours"] = ours | {"passages": stats["chunks"], "reports": stats["reports"]}
    generation = (index / "current").resolve()
    found["ours_index_mb"] = round(measure.dir_mb(generation / "whoosh"), 1)
    found["ours_generation_mb"] = round(measure.dir_mb(generation), 1)
    for name, path in baselines.items():
        theirs = measure.run_timed([sys.executable, "-m", BASELINES[name].__name__,
                                    str(generation), str(path)], ROOT)
        found[name] = theirs | {"seconds_inserting": float(theirs.pop("stdout"))}
        found[f"{name}_index_mb"] = round(measure.dir_mb(path) if path.is_dir()
                                          else path.stat().st_size / 2**20, 1)
    return found


def commonest_word(index: Path) -> str:
    """The word in most passages that a user can search for (the `exact` field keeps stop
    words; the first one the text analyzer keeps), read before the timed index opens."""
    ix = whoosh_index.open_dir(str(index / "current" / "whoosh"))
    try:
        with ix.reader() as reader:
            counts = sorted(((info.doc_frequency(), term) for term, info in
                             reader.iter_field("exact")), reverse=True)
            analyzer = ix.schema["text"].analyzer
            for _, term in counts[:200]:
                word = term.decode("utf-8")
                if any(True for _ in analyzer(word)):
                    return word
    finally:
        ix.close()
    raise ValueError("no searchable word in the index")


def in_process(index: Path, baselines: dict, rounds: int, whoosh_rounds: int) -> dict:
    """The first query after the generation opens (the commonest word), a cold pass, then
    warm rounds, ours and each baseline's interleaved query by query."""
    word = commonest_word(index)
    rss_before = measure.rss_mb()
    search_index = SearchIndex(index)
    open_s, generation = measure.timed(search_index.generation)
    first_s, _ = measure.timed(search_index.search, parse_params(ArgParams({"q": word})))
    engines = {name: BASELINES[name].Baseline(path) for name, path in baselines.items()}
    times = {name: {"cold": [], "warm": []} for name in ["ours", *engines]}
    per_query = {q.name: {name: [] for name in times} | {"total": None} for q in QUERIES}
    for phase, repeat in (("cold", 1), ("warm", rounds)):
        for _ in range(repeat):
            for q in QUERIES:
                seconds, results = measure.timed(_answer, search_index, q)
                taken = {"ours": seconds} | {name: measure.timed(engine.search, q)[0]
                                             for name, engine in engines.items()}
                for name, s in taken.items():
                    times[name][phase].append(s)
                    if phase == "warm":
                        per_query[q.name][name].append(s)
                per_query[q.name]["total"] = getattr(results, "total", "400")
    found = {"open_seconds": round(open_s, 2),
             "first_query": {"q": word, "ms": round(first_s * 1000, 1)},
             "rss_mb_index_open_and_searched":
             round(measure.rss_mb() - rss_before, 1), "peak_rss_mb": measure.peak_rss_mb(),
             "postings_cache_mb": round((generation.postings.nbytes() if generation.postings
                                         else 0) / 2**20, 1),
             "per_query_ms": {name: {f"{who}_p50": measure.summary(v[who]).get("p50")
                                     for who in times} | {"total": v["total"]}
                              for name, v in per_query.items()}}
    for name, phases in times.items():
        for phase, seconds in phases.items():
            found[f"{name}_{phase}"] = measure.summary(seconds)
    if whoosh_rounds:
        found["whoosh_alone"] = whoosh_alone(search_index, generation, whoosh_rounds)
    return found


def _answer(search_index, query):
    """Our results, or the BadRequest a small corpus gives for an authority it lacks."""
    try:
        return search_index.search(query.request())
    except BadRequest as exc:
        return exc


def whoosh_alone(search_index, generation, rounds: int) -> dict:
    """The same queries with the numpy path switched off (Whoosh's matchers and collector,
    as before this work), for a before/after in the same run."""
    saved, generation.postings = generation.postings, None
    try:
        seconds = [measure.timed(_answer, search_index, q)[0]
                   for _ in range(rounds) for q in QUERIES]
    finally:
        generation.postings = saved
    return measure.summary(seconds)


def over_http(index: Path, rounds: int, load_seconds: int, clients: int,
              answer_cache: int = 0) -> dict:
    """Sequential rounds, then wrk's load, against gunicorn -w 2. The answer cache
    (webui/answer_cache.py) is off unless asked for: with it the rounds, which repeat the
    same 35 URLs, would time the cache instead of the search."""
    found = {"answer_cache": answer_cache}
    env = {"OFSTED_ANSWER_CACHE": str(answer_cache)}
    with http.gunicorn_process(index, workers=2, env=env) as (base, server):
        found["first_requests_ms"] = [round(s * 1000) for s in http.warm(base, QUERIES)]
        # Each worker has its own caches and either may take a request: the cold pass
        # and two "warming" passes are reported apart from the warm rounds.
        cold, warming, warm, statuses = [], [], [], set()
        for phase, repeat in ((cold, 1), (warming, 2), (warm, rounds)):
            for _ in range(repeat):
                for q in QUERIES:
                    seconds, status = http.time_query(base, q)
                    phase.append(seconds)
                    statuses.add(status)
        found |= {"cold": measure.summary(cold), "warming": measure.summary(warming),
                  "warm": measure.summary(warm),
                  "statuses": sorted(statuses),
                  "worker_memory_mb_warm": _workers(server)}
        if load_seconds and load.wrk_available():
            found["load"] = load.run(base, [q.url() for q in QUERIES], clients=clients,
                                     seconds=load_seconds)
            found["worker_memory_mb_after_load"] = _workers(server)
        elif load_seconds:
            found["load"] = "wrk not installed (apt-get install -y wrk)"
    return found


def _workers(server) -> list[dict]:
    return [measure.process_memory_mb(pid) for pid in measure.children(server.pid)]


def report(results: dict) -> None:
    """Print the figures and the ratios to SQLite measured in this run."""
    ip = results.get("in_process", {})
    for phase in ("cold", "warm"):
        ours = ip.get(f"ours_{phase}")
        if ours:
            print(f"in-process {phase:4s} ours    {_fmt(ours)}")
        for name in BASELINES:
            theirs = ip.get(f"{name}_{phase}")
            if ours and theirs:
                print(f"in-process {phase:4s} {name:7s} {_fmt(theirs)}   {name}/ours: p50 "
                      f"{theirs['p50'] / ours['p50']:.2f}x  p95 "
                      f"{theirs['p95'] / ours['p95']:.2f}x")
    if "first_query" in ip and ip.get("ours_warm"):
        first = ip["first_query"]
        print(f"in-process first query after open ({first['q']!r}) {first['ms']} ms = "
              f"{first['ms'] / ip['ours_warm']['p95']:.1f}x the warm p95")
    if "whoosh_alone" in ip:
        print(f"in-process Whoosh alone (before) {_fmt(ip['whoosh_alone'])}")
    for phase in ("cold", "warming", "warm"):
        if phase in results.get("http", {}):
            print(f"http       {phase:11s} ours {_fmt(results['http'][phase])}")
    build = results.get("build", {})
    for name in ("ours", *BASELINES):
        if name in build:
            print(f"build {name} {build[name]['seconds']} s, peak "
                  f"{build[name]['peak_rss_mb']} MB, index {build[f'{name}_index_mb']} MB")
    for when in ("warm", "after_load"):
        for n, worker in enumerate(results.get("http", {}).get(f"worker_memory_mb_{when}", [])):
            print(f"worker {n} memory ({when}): rss {worker['rss']} MB, private "
                  f"{worker['private']} MB (of which anonymous {worker['anonymous']} MB), "
                  f"shared {worker['shared']} MB")
    load_result = results.get("http", {}).get("load")
    if isinstance(load_result, dict):
        print(f"load: {load_result.get('requests_per_second')} req/s, p50 "
              f"{load_result.get('p50_ms')} ms, p99 {load_result.get('p99_ms')} ms, "
              f"errors {load_result['errors']}")


def _fmt(s: dict) -> str:
    return f"p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  p99 {s['p99']:7.1f}  max {s['max']:7.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--source", type=Path, help="an index of the real corpus (or a "
                        "generation, its reports.sqlite, or an older reports.json)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--whoosh-rounds", type=int, default=0,
                        help="also time Whoosh alone (numpy path off) this many rounds")
    parser.add_argument("--skip-build", action="store_true", help="reuse an existing index")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--load-seconds", type=int, default=0)
    parser.add_argument("--answer-cache", type=int, default=0,
                        help="OFSTED_ANSWER_CACHE of the served workers (default 0: off)")
    parser.add_argument("--http-only", action="store_true",
                        help="skip the in-process rounds (with --http or --load-seconds)")
    parser.add_argument("--skip-fts", action="store_true",
                        help="no SQLite FTS5 baseline (quick checks; reported figures keep it)")
    parser.add_argument("--skip-tantivy", action="store_true",
                        help="no tantivy baseline (reported figures keep it)")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="where the baselines' indexes and the results go")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--corpus", type=Path, help="the documents (default: generated "
                        "into /tmp/scale/corpus-N)")
    parser.add_argument("--index", type=Path, help="the index (default /tmp/scale/ix-N)")
    parser.add_argument("--mode", choices=("hybrid", "words"),
                        help="every query in this mode (default: the default, hybrid)")
    parser.add_argument("--skip-followups", action="store_true",
                        help="build the index without the follow-up precompute")
    parser.add_argument("--exactness", action="store_true",
                        help="check the numpy path against Whoosh's matchers")
    args = parser.parse_args(argv)
    global QUERIES  # every phase below reads the module's query set
    QUERIES = query_set.in_mode(QUERIES, args.mode)
    work = args.work
    corpus = args.corpus or work / f"corpus-{args.passages}"
    index = args.index or work / f"ix-{args.passages}"
    results: dict = {"passages_requested": args.passages, "started": time.strftime("%F %T"),
                     "mode": args.mode or "default"}
    if not (corpus / ".manifest.json").exists():
        generate.generate(args.passages, corpus, args.source or generate.ensure_source())
    skipped = {"sqlite": args.skip_fts, "tantivy": args.skip_tantivy}
    baselines = {} if args.http_only else {
        name: work / (f"sqlite-{args.passages}.db" if name == "sqlite"
                      else f"{name}-{args.passages}")
        for name in BASELINES if not skipped[name]}
    work.mkdir(parents=True, exist_ok=True)
    results["build"] = build_both(corpus, index, baselines, args.skip_build,
                                  followups=not args.skip_followups)
    if not args.http_only:
        results["in_process"] = in_process(index, baselines, args.rounds, args.whoosh_rounds)
    if args.exactness:
        results["exactness"] = exactness.check(str(index))
    if args.http or args.load_seconds:
        results["http"] = over_http(index, args.rounds, args.load_seconds, args.clients,
                                    args.answer_cache)
    out = work / f"results-{args.passages}-{time.strftime('%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    report(results)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
