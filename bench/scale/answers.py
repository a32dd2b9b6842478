"""Record every search answer of a wide query set on one index, or check that this code
answers exactly as recorded: for comparing two versions of the search code on the same
index (the scale set's 35 queries, plus query shapes of every kind under filters, sorts and
pages; a refused request is recorded with its message).

    python -m bench.scale.answers INDEX_DIR --save before.json   # with the old code
    python -m bench.scale.answers INDEX_DIR --check before.json  # with the new code

Answers are SearchResults.to_dict(): hits in order with their scores (to 4 places, as the
API shows them), passages and snippets, totals, report counts and every facet count.
Full-precision scores of every match are checked by bench.scale.exactness.
"""
from __future__ import annotations

import argparse
import json
import sys

from bench.scale.queries import QUERIES
from indexer.errors import OfstedSearchError
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex

TEXTS = ("children", "management oversight", '"drift and delay"', '"children in need"~3',
         "assess*", "co*", "child* OR plan*", "manag* AND NOT children",
         "children ANDNOT care", "care REQUIRE leavers", "oversight ANDMAYBE supervision",
         "(neglect OR abuse) AND plan*", "section:strengths", "section:strengths children",
         "year:[2015 TO 2018] children", "year:2018", "heading:strengths",
         "NOT children", "child^3 OR plan^0.5", "section:boilerplate children",
         "neglect leeds", "drift delay unicorns", "social workers", "")
VARIANTS = ({}, {"section": ["strengths"]}, {"year": ["2019"], "section": ["findings"]},
            {"sort": "newest"}, {"page": "2"}, {"type": ["focused_visit"]},
            {"year_from": "2012", "year_to": "2016"}, {"section": ["boilerplate"]},
            {"authority": ["leeds", "kent"]})


def requests() -> dict[str, dict]:
    """Name -> URL parameters of every request of the set."""
    found = {f"scale: {q.name}": {"per_page": "10", **q.params} for q in QUERIES}
    for text in TEXTS:
        for variant in VARIANTS:
            params = {"q": text, **variant} if text else dict(variant)
            found[json.dumps(params, sort_keys=True)] = params
    return found


def answers(index_dir: str) -> dict[str, object]:
    search_index = SearchIndex(index_dir, deadline=None)
    found = {}
    for name, params in requests().items():
        try:
            found[name] = search_index.search(parse_params(ArgParams(params))).to_dict()
        except OfstedSearchError as exc:
            found[name] = {"error": str(exc)}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save")
    group.add_argument("--check")
    args = parser.parse_args()
    found = json.loads(json.dumps(answers(args.index)))
    if args.save:
        with open(args.save, "w", encoding="utf-8") as handle:
            json.dump(found, handle)
        print(f"{len(found)} answers saved to {args.save}")
        return
    with open(args.check, encoding="utf-8") as handle:
        recorded = json.load(handle)
    differ = [name for name in recorded if recorded[name] != found.get(name)]
    for name in differ:
        print(f"DIFF {name}")
    print(f"{len(recorded) - len(differ)}/{len(recorded)} answers alike")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
