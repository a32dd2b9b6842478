"""Benchmark: CPU time of one request, in-process, for each search mix of bench/throughput.py
(api: /api/search, html: /search, the 35 URLs of bench/scale/queries.py).

Flask's test client runs the app of a checkout (a subprocess with the checkout first on the
path, so `--code` can name the code before a change): two warming rounds over the URLs,
then --rounds timed rounds; the figure is the median round's CPU per request
(`time.process_time()`, this process only, so other jobs on the machine disturb it far
less than wall time). The answer cache is off. --cold also measures with what is
remembered between requests forgotten before every request: the query plans (a question
never asked before), then the plans and the analysed words (a worker that has just
started).

    python -m bench.request_cpu --index /tmp/throughput/ix-corpus --code /tmp/before --code .
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, statistics, sys, time
code, index, path, rounds, cold = sys.argv[1:6]
sys.path.insert(0, code)
from bench.scale.queries import QUERIES
from webui import create_app
import webui
assert webui.__file__.startswith(code), webui.__file__
forget = []
if cold != "warm":
    from indexer.search import highlight, plan_cache as plans
    forget = [plans._memos.clear]
    if cold == "words":
        forget += [highlight._word.cache_clear, highlight._exact_word.cache_clear]
client = create_app({"OFSTED_INDEX": index, "OFSTED_ANSWER_CACHE": 0}).test_client()
urls = [q.url(path) for q in QUERIES]
for _ in range(2):
    for url in urls:
        assert client.get(url).status_code == 200, url
per_round = []
for _ in range(int(rounds)):
    spent = 0.0
    for url in urls:
        for clear in forget:
            clear()
        started = time.process_time()
        client.get(url)
        spent += time.process_time() - started
    per_round.append(spent / len(urls) * 1000)
print(json.dumps({"median_ms": statistics.median(per_round), "rounds_ms": per_round}))
"""


MODES = {"warm": "memos warm", "plans": "query plans forgotten",
         "words": "plans and analysed words forgotten"}


def cpu(code: Path, index: Path, path: str, rounds: int, mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(code.resolve()), str(index), path,
                           str(rounds), mode], cwd=code, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/throughput/ix-corpus"))
    parser.add_argument("--code", type=Path, action="append", help="checkout (repeatable)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2, help="checkouts interleaved")
    parser.add_argument("--cold", action="store_true", help="also with the memos forgotten")
    args = parser.parse_args(argv)
    codes = args.code or [ROOT]
    modes = ["warm", "plans", "words"] if args.cold else ["warm"]
    for repeat in range(args.repeats):
        for path in ("/api/search", "/search"):
            for code in codes:
                for mode in modes:
                    if mode != "warm" and not (code / "indexer/search/plan_cache.py").exists():
                        continue  # code without the memos: nothing to forget
                    found = cpu(code, args.index, path, args.rounds, mode)
                    rounds = " ".join(f"{ms:.2f}" for ms in found["rounds_ms"])
                    print(f"{str(code):28s} {path:12s} {MODES[mode]:28s} CPU "
                          f"{found['median_ms']:.2f} ms a request (rounds {rounds})", flush=True)


if __name__ == "__main__":
    main()
