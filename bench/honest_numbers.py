"""Print what trends and compare tell a reader on a built index: for each query, the
reports its unquoted words match beside the exact phrase's, the years that are small
samples or hold no reports, and the widest 95% interval; for a comparison of regions, each
side's coverage of its region and its inspection-type mix (docs/decisions/0034-honest-numbers.md).

    python -m bench.honest_numbers --index /tmp/corpus-index [--query "agency social workers" ...]
"""
from __future__ import annotations

import argparse


from webui import create_app

QUERIES = ("agency social workers", "care leavers", "drift and delay", "caseloads")
REGIONS = ("London", "North West")


def trend_line(client, query: str) -> str:
    data = client.get("/api/trends", query_string={"q": query}).get_json()
    years = data["years"]
    words = sum(y["matching_reports"] for y in years)
    phrase = data["phrase_query"]
    small = [y["year"] for y in years if y["reports"] and y["small_sample"]]
    empty = [y["year"] for y in years if not y["reports"]]
    widest = max(years, key=lambda y: (y["share_high"] or 0) - (y["share_low"] or 0))
    said = (f"as a phrase {phrase['matching_reports']} reports" if phrase
            else "not unquoted words")
    return (f"{query!r}: {words} reports by the words, {said}; {len(years)} years, "
            f"{len(small)} small samples {small}, {len(empty)} without reports {empty}; "
            f"widest interval {widest['year']}: {widest['share']}% "
            f"({widest['share_low']}-{widest['share_high']}%, {widest['matching_reports']} of "
            f"{widest['reports']})")


def compare_lines(client, query: str, regions: tuple[str, ...]) -> list[str]:
    data = client.get("/api/compare", query_string={"q": query, "region": list(regions)})
    if data.status_code != 200:
        return [f"compare {regions}: {data.get_json()['error']}"]
    lines = []
    for side in data.get_json()["sides"]:
        mix = ", ".join(f"{t['label']} {t['reports']}" for t in side["inspection_types"])
        lines.append(f"{side['label']}: {side['coverage']['authorities']} of "
                     f"{side['coverage']['of']} authorities; {side['matching_reports']} of "
                     f"{side['reports']} reports match ({side['share']}%, "
                     f"{side['share_low']}-{side['share_high']}%); types: {mix}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--query", action="append", help="queries (default: four examples)")
    parser.add_argument("--region", action="append", help="regions to compare")
    args = parser.parse_args()
    client = create_app({"OFSTED_INDEX": args.index, "TESTING": True}).test_client()
    for query in args.query or QUERIES:
        print(trend_line(client, query))
    for line in compare_lines(client, (args.query or QUERIES)[0], tuple(args.region or REGIONS)):
        print("  " + line)


if __name__ == "__main__":
    main()
