"""Benchmark: ranking quality on judged queries over the real corpus. Runs every query of
bench/data/relevance_queries.toml against a corpus index with the current search
(SearchIndex itself, in both modes: `words` = RANKING, expansion, an authority's name read
as a filter, the most-of-your-words fallback; `hybrid` = words and meaning fused,
indexer.search.hybrid, the default; a --set variant is SearchIndex(ranking=variant), a
--fusion variant other hybrid weights) and, in the same run,
a baseline through SearchIndex too (Whoosh's BM25F defaults: B=0.75, K1=1.2, Whoosh's idf,
the original field boosts, no expansion), and prints nDCG@10, MRR and Recall@50 per query
kind, per split (dev: tune on it; test) and overall, from the graded judgments in bench/data/relevance_judgments.tsv (query
id, report_id/passage_id, grade 0-2; unjudged passages count as 0). Boilerplate is
excluded, as in the search.

    python -m bench.relevance --index /tmp/ix_corpus [--set b=0.5 --set proximity_boost=0]
    python -m bench.relevance --index /tmp/ix_corpus --pool pool.tsv   # unjudged, to judge
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import math
import random
import statistics
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from indexer.index import report_store, store
from indexer.search.hybrid import FUSION, Fusion
from indexer.search.ranking import RANKING, Ranking
from indexer.models import SearchRequest
from indexer.search.service import SearchIndex

DATA = ROOT / "bench" / "data"
QUERIES_FILE = DATA / "relevance_queries.toml"
JUDGMENTS_FILE = DATA / "relevance_judgments.tsv"
DEPTH = 50  # ranks retrieved per query (Recall@50)
POOL_DEPTH = 50  # ranks of each configuration pooled for judging
VARIANT_POOL_DEPTH = 10  # ranks of each query variant (current configuration) pooled


@dataclass(frozen=True)
class Config:
    name: str
    ranking: Ranking
    expand: bool = True
    mode: str = "words"  # "words" or "hybrid" (SearchRequest.mode)
    fusion: Fusion = FUSION  # hybrid weights


BASELINE = Config("baseline", Ranking(b=0.75, k1=1.2, idf="whoosh", proximity_boost=0.0,
                                      field_boosts={"text": 1.0, "heading": 0.6, "title": 0.2}),
                  expand=False)
CURRENT = Config("words", RANKING)  # today's search with mode=words
HYBRID = Config("hybrid", RANKING, mode="hybrid")  # the default: words and meaning


def load_queries(path: Path = QUERIES_FILE) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["query"]


def load_judgments(path: Path = JUDGMENTS_FILE) -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = {}
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if row and not row[0].startswith("#"):
                    judged.setdefault(row[0], {})[row[1]] = int(row[2])
    return judged


class Runner:
    """Runs queries against one index with a given configuration, each through a
    SearchIndex of its own ranking (SearchIndex(path, ranking=...))."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = index_dir
        self.generation = store.current_generation(index_dir)
        self._indexes: dict[str, SearchIndex] = {}

    def ranked(self, text: str, config: Config, limit: int = DEPTH) -> list[str]:
        """Chunk ids (report_id/passage_id), best first."""
        request = SearchRequest(query=text, per_page=limit, expand=config.expand,
                                mode=config.mode)
        results = self.search(self._index(config.ranking), request, config.fusion)
        return [f"{hit.report_id}/{p.passage_id}" for hit in results.hits
                for p in hit.passages][:limit]

    @staticmethod
    def search(index: SearchIndex, request: SearchRequest, fusion: Fusion = FUSION):
        """SearchIndex's search without snippets, with other hybrid weights when tuning."""
        if fusion is FUSION:
            return index.search(request, snippets=False)
        with index._lease() as generation, generation.checkout() as reader:
            answer = index._search(generation, reader, request)
            answer.fusion, answer.snippets = fusion, False
            return answer.run()

    def _index(self, ranking: Ranking) -> SearchIndex:
        key = repr(ranking)  # a Ranking holds dicts: its repr is its identity
        if key not in self._indexes:
            # no deadline: a benchmark of quality, on a machine that may be busy
            self._indexes[key] = SearchIndex(self.index_dir, deadline=None, ranking=ranking)
        return self._indexes[key]


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum(grades.get(c, 0) / math.log2(i + 2) for i, c in enumerate(ranked[:k]))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    return next((1 / (i + 1) for i, c in enumerate(ranked) if grades.get(c, 0) > 0), 0.0)


def recall(ranked: list[str], grades: dict[str, int], k: int = DEPTH) -> float:
    relevant = {c for c, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def per_query(runner: Runner, config: Config, queries=None, judgments=None) -> dict:
    """{query id: (nDCG@10, reciprocal rank, Recall@50)}."""
    queries = queries or load_queries()
    judgments = judgments if judgments is not None else load_judgments()
    rows = {}
    for query in queries:
        grades = judgments.get(query["id"], {})
        ranked = runner.ranked(query["text"], config)
        rows[query["id"]] = (ndcg(ranked, grades), reciprocal_rank(ranked, grades),
                             recall(ranked, grades))
    return rows


def evaluate(runner: Runner, config: Config, queries=None, judgments=None) -> dict:
    """{kind: {"ndcg@10", "mrr", "recall@50", "queries"}} plus "overall"."""
    queries = queries or load_queries()
    scores = per_query(runner, config, queries, judgments)
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for query in queries:
        row = scores[query["id"]]
        rows.setdefault(query["kind"], []).append(row)
        rows.setdefault("overall", []).append(row)
        rows.setdefault(f"split {query.get('split', 'dev')}", []).append(row)
    return {kind: {"ndcg@10": statistics.mean(r[0] for r in values),
                   "mrr": statistics.mean(r[1] for r in values),
                   "recall@50": statistics.mean(r[2] for r in values),
                   "queries": len(values)}
            for kind, values in rows.items()}


def write_pool(runner: Runner, path: Path, configs: list[Config], depth: int = POOL_DEPTH,
               only: set[str] | None = None) -> int:
    """Unjudged passages from the top `depth` ranks of each configuration and query
    variant (in each mode), one TSV row each (query id, chunk id, empty grade, heading,
    text), for judging: shuffled (seeded), so neither the rank nor the configuration that
    found a passage shows. `only`: these query ids."""
    judgments, texts = load_judgments(), _passage_texts(runner.generation)
    rows = []
    for query in load_queries():
        if only and query["id"] not in only:
            continue
        seen = set(judgments.get(query["id"], {}))
        runs = [(query["text"], c, depth) for c in configs] + [
            (v, c, VARIANT_POOL_DEPTH) for v in query.get("variants", [])
            for c in (CURRENT, HYBRID)]
        for text, config, limit in runs:
            for chunk in runner.ranked(text, config, limit):
                if chunk not in seen:
                    seen.add(chunk)
                    heading, body = texts.get(chunk, ("", ""))
                    rows.append([query["id"], chunk, "", heading[:60], body])
    random.Random(19).shuffle(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t").writerows(rows)
    return len(rows)


def _passage_texts(generation: Path) -> dict[str, tuple[str, str]]:
    """chunk id -> (heading, passage text) for every passage of a generation."""
    texts = {}
    for report in report_store.load(generation).values():
        for section in report["sections"]:
            for passage in section["passages"]:
                texts[f"{report['report_id']}/{passage['passage_id']}"] = (
                    section["heading"], passage["text"].replace("\t", " "))
    return texts


def _print_per_query(runner, configs, queries, judgments) -> None:
    table = {c.name: per_query(runner, c, queries, judgments) for c in configs}
    print("query " + "".join(f"{c.name[:18]:>20}" for c in configs) + "   (nDCG@10 / R@50)")
    for query in queries:
        cells = "".join(f"{ndcg_:>12.3f} /{recall_:5.2f}" for ndcg_, _, recall_ in
                        (table[c.name][query["id"]] for c in configs))
        print(f"{query['id']:5} {cells}   {query['text'][:40]}")


def _parse_setting(text: str) -> tuple[str, object]:
    name, _, value = text.partition("=")
    if name == "idf":
        return name, value
    if name == "expansions":
        return name, tuple(v for v in value.split("+") if v)
    if name == "field_boosts":
        return name, {k: float(v) for k, v in (p.split(":") for p in value.split(","))}
    kind = type(getattr(RANKING, name))
    return name, kind(value)


def _parse_fusion(text: str) -> tuple[str, object]:
    name, _, value = text.partition("=")
    kind = type(getattr(FUSION, name))
    return name, tuple(value.split("+")) if kind is tuple else kind(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index of ../shared/corpus")
    parser.add_argument("--set", action="append", default=[],
                        help="try a variant of the current ranking, e.g. b=0.5 or "
                             "field_boosts=text:1,heading:0.3,title:0.2")
    parser.add_argument("--no-expand", action="store_true", help="variant without expansion")
    parser.add_argument("--pool", help="write unjudged pooled passages to this TSV and stop")
    parser.add_argument("--pool-depth", type=int, default=POOL_DEPTH,
                        help=f"ranks of each configuration pooled (default {POOL_DEPTH})")
    parser.add_argument("--only", default="", help="pool only these query ids (comma-separated)")
    parser.add_argument("--fusion", action="append", default=[],
                        help="also try hybrid weights, e.g. meaning=0.5,floor=0.4 or "
                             "short_sections=context+overview")
    parser.add_argument("--per-query", action="store_true", help="print every query's figures")
    parser.add_argument("--split", choices=("dev", "test"),
                        help="only the queries of this split (tune on dev; read test once)")
    args = parser.parse_args()
    runner = Runner(args.index)
    configs = [BASELINE, CURRENT, HYBRID]
    for setting in args.fusion:
        fusion = dataclasses.replace(FUSION, **dict(map(_parse_fusion, setting.split(","))))
        configs.append(Config(f"hybrid {setting}", RANKING, mode="hybrid", fusion=fusion))
    if args.set or args.no_expand:
        ranking = dataclasses.replace(RANKING, **dict(map(_parse_setting, args.set)))
        configs.append(Config("variant " + " ".join(args.set), ranking, not args.no_expand))
    if args.pool:
        only = set(filter(None, args.only.split(",")))
        written = write_pool(runner, Path(args.pool), configs, args.pool_depth, only)
        print(f"{written} passages to judge -> {args.pool}")
        return
    queries, judgments = load_queries(), load_judgments()
    if args.split:
        queries = [q for q in queries if q.get("split", "dev") == args.split]
    print(f"{len(queries)} queries, {sum(len(j) for j in judgments.values())} judgments")
    if args.per_query:
        _print_per_query(runner, configs, queries, judgments)
    print(f"{'configuration':28} {'kind':15} {'n':>3} {'nDCG@10':>8} {'MRR':>6} {'R@50':>6}")
    for config in configs:
        for kind, m in sorted(evaluate(runner, config, queries, judgments).items(),
                              key=lambda kv: (kv[0] == "overall", kv[0])):
            print(f"{config.name[:28]:28} {kind:15} {m['queries']:3d} {m['ndcg@10']:8.4f} "
                  f"{m['mrr']:6.3f} {m['recall@50']:6.3f}")


if __name__ == "__main__":
    main()
