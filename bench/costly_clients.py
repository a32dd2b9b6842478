"""Costly requests against the production server (issue 23): do 2 clients looping over
exports and 2 looping over the costliest searches take the service from everyone else?

    python -m bench.costly_clients --index DIR [--seconds 10] [--attackers 2,2]
        [--polite] [--attacker-nice 19] [--code BEFORE --code .]

For each setting (the limits switched off, OFSTED_COSTLY_SHARE=0 and OFSTED_EXPORT_CACHE=0,
which is how main served before them, then as shipped, by each --code checkout in turn:
a change's before and after in one run) it serves the index with
`gunicorn -c gunicorn.conf.py`, runs 20 normal clients (`/api/search`, the mix of
bench/abuse.py) alone, then --rounds phases beside the attackers (who attack without a
break, so their first burst counts), then alone again, and prints the normal clients'
throughput, median latency and errors per phase, the ratio (all attacked phases to the
mean of the two alone), and what the attackers got. Export attackers loop over
`/export.{csv,json,ris,bib}?q=ch* OR ca* OR so*&year_from=N` (N changes every time: nothing is remembered); search attackers over
`/search` and `/api/search` with per_page=100, a wildcard query and a new page or year each
time. Attackers ignore Retry-After (as an attacker would; `--polite`: they wait as it says)
and come from addresses of their own (127.0.0.2 ...), each in its own process; normal
clients from 127.0.0.1. `bench/abuse.py --costly` runs the same. Asserts nothing.

The attackers' processes run at niceness --attacker-nice (default 19, the lowest
priority; the server and the normal clients keep the benchmark's own): on a public
service an attacker's loop runs on its own machine and only its requests reach ours, but
here its processes share the server's cores, and four loops spinning on instant refusals
would take the cores from the server and the normal clients whatever the server does
(docs/decisions/0046-refusing-before-flask.md). They still take every cycle the others
leave, and the limits-off setting of the same run shows they bring the service down.
Printed per phase beside the normal clients: the server's CPU seconds (its workers', from
/proc), the attackers' requests a second and their own CPU seconds.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import multiprocessing
import os
import random
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.slow_clients import normal_clients, row

ROOT = Path(__file__).resolve().parents[1]

OFF = {"OFSTED_COSTLY_SHARE": "0", "OFSTED_EXPORT_CACHE": "0"}  # as main served before them
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


def _attacker(port: int, source: str, urls, done, out, polite: bool, niceness: int) -> None:
    """In its own process (no GIL shared with the normal clients), at `niceness` (never
    raised): loop until `done`, then put the count of each status and the CPU seconds
    spent on `out`; `polite` waits as Retry-After says."""
    os.nice(max(0, niceness - os.nice(0)))
    cpu = time.process_time()
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
    out.put((source, _count(record), time.process_time() - cpu))


class Attackers:
    """Processes looping over costly URLs, each from its own loopback address, for as
    long as the `with` block lasts."""

    def __init__(self, port: int, exports: int, searches: int, polite: bool = False,
                 niceness: int = 19):
        context = multiprocessing.get_context("fork")
        self.done, self.out = context.Event(), context.Queue()
        self.counts: dict[str, dict[int, int]] = {}
        self.cpu, self.seconds = 0.0, 0.0
        makers = [export_urls] * exports + [search_urls] * searches
        self.processes = [context.Process(
            target=_attacker, args=(port, f"127.0.0.{n + 2}", make(random.Random(n)),
                                    self.done, self.out, polite, niceness), daemon=True)
            for n, make in enumerate(makers)]

    def __enter__(self):
        self.started = time.monotonic()
        for process in self.processes:
            process.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.seconds = time.monotonic() - self.started
        for _ in self.processes:
            source, counts, cpu = self.out.get(timeout=180)
            self.counts[source], self.cpu = counts, self.cpu + cpu
        for process in self.processes:
            process.join(timeout=60)

    def summary(self) -> str:
        sent = sum(sum(counts.values()) for counts in self.counts.values())
        return ("; ".join(f"attacker {source}: {dict(sorted(counts.items()))}"
                          for source, counts in sorted(self.counts.items()))
                + f"\n  attackers: {sent / max(self.seconds, 1e-9):.1f} req/s in all, "
                  f"{self.cpu:.1f} s of their own CPU in {self.seconds:.1f} s")


def server_cpu(master: int) -> float:
    """CPU seconds (user + system) of the gunicorn master's live children, its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def phase(base: str, seconds: float, master: int) -> dict:
    """The normal clients for `seconds`, with the server's CPU seconds meanwhile."""
    before = server_cpu(master)
    result = normal_clients(base, seconds)
    result["server_cpu"] = server_cpu(master) - before
    return result


def _count(statuses: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for status in statuses:
        out[status] = out.get(status, 0) + 1
    return out


def _row(name: str, result: dict) -> str:
    return f"{row(name, result)}  server CPU {result['server_cpu']:.1f} s"


def warm(base: str, rounds: int = 60) -> None:
    """Until 8 searches at once all answer within a second (every worker has opened the
    index; a cold worker takes many seconds on a loaded machine)."""
    for _ in range(rounds):
        result = normal_clients(base, 1.0, count=8)
        if result["requests"] and not result["late"] and result["p99_ms"] < 1000:
            return


def settings(codes: list[Path]) -> list[tuple[str, Path, dict]]:
    """(name, checkout, environment): the limits off (this checkout), then on for each
    checkout of `codes` (a checkout before a change beside this one: the same run)."""
    found = [("limits off (before)", ROOT, OFF)]
    for code in codes:
        where = "" if code.resolve() == ROOT else f", code of {code}"
        found.append((f"limits on (as shipped{where})", code, {}))
    return found


def run(index: str, seconds: float, exports: int, searches: int, rounds: int = 3,
        polite: bool = False, niceness: int = 19, codes: list[Path] = (ROOT,)) -> list[float]:
    """Every setting in one run: normal clients alone, then `rounds` phases while the
    attackers run without a break (their first burst included), then alone again. The
    ratio is the normal clients' throughput over all attacked phases to the mean of the
    two phases alone; printed per setting, the limits off first."""
    from bench.abuse import serving
    ratios = []
    for name, code, env in settings([Path(c) for c in codes]):
        # no recycling of workers in the run: a worker's replacement opens the index again,
        # which on a loaded machine stalls it for many seconds in whichever phase it falls
        servers: list = []
        with serving(index, ["--max-requests", "0"], env=env, processes=servers,
                     code=code) as (base, command):
            warm(base)
            port, master = int(base.rsplit(":", 1)[1]), servers[0].pid
            alone = [phase(base, seconds, master)]
            with Attackers(port, exports, searches, polite, niceness) as attackers:
                attacked = [phase(base, seconds, master) for _ in range(rounds)]
            alone.append(phase(base, seconds, master))
            base_rate = statistics.mean(r["rate"] for r in alone)
            rate = sum(r["requests"] for r in attacked) / (seconds * rounds)
            ratios.append(rate / max(base_rate, 1e-9))
            print(f"{name}: {' '.join(command)}, {seconds:g} s per phase, "
                  f"{exports} export + {searches} search attackers at niceness {niceness}"
                  + (" (waiting as Retry-After says)" if polite else ""))
            print(_row("20 normal clients (before)", alone[0]))
            for n, result in enumerate(attacked):
                print(_row(f"20 normal + attackers ({n + 1})", result))
            print(_row("20 normal clients (after)", alone[1]))
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
    parser.add_argument("--attacker-nice", type=int, default=19,
                        help="niceness of the attackers' processes (default 19, the lowest "
                             "priority; never below the benchmark's own)")
    parser.add_argument("--code", action="append", type=Path,
                        help="a checkout whose app is served with the limits on (repeat: "
                             "before and after a change in one run; default this one)")
    args = parser.parse_args()
    exports, searches = (int(n) for n in args.attackers.split(","))
    run(args.index, args.seconds, exports, searches, args.rounds, args.polite,
        args.attacker_nice, args.code or [ROOT])


if __name__ == "__main__":
    main()
