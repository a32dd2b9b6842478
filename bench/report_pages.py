"""What a giant report costs to serve, page by page (docs/decisions/0024).

    .venv/bin/python -m bench.report_pages [--paragraphs 20000] [--repeat 5]

Writes one seed report followed by --paragraphs generated paragraphs (a giant text
report) and one normal seed report, builds them with our build into a temporary index,
and asks a real Flask test client for: the normal report's page (the baseline), the
giant report's first page, the page holding a passage deep in it (?passage=), and its
first /api/reports page. Prints for each the bytes of the answer and the median time of
--repeat requests, and the ratios to the baseline.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from indexer.index.build import build
from indexer.search.service import SearchIndex
from webui import create_app


def giant_text(seed: Path, paragraphs: int) -> str:
    extra = "\n\n".join(f"Visit {n}: the social worker saw the family at home and recorded "
                        f"the child's wishes, the plan and the next review date."
                        for n in range(paragraphs))
    return seed.read_text(encoding="utf-8") + "\n\n" + extra + "\n"


def timed(client, url: str, repeat: int) -> tuple[int, float, int]:
    """(bytes, median seconds, status) of `repeat` GETs of url."""
    times, size, status = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        size, status = len(response.get_data()), response.status_code
    return size, statistics.median(times), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        source, index_dir = Path(tmp) / "src", Path(tmp) / "ix"
        source.mkdir()
        (source / "giant.txt").write_text(giant_text(seeds[0], args.paragraphs), "utf-8")
        (source / "normal.txt").write_text(seeds[1].read_text("utf-8"), "utf-8")
        build([str(source)], str(index_dir), workers=1)
        index = SearchIndex(index_dir)
        ids = {r["source"].rsplit("/", 1)[-1]: r["report_id"] for r in index.reports()}
        giant = index.report(ids["giant.txt"])
        passages = [p.passage_id for _, p in giant.passages()]
        print(f"giant report: {len(passages)} passages, "
              f"{(source / 'giant.txt').stat().st_size / 1e6:.1f} MB of text")
        client = create_app({"OFSTED_INDEX": str(index_dir), "TESTING": True}).test_client()
        deep = passages[len(passages) * 9 // 10]
        urls = {"normal report (baseline)": f"/reports/{ids['normal.txt']}",
                "giant report, page 1": f"/reports/{giant.report_id}",
                "giant report, ?passage= at 90%": f"/reports/{giant.report_id}?passage={deep}",
                "giant report, ?q=social&page=2": f"/reports/{giant.report_id}?q=social&page=2",
                "giant /api/reports page 1": f"/api/reports/{giant.report_id}"}
        base = None
        for label, url in urls.items():
            size, median, status = timed(client, url, args.repeat)
            base = base or (size, median)
            print(f"{label:34} {status} {size / 1e3:9.1f} kB ({size / base[0]:5.1f}x) "
                  f"median {median * 1e3:8.1f} ms ({median / base[1]:6.1f}x)")


if __name__ == "__main__":
    main()
