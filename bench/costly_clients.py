"""Costly requests against the production server (issue 23): do 2 clients looping over
exports and 2 looping over the costliest searches take the service from everyone else?

    python -m bench.costly_clients --index DIR [--seconds 10] [--attackers 2,2]

For each setting (the limits switched off, OFSTED_COSTLY_SHARE=0 and OFSTED_EXPORT_CACHE=0,
which is how main served before them, then as shipped) it serves the index with
`gunicorn -c gunicorn.conf.py`, runs 20 normal clients (`/api/search`, the mix of
bench/abuse.py) alone, then --rounds phases beside the attackers (who attack without a
break, so their first burst counts), then alone again, and prints the normal clients'
throughput, median latency and errors per phase, the ratio (all attacked phases to the
mean of the two alone), and what the attackers got. Export attackers loop over `/export.{csv,json,ris,bib}?q=ch* OR ca* OR
so*&year_from=N` (N changes every time: nothing is remembered); search attackers over
`/search` and `/api/search` with per_page=100, a wildcard query and a new page or year each
time. Attackers ignore Retry-After (as an attacker would; `--polite`: they wait as it says)
and come from addresses of their own (127.0.0.2 ...), each in its own process; normal
clients from 127.0.0.1. `bench/abuse.py --costly` runs the
same. Asserts nothing.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import multiprocessing
import random
import statistics
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


def _attacker(port: int, source: str, urls, done, out, polite: bool) -> None:
    """In its own process (no GIL shared with the normal clients): loop until `done`,
    then put the count of each status on `out`; `polite` waits as Retry-After says."""
    record: list[int] = []
    for url in urls:
        if done.is_set():
            break
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                                source_address=(source, 0))
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            record.append(response.status)
            wait = response.getheader("Retry-After")
            if polite and wait and wait.isdigit():
                done.wait(int(wait))
        except OSError:
            record.append(0)
        finally:
            connection.close()
    out.put((source, _count(record)))


class Attackers:
    """Processes looping over costly URLs, each from its own loopback address, for as
    long as the `with` block lasts."""

    def __init__(self, port: int, exports: int, searches: int, polite: bool = False):
        context = multiprocessing.get_context("fork")
        self.done, self.out = context.Event(), context.Queue()
        self.counts: dict[str, dict[int, int]] = {}
        makers = [export_urls] * exports + [search_urls] * searches
        self.processes = [context.Process(
            target=_attacker, args=(port, f"127.0.0.{n + 2}", make(random.Random(n)),
                                    self.done, self.out, polite), daemon=True)
            for n, make in enumerate(makers)]

    def __enter__(self):
        for process in self.processes:
            process.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        for _ in self.processes:
            source, counts = self.out.get(timeout=180)
            self.counts[source] = counts
        for process in self.processes:
            process.join(timeout=60)

    def summary(self) -> str:
        return "; ".join(f"attacker {source}: {dict(sorted(counts.items()))}"
                         for source, counts in sorted(self.counts.items()))


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


def run(index: str, seconds: float, exports: int, searches: int, rounds: int = 3,
        polite: bool = False) -> list[float]:
    """Both settings in one run: normal clients alone, then `rounds` phases while the
    attackers run without a break (their first burst included), then alone again. The
    ratio is the normal clients' throughput over all attacked phases to the mean of the
    two phases alone; printed per setting, before then after."""
    from bench.abuse import serving
    ratios = []
    for name, env in SETTINGS.items():
        # no recycling of workers in the run: a worker's replacement opens the index again,
        # which on a loaded machine stalls it for many seconds in whichever phase it falls
        with serving(index, ["--max-requests", "0"], env=env) as (base, command):
            warm(base)
            port = int(base.rsplit(":", 1)[1])
            alone = [normal_clients(base, seconds)]
            with Attackers(port, exports, searches, polite) as attackers:
                attacked = [normal_clients(base, seconds) for _ in range(rounds)]
            alone.append(normal_clients(base, seconds))
            base_rate = statistics.mean(r["rate"] for r in alone)
            rate = sum(r["requests"] for r in attacked) / (seconds * rounds)
            ratios.append(rate / max(base_rate, 1e-9))
            print(f"{name}: {' '.join(command)}, {seconds:g} s per phase, "
                  f"{exports} export + {searches} search attackers"
                  + (" (waiting as Retry-After says)" if polite else ""))
            print(row("20 normal clients (before)", alone[0]))
            for n, result in enumerate(attacked):
                print(row(f"20 normal + attackers ({n + 1})", result))
            print(row("20 normal clients (after)", alone[1]))
            print(f"  {attackers.summary()}")
            print(f"  throughput with attackers / alone: {rate:.1f} / {base_rate:.1f} req/s "
                  f"= {ratios[-1]:.2f}")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--polite", action="store_true",
                        help="attackers wait as Retry-After says (default: they ignore it)")
    parser.add_argument("--rounds", type=int, default=3, help="attacked phases in a row")
    parser.add_argument("--attackers", default="2,2",
                        help="export attackers, search attackers (default 2,2)")
    args = parser.parse_args()
    exports, searches = (int(n) for n in args.attackers.split(","))
    run(args.index, args.seconds, exports, searches, args.rounds, args.polite)


if __name__ == "__main__":
    main()
