"""Carry relevance judgments across a parser change that changed passage ids.

Passage ids are content hashes (docs/decisions/0004), so a parser change that joins a list
introduction to its first item, or a grade word to its narrative, gives the joined passage
a new id and orphans the judgments of its parts: unjudged passages count as 0, and nDCG
falls although ranking did not change. This carries each orphaned judgment to the passage
of the same report in the new index whose text contains the judged text (or is contained
in it), keeping the highest grade when several judged parts land in one passage. A
judgment already made on the new id is never overwritten. Carried rows say where they came
from in a fourth column; rows that find no home are left as they are and counted.

    python -m bench.carry_judgments --old /tmp/old-idx [--old /tmp/older-idx] --new /tmp/ix [--write]
"""
from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from indexer.index import report_store, store

JUDGMENTS = ROOT / "bench" / "data" / "relevance_judgments.tsv"
MIN_CHARS = 12  # a judged text shorter than this ("Good") is too common to place


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def passages(index_dir: str) -> dict[str, dict[str, str]]:
    """report id -> passage id -> normalised text, for the served generation of an index."""
    reports = report_store.load(store.current_generation(index_dir))
    return {rid: {p["passage_id"]: _norm(p["text"]) for s in r["sections"] for p in s["passages"]}
            for rid, r in reports.items()}


def home(text: str, candidates: dict[str, str]) -> str | None:
    """The new passage that holds the judged text, or is held by it (None: no single home)."""
    if len(text) < MIN_CHARS:
        return None
    holders = [pid for pid, new in candidates.items() if text in new]
    if len(holders) == 1:
        return holders[0]
    held = [pid for pid, new in candidates.items() if len(new) >= MIN_CHARS and new in text]
    return held[0] if len(held) == 1 and not holders else None


def carry(rows: list[list[str]], olds: list[dict], new: dict) -> tuple[list[list[str]], dict]:
    judged = {(r[0], r[1]) for r in rows if r and not r[0].startswith("#")}
    carried: dict[tuple[str, str], list] = {}
    stats = {"kept": 0, "carried": 0, "superseded": 0, "orphaned": 0}
    out = []
    for row in rows:
        if not row or row[0].startswith("#"):
            out.append(row)
            continue
        report_id, _, passage_id = row[1].partition("/")
        if passage_id in new.get(report_id, {}):
            stats["kept"] += 1
            out.append(row)
            continue
        text = next((o[report_id][passage_id] for o in olds
                     if passage_id in o.get(report_id, {})), None)
        target = home(text, new.get(report_id, {})) if text is not None else None
        if target is None:
            stats["orphaned"] += 1
            out.append(row)
            continue
        key = (row[0], f"{report_id}/{target}")
        if key in judged:
            stats["superseded"] += 1  # judged on the new id already: that judgment stands
            continue
        stats["carried"] += 1
        grade, sources = carried.get(key, [0, []])
        carried[key] = [max(grade, int(row[2])), sources + [passage_id]]
    for (query_id, chunk), (grade, sources) in sorted(carried.items()):
        out.append([query_id, chunk, str(grade), "carried from " + " ".join(sources)])
    return out, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", action="append", required=True,
                        help="an index built by the parser the judgments were made on")
    parser.add_argument("--new", required=True, help="an index built by the current parser")
    parser.add_argument("--judgments", type=Path, default=JUDGMENTS)
    parser.add_argument("--write", action="store_true", help="rewrite the judgments file")
    args = parser.parse_args()
    with args.judgments.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    out, stats = carry(rows, [passages(o) for o in args.old], passages(args.new))
    print(f"kept {stats['kept']}, carried {stats['carried']}, superseded {stats['superseded']}, "
          f"orphaned {stats['orphaned']}; {sum(1 for r in out if len(r) > 3)} rows in all "
          "were carried by a run of this script")
    if args.write:
        with args.judgments.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(out)


if __name__ == "__main__":
    main()
