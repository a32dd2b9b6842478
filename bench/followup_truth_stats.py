"""Counts of the hand-read follow-up truth (bench/data/followup_truth/*.tsv, issue 20).

Prints, per file and over all files: recommendations, rows and authorities; recommendations
per authority; rows per template pair (a not_mentioned row counts under its own
`<earlier>-><later>+<later>` pair); recommendations per outcome (one with a follow-up vs
not_mentioned) and rows per status. Reads only the truth files.

    python -m bench.followup_truth_stats
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

TRUTH = Path(__file__).resolve().parents[1] / "bench" / "data" / "followup_truth"


def read(path: Path) -> list[dict]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def summary(name: str, rows: list[dict]) -> None:
    recs = {(r["rec_report"], r["rec_quote"]): r for r in rows}
    followed = {(r["rec_report"], r["rec_quote"]) for r in rows if r["status"] != "not_mentioned"}
    print(f"== {name}: {len(recs)} recommendations, {len(rows)} rows, "
          f"{len({r['authority'] for r in rows})} authorities; "
          f"{len(followed)} with a follow-up, {len(recs) - len(followed)} not_mentioned")
    per_authority = Counter(r["authority"] for r in recs.values())
    print("recommendations per authority:", ", ".join(f"{k} {v}" for k, v in sorted(per_authority.items())))
    print("rows per template pair:", ", ".join(
        f"{k} {v}" for k, v in sorted(Counter(r["template_pair"] for r in rows).items())))
    print("rows per status:", ", ".join(
        f"{k} {v}" for k, v in sorted(Counter(r["status"] for r in rows).items())))
    print("recommendations per addressee:", ", ".join(
        f"{k} {v}" for k, v in sorted(Counter(r["addressee"] for r in recs.values()).items())))


def main() -> None:
    files = sorted(TRUTH.glob("*.tsv"))
    if not files:
        sys.exit(f"no truth files in {TRUTH}")
    everything = []
    for path in files:
        rows = read(path)
        everything += rows
        summary(path.name, rows)
    summary("all files", everything)


if __name__ == "__main__":
    main()
