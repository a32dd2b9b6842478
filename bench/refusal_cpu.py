"""Benchmark: CPU time of refusing a costly request (issue 23), beside the cheapest answer
(a remembered /api/search, what bench/costly_clients.py's normal clients ask for).

For each --code checkout, in a subprocess with the checkout first on the path: the app
with limits so small that one export spends a client's share (so every further costly
request of that address is refused with 429); then --rounds rounds of 200 calls of each
kind through the whole WSGI stack (everything of ours, not gunicorn's reading of the
request), each call's environ made before the clock starts, and a new URL each time
(nothing remembered). The figure is the median round's CPU per call
(`time.process_time()`).

    python -m bench.refusal_cpu --index IX --code /tmp/before --code .
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
code, index, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, code)
from werkzeug.test import EnvironBuilder
from webui import create_app
import webui
assert webui.__file__.startswith(code), webui.__file__
app = create_app({"OFSTED_INDEX": index, "OFSTED_COSTLY_SHARE": 1e-6,
                  "OFSTED_COSTLY_BURST": 1e-9, "OFSTED_COSTLY_TOTAL": 1e6,
                  "OFSTED_COSTLY_AT_ONCE": 4})
KINDS = {
    "refused export": lambda n: ("/export.csv", f"q=ch*+OR+ca*&year_from={1900 + n}"),
    "refused /search per_page=100": lambda n: ("/search", f"q=care&per_page=100&page={n + 1}"),
    "refused /api/search per_page=100": lambda n: ("/api/search",
                                                   f"q=care&per_page=100&page={n + 1}"),
    "remembered /api/search (normal)": lambda n: ("/api/search", "q=care"),
}
def environ(path, query, address="10.0.0.1"):
    return EnvironBuilder(path=path, query_string=query,
                          environ_base={"REMOTE_ADDR": address}).get_environ()
def call(env):
    status = []
    body = app.wsgi_app(env, lambda s, h, e=None: status.append(s))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return status[0]
assert call(environ("/export.csv", "q=care")).startswith("200")  # the share spent
assert call(environ("/api/search", "q=care")).startswith("200")  # remembered from now on
out = {}
for name, url in KINDS.items():
    per_round, n = [], 0
    for _ in range(rounds + 1):
        envs = [environ(*url(n + i)) for i in range(200)]
        n += 200
        started = time.process_time()
        statuses = {call(env)[:3] for env in envs}
        per_round.append((time.process_time() - started) / len(envs) * 1000)
    out[name] = {"median_ms": statistics.median(per_round[1:]), "statuses": sorted(statuses)}
print(json.dumps(out))
"""


def measure(code: Path, index: Path, rounds: int) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(code.resolve()), str(index),
                           str(rounds)], cwd=code, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--code", type=Path, action="append", help="checkout (repeatable)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    codes = args.code or [ROOT]
    found = {code: measure(code, args.index.resolve(), args.rounds) for code in codes}
    for name in next(iter(found.values())):
        cells = "  ".join(f"{str(code)}: {found[code][name]['median_ms']:.3f} ms "
                          f"({'/'.join(found[code][name]['statuses'])})" for code in codes)
        print(f"{name:34s} CPU a call  {cells}")
    if len(codes) == 2:
        before, after = (found[c] for c in codes)
        for name in before:
            ratio = after[name]["median_ms"] / max(before[name]["median_ms"], 1e-9)
            print(f"{name:34s} after / before {ratio:.2f}")


if __name__ == "__main__":
    main()
