"""Costly requests against the production server (issue 23): do 2 clients looping over
exports and 2 looping over the costliest searches take the service from everyone else?

    python -m bench.costly_clients --index DIR [--seconds 10] [--attackers 2,2]

For each setting (the limits switched off, OFSTED_COSTLY_SHARE=0 and OFSTED_EXPORT_CACHE=0,
which is how main served before them, then as shipped) it serves the index with
`gunicorn -c gunicorn.conf.py`, runs 20 normal clients (`/api/search`, the mix of
bench/abuse.py) alone, then the same 20 beside the attackers, and prints the normal
clients' throughput, median latency and errors, the ratio of the two phases, and what the
attackers got. Export attackers loop over `/export.{csv,json,ris,bib}?q=ch* OR ca* OR
so*&year_from=N` (N changes every time: nothing is remembered); search attackers over
`/search` and `/api/search` with per_page=100, a wildcard query and a new page or year each
time. Attackers ignore Retry-After (as an attacker would) and come from addresses of their
own (127.0.0.2 ...); normal clients from 127.0.0.1. `bench/abuse.py --costly` runs the
same. Asserts nothing.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import random
import threading
import time
from urllib.parse import urlencode

from bench.slow_clients import normal_clients, row

SETTINGS = {"limits off (before)": {"OFSTED_COSTLY_SHARE": "0", "OFSTED_EXPORT_CACHE": "0"},
            "limits on (as shipped)": {}}
WIDE = ["ch* OR ca* OR so*", "pr* OR co* OR re*", "ma* OR de* OR in*", "fa* OR pa* OR st*"]


def export_urls(rng: random.Random):
    """Exports never asked before: a new year each time, every format in turn."""
    for n in itertools.count():
        kind = ("csv", "json", "ris", "bib")[n % 4]
        query = {"q": rng.choice(WIDE[:1]), "year_from": 1990 + n % 36, "year_to": 2100 - n // 36}
        yield f"/export.{kind}?{urlencode(query)}"


def search_urls(rng: random.Random):
    """Result pages of 100 for wide wildcard queries, never the same twice."""
    for n in itertools.count():
        path = ("/search", "/api/search")[n % 2]
        query = {"q": rng.choice(WIDE), "per_page": 100, "page": 1 + n % 3,
                 "year_from": 2000 + (n // 3) % 25}
        yield f"{path}?{urlencode(query)}"


def _attacker(port: int, source: str, urls, done: threading.Event, record: list) -> None:
    for url in urls:
        if done.is_set():
            return
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                                source_address=(source, 0))
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            record.append(response.status)
        except OSError:
            record.append(0)
        finally:
            connection.close()


class Attackers:
    """Threads looping over costly URLs, each from its own loopback address, for as long
    as the `with` block lasts."""

    def __init__(self, port: int, exports: int, searches: int):
        self.done = threading.Event()
        self.statuses: list[list[int]] = []
        self.threads = []
        makers = [export_urls] * exports + [search_urls] * searches
        for n, make in enumerate(makers):
            record: list[int] = []
            self.statuses.append(record)
            self.threads.append(threading.Thread(
                target=_attacker, args=(port, f"127.0.0.{n + 2}", make(random.Random(n)),
                                        self.done, record), daemon=True))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def summary(self) -> str:
        counts = [dict(sorted(_count(record).items())) for record in self.statuses]
        return "; ".join(f"attacker {n + 1}: {c}" for n, c in enumerate(counts))


def _count(statuses: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for status in statuses:
        out[status] = out.get(status, 0) + 1
    return out


def warm(base: str, rounds: int = 60) -> None:
    """Until 8 searches at once all answer within a second (every worker has opened the
    index; a cold worker takes many seconds on a loaded machine)."""
    for _ in range(rounds):
        result = normal_clients(base, 1.0, count=8)
        if result["requests"] and not result["late"] and result["p99_ms"] < 1000:
            return


def run(index: str, seconds: float, exports: int, searches: int) -> list[float]:
    """Both settings in one run; the ratios (with attackers / alone), before then after."""
    from bench.abuse import serving
    ratios = []
    for name, env in SETTINGS.items():
        with serving(index, env=env) as (base, command):
            warm(base)
            port = int(base.rsplit(":", 1)[1])
            quiet = normal_clients(base, seconds)
            with Attackers(port, exports, searches) as attackers:
                loud = normal_clients(base, seconds)
            ratios.append(loud["rate"] / max(quiet["rate"], 1e-9))
            print(f"{name}: {' '.join(command)}, {seconds:g} s per phase, "
                  f"{exports} export + {searches} search attackers")
            print(row("20 normal clients", quiet))
            print(row("20 normal + attackers", loud))
            print(f"  {attackers.summary()}")
            print(f"  throughput with attackers / alone: {ratios[-1]:.2f}")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--attackers", default="2,2",
                        help="export attackers, search attackers (default 2,2)")
    args = parser.parse_args()
    exports, searches = (int(n) for n in args.attackers.split(","))
    run(args.index, args.seconds, exports, searches)


if __name__ == "__main__":
    main()
