"""The sample a second reader reads (issue 20, session 13): recommendations of the
development half of the follow-up truth, drawn reproducibly, printed with only what a
reader needs (the recommendation as printed, its authority and report, and every later
report of the authority to read in full); never the truth's follow-ups or statuses.

The draw is stratified by template pair (the recommendation's inspection type -> its
authority's later inspection types, as bench.followup_errors.template_pair names them) and
clustered by report (a reader reads each later report once for several recommendations):
within each pair, the earlier reports in a seeded order, up to CAP recommendations of each
(seeded), until the pair's quota is met.

    python -m bench.followup_sample --index DIR [--seed 13] [--batch 1|2] [--keys]
"""
from __future__ import annotations

import argparse
import hashlib
import math
import random
from pathlib import Path

from bench.followup import Locator, half, read_truth
from bench.followup_errors import template_pair
from indexer.answers import authority_history
from indexer.models import dated
from indexer.search.service import SearchIndex

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
# pair -> (what it means, quota of recommendations); the five pairs of templates
PAIRS = {
    "sif->ilacs": ("sif -> later reports including an ILACS", 12),
    "ilacs->focused_visit": ("ILACS -> later reports including a focused visit", 10),
    "jar->later": ("2009 joint area review -> later", 6),
    "jtai->later": ("JTAI -> later", 10),
    "focused_visit->ilacs": ("focused visit -> later reports including an ILACS", 8),
}
# the second batch (session 13, read after the first): the authorities the first left out,
# and the pairs the first did not cover ("other": lac, sif -> focused visit, ilacs -> jtai)
SECOND_BATCH = {
    "sif->ilacs": PAIRS["sif->ilacs"][:1] + (6,),
    "ilacs->focused_visit": PAIRS["ilacs->focused_visit"][:1] + (4,),
    "focused_visit->ilacs": PAIRS["focused_visit->ilacs"][:1] + (6,),
    "other": ("any other pair (2013 looked-after, SIF -> focused visit, ILACS -> JTAI, ...)", 8),
}
CAP = 4  # recommendations of one earlier report, at least


def pair_of(name: str) -> str | None:
    """bench.followup_errors' "sif -> focused_visit+ilacs_standard" -> a PAIRS key or None."""
    earlier, later = name.split(" -> ")
    earlier = "ilacs" if earlier.startswith("ilacs") else earlier
    if earlier == "jar" or earlier == "jtai":
        return f"{earlier}->later"
    wanted = {"sif": "ilacs", "ilacs": "focused_visit", "focused_visit": "ilacs"}.get(earlier)
    if wanted and any(t.startswith(wanted) for t in later.split("+")):
        return f"{earlier}->{wanted}"
    return None


def recommendations(rows: list[dict], locate: Locator) -> dict:
    """(report_id, passage_id) -> {"authority", "quote"} of the development half's truth
    recommendations: the keys alone, never a later passage or a status."""
    recs = {}
    for row in rows:
        if half(row["authority"]) != "dev":
            continue
        pid = locate(row["rec_report"], row["rec_quote"])
        if pid is not None:
            recs.setdefault((row["rec_report"], pid), {"authority": row["authority"],
                                                       "quote": row["rec_quote"]})
    return recs


def draw(records, recs: dict, seed: int, quotas: dict = PAIRS,
         skip: frozenset = frozenset()) -> list[tuple[str, tuple[str, str]]]:
    """The sample: (pair, (report_id, passage_id)) of the drawn recommendations, pair by pair
    (a pair that is none of PAIRS counts as "other"), leaving out the authorities in `skip`."""
    groups = authority_history.by_authority(records)
    by_pair: dict[str, dict[str, list]] = {}
    for where in sorted(recs):
        pair = pair_of(template_pair(records, groups, where[0])) or "other"
        if recs[where]["authority"] not in skip:
            by_pair.setdefault(pair, {}).setdefault(where[0], []).append(where)
    rng = random.Random(seed)
    sample = []
    for pair, (_, quota) in quotas.items():
        reports = sorted(by_pair.get(pair, {}))
        rng.shuffle(reports)
        cap = max(CAP, math.ceil(quota / max(len(reports), 1)))
        taken = 0
        for report_id in reports:
            items = list(by_pair[pair][report_id])
            rng.shuffle(items)
            chosen = items[:min(cap, quota - taken)]
            sample += [(pair, where) for where in chosen]
            taken += len(chosen)
            if taken >= quota:
                break
    return sample


def batch(records, recs: dict, seed: int, number: int) -> list:
    """Batch 1 (PAIRS' quotas over the development half) or batch 2 (SECOND_BATCH's over the
    authorities batch 1 left out)."""
    first = draw(records, recs, seed)
    if number == 1:
        return first
    return draw(records, recs, seed, SECOND_BATCH,
                frozenset(records[report]["authority_key"] for _, (report, _) in first))


def later_reports(records, report_id: str) -> list[dict]:
    """The authority's reports dated after this one, oldest first."""
    report = records[report_id]
    groups = authority_history.by_authority(records)
    after = dated(report).sort_key
    return [m for m in groups[report["authority_key"]] if dated(m).sort_key > after]


def source_path(record: dict) -> str:
    """The corpus file of a report (file names repeat across authorities: by sha256)."""
    for path in sorted(CORPUS.rglob(record["source"])):
        if hashlib.sha256(path.read_bytes()).hexdigest() == record.get("sha256"):
            return str(path)
    return record["source"]


def passage_of(record: dict, passage_id: str) -> tuple[str, str]:
    return next((s["heading"] or s["key"], p["text"]) for s in record["sections"]
                for p in s["passages"] if p["passage_id"] == passage_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a corpus index directory")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keys", action="store_true", help="print report<TAB>passage only")
    parser.add_argument("--batch", type=int, choices=(1, 2), default=1,
                        help="2: SECOND_BATCH's quotas over the authorities batch 1 left out")
    args = parser.parse_args()
    records = SearchIndex(args.index).records()
    sample = batch(records, recommendations(read_truth(), Locator(records)), args.seed,
                   args.batch)
    if args.keys:
        for _, (report_id, passage_id) in sample:
            print(f"{report_id}\t{passage_id}")
        return
    authorities = sorted({records[r]["authority_key"] for _, (r, _) in sample})
    print(f"sample: {len(sample)} recommendations of {len(authorities)} authorities "
          f"(seed {args.seed}): {', '.join(authorities)}")
    for pair, (meaning, _) in (PAIRS if args.batch == 1 else SECOND_BATCH).items():
        print(f"  {pair}: {sum(p == pair for p, _ in sample)} ({meaning})")
    for number, (pair, (report_id, passage_id)) in enumerate(sample, 1):
        record = records[report_id]
        heading, text = passage_of(record, passage_id)
        print(f"\n[{number}] {pair} | {record['authority_key']} | {report_id} "
              f"({source_path(record)})\n    section: {heading}\n    text: {text}")
        for later in later_reports(records, report_id):
            print(f"    read: {later['report_id']} ({source_path(records[later['report_id']])})")


if __name__ == "__main__":
    main()
