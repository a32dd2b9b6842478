"""Tune the hybrid weights (indexer.search.hybrid.Fusion) on the judged development split
only: every combination of the values given is scored by nDCG@10 per kind on the dev
queries, best overall first. The test split is never read here.

    python -m bench.tune_hybrid --index /tmp/ix_corpus --grid meaning=0.5,1,1.5 --grid floor=0.2,0.3
    python -m bench.tune_hybrid --index /tmp/ix_corpus --grid short_sections=context+overview,context
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools

from bench import relevance
from indexer.search.hybrid import FUSION


def grid(specs: list[str]) -> list[dict]:
    axes = []
    for spec in specs:
        name, _, values = spec.partition("=")
        kind = type(getattr(FUSION, name))
        axes.append([(name, tuple(v.split("+")) if kind is tuple else kind(v))
                     for v in values.split(",")])
    return [dict(combo) for combo in itertools.product(*axes)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--grid", action="append", default=[])
    args = parser.parse_args()
    runner = relevance.Runner(args.index)
    dev = [q for q in relevance.load_queries() if q.get("split", "dev") == "dev"]
    judgments = relevance.load_judgments()
    rows = []
    for settings in grid(args.grid):
        fusion = dataclasses.replace(FUSION, **settings)
        config = relevance.Config("hybrid", relevance.RANKING, mode="hybrid", fusion=fusion)
        result = relevance.evaluate(runner, config, dev, judgments)
        rows.append((result["overall"]["ndcg@10"], settings, result))
        print(f"{result['overall']['ndcg@10']:.4f} {settings}", flush=True)
    rows.sort(key=lambda r: -r[0])
    kinds = sorted(k for k in rows[0][2] if not k.startswith("split") and k != "overall")
    print("overall " + " ".join(f"{k[:8]:>8}" for k in kinds) + "  settings")
    for score, settings, result in rows[:10]:
        print(f"{score:.4f}  " + " ".join(f"{result[k]['ndcg@10']:8.3f}" for k in kinds)
              + f"  {settings}")
    words = relevance.evaluate(runner, relevance.CURRENT, dev, judgments)
    print(f"{words['overall']['ndcg@10']:.4f}  "
          + " ".join(f"{words[k]['ndcg@10']:8.3f}" for k in kinds) + "  words (mode=words)")


if __name__ == "__main__":
    main()
