"""Measure: how trustworthy the parsed text of a built index is.

Prints, from an index's stored reports (no re-parsing):
- the fragment share: searchable (non-boilerplate) passages of three words or fewer, with
  the commonest ones;
- authorities: reports without an authority record, and, against the corpus manifests,
  authority keys per manifest `la_urn` and URNs per key;
- pages: the share of passages from PDFs that know their page;
- originals: reports that know the URL of Ofsted's published original, per inspection
  type (the rest are cited by their permalink here, and say the original is not known);
- per inspection type, the share of reports in which each section key is found.

    python -m bench.text_quality --index /tmp/corpus-index [--corpus ../shared/corpus]
"""
from __future__ import annotations

import argparse
import collections
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from indexer.index import report_store, store

FRAGMENT_WORDS = 3


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def load_reports(index: str) -> dict[str, dict]:
    return report_store.load(store.current_generation(index))


def fragments(reports: dict, show: int) -> None:
    searchable = [(r, s, p) for r in reports.values() for s in r["sections"]
                  if s["key"] != "boilerplate" for p in s["passages"]]
    short = [(r, s, p) for r, s, p in searchable if words(p["text"]) <= FRAGMENT_WORDS]
    share = 100 * len(short) / max(1, len(searchable))
    print(f"fragments: {len(short)} of {len(searchable)} searchable passages have "
          f"<= {FRAGMENT_WORDS} words ({share:.2f}%)")
    for text, count in collections.Counter(p["text"] for _, _, p in short).most_common(show):
        print(f"  {count:4d}  {text!r}")
    if show:
        for r, s, p in short[:show]:
            print(f"  e.g. {r['report_id']} [{s['key']}] {s['heading'][:40]!r}: {p['text']!r}")


def authorities(reports: dict, corpus: Path) -> None:
    unknown = [r for r in reports.values() if not r.get("region")]
    print(f"authorities: {len({r['authority_key'] for r in reports.values()})} keys over "
          f"{len(reports)} reports; {len(unknown)} reports without an authority record")
    for r in unknown:
        print(f"  no record: {r['authority']!r} ({r['source']})")
    by_sha = {r["sha256"]: r for r in reports.values()}
    keys, urns = collections.defaultdict(set), collections.defaultdict(set)
    for manifest in sorted(corpus.glob("*/MANIFEST.csv")):
        with open(manifest, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                report = by_sha.get(row["sha256"])
                if report:
                    keys[row["la_urn"]].add(report["authority_key"])
                    urns[report["authority_key"]].add(row["la_urn"])
    if keys:
        many = {u: k for u, k in keys.items() if len(k) > 1}
        print(f"  manifest URNs: {len(keys)}; with more than one key: {len(many)} {many or ''}")
        many = {k: u for k, u in urns.items() if len(u) > 1}
        print(f"  keys: {len(urns)}; with more than one URN: {len(many)} {many or ''}")
        wrong = {k: (u, reports_urn) for k, u in urns.items()
                 for reports_urn in {r.get("la_urn") for r in reports.values()
                                     if r["authority_key"] == k} if reports_urn not in u}
        print(f"  keys whose record URN differs from the manifest: {len(wrong)} {wrong or ''}")


def pages(reports: dict) -> None:
    pdf = [p for r in reports.values() if r["source"].lower().endswith(".pdf")
           for s in r["sections"] for p in s["passages"]]
    known = sum(1 for p in pdf if p.get("page"))
    print(f"pages: {known} of {len(pdf)} passages from PDFs know their page "
          f"({100 * known / max(1, len(pdf)):.1f}%)")


def originals(reports: dict) -> None:
    by_type = collections.defaultdict(lambda: [0, 0])
    for r in reports.values():
        counts = by_type[r["inspection_type"]]
        counts[0] += bool(r.get("original_url"))
        counts[1] += 1
    known = sum(k for k, _ in by_type.values())
    print(f"originals: {known} of {len(reports)} reports know their original URL "
          f"({100 * known / max(1, len(reports)):.1f}%)")
    for kind, (have, total) in sorted(by_type.items()):
        print(f"  {kind:<22}{have:>4} of {total:>4}")


def sections_per_type(reports: dict) -> None:
    by_type = collections.defaultdict(list)
    for r in reports.values():
        by_type[r["inspection_type"]].append({s["key"] for s in r["sections"]})
    keys = sorted({k for found in by_type.values() for keys in found for k in keys})
    print("sections found, % of reports of each type:")
    print(f"  {'type':<22}{'n':>4} " + " ".join(f"{k[:10]:>10}" for k in keys))
    for kind, found in sorted(by_type.items()):
        cells = " ".join(f"{100 * sum(k in f for f in found) / len(found):>10.0f}"
                         for k in keys)
        print(f"  {kind:<22}{len(found):>4} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--show", type=int, default=15, help="fragments listed")
    args = parser.parse_args()
    reports = load_reports(args.index)
    fragments(reports, args.show)
    authorities(reports, Path(args.corpus))
    pages(reports)
    originals(reports)
    sections_per_type(reports)


if __name__ == "__main__":
    main()
