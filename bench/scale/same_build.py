"""Check that two builds of the same files answer alike, e.g. a parallel build and a
single-writer one (`python -m indexer build DIR --workers 1`):

- for every query text of the scale query set, the same matching chunks (by chunk_id) and the
  same score for each, from Whoosh's own matchers (docnums may differ between builds, chunk
  ids do not; scores are compared exactly, they come from the same sums of the same integers);
- for every query of the set (filters, sorts, pages), the same search answer: hits in the same
  order with the same scores and passages, totals and facet counts. With `--ties`, hits of
  equal score may come in either order (an index updated in place holds a changed report's
  passages after the others, where a full build holds them in path order, and equal scores
  are ordered by position): the hits above a page's lowest score are compared as a set
  with their scores, and of those at the lowest score only how many there are;
- with `--files` (two full builds of the same files by different code), the same bytes in
  every memory-mapped array of every segment (segments paired in the order of the table of
  contents: their ids are random) and in every file of `columns/`.

    python -m bench.scale.same_build INDEX_A INDEX_B [--ties] [--files]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq

from bench.scale.exactness import whoosh_scores
from bench.scale.queries import QUERIES
from indexer.index import store
from indexer.search.querying import plan_query
from indexer.search.service import SearchIndex


def chunk_ids(generation) -> dict[int, str]:
    return {docnum: fields["chunk_id"]
            for docnum, fields in generation.searcher.reader().iter_docs()}


def scores_by_chunk(generation, ids: dict[int, str], text: str) -> dict[str, float]:
    """Every chunk the query text matches, with the score Whoosh's matchers give it."""
    q = plan_query(text, generation.ix.schema).query
    if isinstance(q, wq.Every):
        return {chunk: 0.0 for chunk in ids.values()}
    docs, scores = whoosh_scores(generation.searcher, q)
    return {ids[int(d)]: float(s) for d, s in zip(docs, scores)}


def compare(index_a: str, index_b: str, ties: bool = False, files: bool = False
            ) -> dict[str, str | None]:
    """Query name -> None when both indexes agree, else what differs (`ties`: hits of
    equal score in any order; `files`: and the files of same_files)."""
    found = same_files(index_a, index_b) if files else {}
    return found | _answers(index_a, index_b, ties)


def same_files(index_a: str, index_b: str) -> dict[str, str | None]:
    """'files <part>' -> None when each file of the part has the same bytes in both."""
    gens = [store.current_generation(index) for index in (index_a, index_b)]
    segments = [[s.segment_id() for s in whoosh_index.open_dir(str(g / "whoosh"))._segments()]
                for g in gens]
    if len(segments[0]) != len(segments[1]):
        return {"files (segments)": f"{len(segments[0])} and {len(segments[1])} segments"}
    parts = [(f"mapped segment {n}", gens[0] / "mapped" / a, gens[1] / "mapped" / b)
             for n, (a, b) in enumerate(zip(*segments))]
    parts.append(("columns", gens[0] / "columns", gens[1] / "columns"))
    return {f"files {name}": _folder_differences(a, b) for name, a, b in parts}


def _folder_differences(a: Path, b: Path) -> str | None:
    names = sorted(p.name for p in a.iterdir() if p.name != "segments.json")  # names ids
    if names != sorted(p.name for p in b.iterdir() if p.name != "segments.json"):
        return "different files"
    unequal = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    return f"{len(unequal)} of {len(names)} files differ: {unequal}" if unequal else None


def _answers(index_a: str, index_b: str, ties: bool) -> dict[str, str | None]:
    a, b = SearchIndex(index_a, deadline=None), SearchIndex(index_b, deadline=None)
    gen_a, gen_b = a.generation(), b.generation()
    ids_a, ids_b = chunk_ids(gen_a), chunk_ids(gen_b)
    found: dict[str, str | None] = {}
    if sorted(ids_a.values()) != sorted(ids_b.values()):
        found["(every chunk)"] = f"different chunks: {len(ids_a)} and {len(ids_b)}"
    for text in sorted({q.params.get("q", "") for q in QUERIES}):
        mine, theirs = scores_by_chunk(gen_a, ids_a, text), scores_by_chunk(gen_b, ids_b, text)
        found[f"matches {text!r}"] = _differences(mine, theirs)
    for query in QUERIES:
        one = a.search(query.request()).to_dict()
        other = b.search(query.request()).to_dict()
        if ties:
            one, other = _ties_in_any_order(one), _ties_in_any_order(other)
        found[f"search {query.name}"] = None if one == other else "different search answers"
    return found


def _ties_in_any_order(answer: dict) -> dict:
    """The answer with its hits as a set above the page's lowest score, a count at it."""
    hits = answer["hits"]
    if not hits:
        return answer
    lowest = min(hit["score"] for hit in hits)
    above = sorted((repr(sorted(hit.items())) for hit in hits if hit["score"] > lowest))
    return {**answer, "hits": [above, sum(hit["score"] == lowest for hit in hits)]}


def _differences(mine: dict[str, float], theirs: dict[str, float]) -> str | None:
    if mine.keys() != theirs.keys():
        return (f"matches differ: {len(mine.keys() - theirs.keys())} only in the first, "
                f"{len(theirs.keys() - mine.keys())} only in the second")
    unequal = sum(mine[c] != theirs[c] for c in mine)
    return None if not unequal else f"{unequal} of {len(mine)} scores differ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--ties", action="store_true", help="hits of equal score in any order")
    parser.add_argument("--files", action="store_true",
                        help="and the same bytes in every mapped array and column")
    args = parser.parse_args()
    results = compare(args.first, args.second, args.ties, args.files)
    for name, problem in results.items():
        print(f"{'ok' if problem is None else 'DIFF':4s} {name} {problem or ''}")
    same = sum(p is None for p in results.values())
    print(f"{same}/{len(results)} checks: the two indexes answer alike")
    sys.exit(0 if same == len(results) else 1)


if __name__ == "__main__":
    main()
