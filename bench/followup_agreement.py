"""Benchmark: how far two careful readers of the same documents agree on follow-ups (issue 20,
session 13), and the engine on the same recommendations, in one run over one corpus index.

The second reader (bench/data/followup_truth/second_reader/second_reader.tsv) read a seeded
sample of the development half (bench/followup_sample.py) again from the PDFs, by the first
reader's rules, without opening the first reader's rows. Each reader is scored against the
other exactly as bench/followup.py scores the engine (bench.followup.measure: precision of the
passages shown, recall of recommendations with a follow-up, "not mentioned" right, status
right on the passages both list, addressee right), and the engine against each reader and
against either (a passage one of the two lists counts as a follow-up):

- second vs first: the second reader's passages judged by the first reader's truth;
- first vs second: the same with the roles swapped (its precision is the other's recall of
  passages);
- "has a follow-up" per recommendation: raw agreement and Cohen's kappa;
- status on the passages both list: agreement and the first -> second confusion.

`--exposed` also prints the figures without the recommendations whose outcome the second
reader had seen in outline before reading (exposed.txt beside the file; METHOD there says
how). `--diff` lists every recommendation on which the readers differ.

    python -m bench.followup_agreement --index DIR [--second FILE] [--exposed] [--diff]
"""
from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from bench.followup import (Locator, after_method, measure, ratio, read_truth,
                            truth_recommendations)
from indexer.answers.followup_store import StoredVectors
from indexer.search.service import SearchIndex

ROOT = Path(__file__).resolve().parents[1]
SECOND = ROOT / "bench" / "data" / "followup_truth" / "second_reader" / "second_reader.tsv"


def read_rows(path: Path) -> list[dict]:
    """The rows of one truth file (bench.followup's columns; '#' lines are comments)."""
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def as_shown(recs: dict) -> tuple[dict, dict]:
    """A reader's recommendations as bench.followup.measure reads the engine's output:
    (report, passage) -> [{"report_id", "passage_id", "status"}] and -> addressee."""
    shown = {where: [{"report_id": r, "passage_id": p, "status": status}
                     for (r, p), status in sorted(rec["later"].items())]
             for where, rec in recs.items()}
    return shown, {where: rec["addressee"] for where, rec in recs.items()}


def score(truth: dict, shown: dict, listed: dict) -> dict:
    """bench.followup.measure's counts over every recommendation of `truth` (no half)."""
    return measure(truth, shown, listed, None)


def kappa(first: dict, second: dict) -> tuple[int, int, float | None]:
    """Agreement on "has a follow-up" over the recommendations both read: (agreeing, total,
    Cohen's kappa)."""
    keys = sorted(set(first) & set(second))
    pairs = [(bool(first[k]["later"]), bool(second[k]["later"])) for k in keys]
    n = len(pairs)
    if not n:
        return 0, 0, None
    agree = sum(a == b for a, b in pairs)
    p1 = sum(a for a, _ in pairs) / n
    p2 = sum(b for _, b in pairs) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    observed = agree / n
    return agree, n, (None if expected == 1 else (observed - expected) / (1 - expected))


def status_confusion(first: dict, second: dict) -> Counter:
    """first status -> second status over the (recommendation, passage) pairs both list."""
    confusion = Counter()
    for where in set(first) & set(second):
        for later, status in first[where]["later"].items():
            if later in second[where]["later"]:
                confusion[(status, second[where]["later"][later])] += 1
    return confusion


def figures_line(name: str, f: dict) -> str:
    return (f"{name:<22} precision {ratio(f['shown_true'], f['shown'])}, recall "
            f"{ratio(f['found'], f['with_later'])}, not mentioned right "
            f"{ratio(f['none_right'], f['none_truth'])}, status right "
            f"{ratio(f['status_right'], f['shown_true'])}, addressee right "
            f"{ratio(f['addressee_right'], f['recs'])}")


def either(first: dict, second: dict) -> dict:
    """The two readers merged: a passage either lists follows the recommendation up (the
    first reader's status where both list it); the first reader's addressee."""
    return {k: first[k] | {"later": second[k]["later"] | first[k]["later"]}
            for k in set(first) & set(second)}


def compare(first: dict, second: dict, engine: tuple[dict, dict] | None) -> dict:
    """Every figure of one comparison over the recommendations both readers read."""
    keys = set(first) & set(second)
    one = {k: first[k] for k in keys}
    two = {k: second[k] for k in keys}
    result = {"second vs first": score(one, *as_shown(two)),
              "first vs second": score(two, *as_shown(one))}
    if engine is not None:
        result["engine vs first"] = score(one, *engine)
        result["engine vs second"] = score(two, *engine)
        result["engine vs either"] = score(either(one, two), *engine)
    result["kappa"] = kappa(one, two)
    result["status"] = status_confusion(one, two)
    return result


def print_comparison(title: str, result: dict) -> None:
    print(title)
    for name in ("second vs first", "first vs second", "engine vs first", "engine vs second",
                 "engine vs either"):
        if name in result:
            print("  " + figures_line(name, result[name]))
    agree, n, k = result["kappa"]
    print(f"  has a follow-up: readers agree on {ratio(agree, n)}, Cohen's kappa "
          f"{'n/a' if k is None else f'{k:.2f}'}")
    confusion = result["status"]
    same = sum(v for (a, b), v in confusion.items() if a == b)
    print(f"  status on the passages both list: {ratio(same, sum(confusion.values()))}; "
          + ", ".join(f"{a}->{b} {v}" for (a, b), v in sorted(confusion.items())))


def print_diff(first: dict, second: dict, records) -> None:
    """Each recommendation the readers differ on: passages only one lists, statuses apart."""
    def text(report_id, passage_id):
        return next(p["text"] for s in records[report_id]["sections"] for p in s["passages"]
                    if p["passage_id"] == passage_id)
    for where in sorted(set(first) & set(second)):
        a, b = first[where]["later"], second[where]["later"]
        apart = [k for k in a.keys() & b.keys() if a[k] != b[k]]
        if a.keys() == b.keys() and not apart:
            continue
        print(f"\n{where[0]} {first[where]['quote'][:90]!r}")
        for label, only in (("first only", a.keys() - b.keys()),
                            ("second only", b.keys() - a.keys())):
            for key in sorted(only):
                status = (a if label == "first only" else b)[key]
                print(f"  {label}: {key[0]} {status}: {text(*key)[:160]!r}")
        for key in sorted(apart):
            print(f"  status: {key[0]} first {a[key]}, second {b[key]}: {text(*key)[:120]!r}")


def read_readers(records, second_path: Path) -> tuple[dict, dict, list]:
    """(first reader's truth on the sample, second reader's, quotes found in no passage)."""
    locate = Locator(records)
    second, lost_two = truth_recommendations(read_rows(second_path), locate)
    first, lost_one = truth_recommendations(read_truth(), locate)
    return {k: v for k, v in first.items() if k in second}, second, lost_one + lost_two


def exposed_keys(records, second_path: Path) -> set:
    """The recommendations listed in exposed.txt beside the second reader's file: one line
    each, "<rec_report><TAB><the start of the recommendation's text>"."""
    path = Path(second_path).with_name("exposed.txt")
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")] if path.exists() else []
    locate = Locator(records)
    return {(report, locate(report, start)) for report, start in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory (read only)")
    parser.add_argument("--second", default=str(SECOND), help="the second reader's file")
    parser.add_argument("--exposed", action="store_true",
                        help="also without the recommendations listed in exposed.txt")
    parser.add_argument("--diff", action="store_true", help="list the disagreements")
    args = parser.parse_args()
    index = SearchIndex(args.index)
    records = index.records()
    first, second, lost = read_readers(records, Path(args.second))
    keys = sorted({rec["authority"] for rec in second.values()})
    print(f"sample: {len(second)} recommendations of {len(keys)} authorities read by the "
          f"second reader, {len(first)} of them in the first reader's truth; quotes found in "
          f"no passage: {len(lost)}")
    engine = after_method(index, records, keys, StoredVectors(index.generation_path()))
    print_comparison("all", compare(first, second, engine))
    if args.exposed:
        hidden = exposed_keys(records, Path(args.second))
        print_comparison(f"without the {len(hidden & set(second))} exposed",
                         compare({k: v for k, v in first.items() if k not in hidden},
                                 {k: v for k, v in second.items() if k not in hidden}, engine))
    if args.diff:
        print_diff(first, second, records)


if __name__ == "__main__":
    main()
