"""Hostile queries against an index: how slow can one request be made, and what do two
attackers do to everyone else's throughput?

    python -m bench.abuse --index /work/corpus-index [--queries 500] [--cap 3] [--seconds 20]

Part 1 generates at least 500 hostile queries (wildcards in every position, nested
brackets, long ORs, long phrases, fuzzy terms, field queries, boosts), runs each through
SearchIndex in a forked child of a warm process (killed after --cap seconds, reported as
">= cap"), and prints the ten slowest with their outcome (ok / 400 / error).
Part 2 serves the index with gunicorn (`gunicorn.conf.py` when present, on 127.0.0.1 only)
and runs 20 clients sending normal queries for --seconds, then the same 20 plus 2 clients
sending the slowest queries of part 1, and prints throughput of the normal clients in both
phases and their ratio (the baseline is measured in the same run). `--slow` runs
bench/slow_clients.py instead: 50 slow-header and 50 idle connections beside 20 normal
clients, with the production worker and with `-k sync` (the worker before issue 23).
`--costly` runs bench/costly_clients.py instead: 2 clients looping over exports and 2 over
result pages of 100 for wildcard queries beside 20 normal clients, with the limits on
costly requests switched off and on. `--damage` runs the damage matrix of bench/damage.py
instead (the documents are the seeds; `--code OTHER_CHECKOUT` adds another checkout, e.g.
the code before, to the same run). Asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import random
import select
import signal
import statistics
import struct
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]

from bench.scale.http import fetch, free_port

WORDS = ["child", "children", "care", "leaver", "assess", "neglect", "social", "worker",
         "plan", "exploitation", "safeguarding", "manage", "a", "in", "of", "to"]
NORMAL = ["neglect", "child sexual exploitation", "care leavers", "\"children in need\"",
          "social workers caseloads", "private fostering", "missing from home",
          "domestic abuse", "early help", "supervision", "management oversight",
          "corporate parenting", "disabled children", "placement stability", "LADO",
          "return home interviews", "edge of care", "adoption", "court proceedings",
          "quality assurance"]


def hostile_queries(count: int = 500, seed: int = 9) -> list[str]:
    """A fixed, reproducible mix of every kind of hostile query."""
    rng = random.Random(seed)
    fixed = ["?*", "*", "*a*", "*" * 100, "?* OR ??*", "?* OR ??* OR ???* OR ????*",
             "*e", "**", "?", "??", "a*", "a?*", "*?*?*?*", "~", "a~", "a~9", "*~",
             "text:*", "heading:*a*", "title:?*", "authority:*", "section:*", "year:*",
             "((((((((((a))))))))))", "(" * 60 + "child" + ")" * 60, "NOT *", "* NOT a*"]
    makers = [
        lambda: rng.choice(WORDS)[:rng.randint(0, 3)] + rng.choice(["*", "?*", "*?", "??"]),
        lambda: rng.choice(["*", "?"]) + rng.choice(WORDS)[rng.randint(0, 3):],
        lambda: "*" + rng.choice(WORDS)[1:4] + "*",
        lambda: " OR ".join("?" * rng.randint(1, 4) + "*" for _ in range(rng.randint(2, 6))),
        lambda: " OR ".join(rng.choice(WORDS) + rng.choice(["", "*", "~2"])
                            for _ in range(rng.randint(20, 120))),
        lambda: " OR ".join(f"w{i}" for i in range(1000)),  # 1,000-term OR (too long: 400)
        lambda: '"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80))) + '"',
        lambda: " ".join(rng.choice(WORDS) + "~" + str(rng.randint(1, 3))
                         for _ in range(rng.randint(1, 8))),
        lambda: rng.choice(["text", "heading", "title", "authority", "section", "year",
                            "type", "nosuch"]) + ":" + rng.choice(["*", "?*", "a*", "*a", "x"]),
        lambda: "(" * (d := rng.randint(5, 40)) + rng.choice(WORDS) + "*" + ")" * d,
        lambda: " ".join(rng.choice(WORDS) + "^" + str(rng.randint(1, 10**6))
                         for _ in range(rng.randint(1, 10))),
        lambda: " AND ".join(rng.choice(["?*", "*a*", "c*", "*e"]) for _ in range(rng.randint(2, 5))),
        lambda: rng.choice(WORDS) + "* NOT " + rng.choice(["*", "?*", "a*"]),
        lambda: '"' + " ".join(rng.choice(["*", "?*", "a*", "child"]) for _ in range(8)) + '"',
    ]
    queries = list(fixed)
    while len(queries) < count:
        queries.append(rng.choice(makers)())
    return queries


def _child(search_index, query: str, out: int) -> None:
    """In the forked child: run one query, write (seconds, outcome) to the pipe."""
    from indexer.errors import BadRequest
    from indexer.search.request import ArgParams, parse_params
    started = time.perf_counter()
    try:
        results = search_index.search(parse_params(ArgParams({"q": query})))
        outcome = f"ok {results.total}" + (" partial" if getattr(results, "partial", False) else "")
    except BadRequest as exc:
        outcome = f"400 {str(exc)[:70]}"
    except Exception as exc:  # noqa: BLE001 - the benchmark reports every failure
        outcome = f"error {type(exc).__name__}"
    payload = f"{time.perf_counter() - started:.6f}\t{outcome}".encode()
    os.write(out, struct.pack("I", len(payload)) + payload)


def timed(search_index, query: str, cap: float) -> tuple[float, str]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            _child(search_index, query, write)
        finally:
            os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], cap)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
        return cap, "killed at cap"
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    if len(data) < 4:
        return cap, "child died"
    seconds, outcome = data[4:].decode().split("\t", 1)
    return float(seconds), outcome


def part_one(index: str, count: int, cap: float) -> list[tuple[float, str, str]]:
    from indexer.search.request import ArgParams, parse_params
    from indexer.search.service import SearchIndex
    search_index = SearchIndex(index)
    for query in NORMAL:  # open the generation and warm the caches before forking
        search_index.search(parse_params(ArgParams({"q": query})))
    rows = []
    for query in hostile_queries(count):
        seconds, outcome = timed(search_index, query, cap)
        rows.append((seconds, query, outcome))
    rows.sort(reverse=True)
    times = [r[0] for r in rows]
    kinds = {}
    for _, _, outcome in rows:
        kind = outcome.split()[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{len(rows)} hostile queries: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {times[0]:.2f} s, over 1 s: {sum(t > 1 for t in times)}, "
          f"killed at {cap:g} s: {sum(o == 'killed at cap' for _, _, o in rows)}; outcomes {kinds}")
    print("ten slowest:")
    for seconds, query, outcome in rows[:10]:
        shown = query if len(query) <= 60 else query[:57] + "..."
        print(f"  {seconds:7.3f} s  {shown!r:64}  {outcome}")
    return rows


def _client(base: str, queries: list[str], stop: float, record: list, rng: random.Random):
    while time.monotonic() < stop:
        query = rng.choice(queries)
        started = time.perf_counter()
        try:
            status, _ = fetch(f"{base}/api/search?{urlencode({'q': query})}", timeout=60)
        except OSError:
            status = 0
        if time.monotonic() <= stop:  # only requests answered inside the phase count
            record.append((time.perf_counter() - started, status))


def _phase(base: str, seconds: float, attackers: list[str]) -> dict:
    stop = time.monotonic() + seconds
    normal, attack, threads = [], [], []
    for i in range(20):
        threads.append(threading.Thread(target=_client, args=(base, NORMAL, stop, normal,
                                                              random.Random(i))))
    for i in range(2 if attackers else 0):
        threads.append(threading.Thread(target=_client, args=(base, attackers, stop, attack,
                                                              random.Random(100 + i))))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = seconds  # requests answered after the phase ended are not counted
    lat = sorted(s for s, _ in normal) or [0.0]
    return {"rate": len(normal) / elapsed, "requests": len(normal),
            "median_ms": statistics.median(lat) * 1000,
            "p99_ms": lat[max(0, int(len(lat) * 0.99) - 1)] * 1000,
            "errors": sum(st != 200 for _, st in normal), "attacks": len(attack),
            "attack_statuses": sorted({st for _, st in attack})}


@contextmanager
def serving(index: str, extra: list[str] = (), env: dict | None = None,
            processes: list | None = None, code: Path = ROOT):
    """gunicorn on 127.0.0.1 with `gunicorn.conf.py` (when present) and `extra` settings
    on top (e.g. `-k sync`, the worker before issue 23), `env` added to its environment,
    serving the checkout `code` (run there: `python -m` puts it first on the path);
    yields (base URL, command); the master's Popen is appended to `processes` if given."""
    import subprocess
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    conf = Path(code) / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "--log-level", "error"]
    command += ["-c", str(conf)] if conf.is_file() else ["-w", "2", "--timeout", "30"]
    command += [*extra, "webui:create_app()"]
    environment = dict(os.environ, OFSTED_INDEX=str(Path(index).resolve()), **(env or {}))
    server = subprocess.Popen(command, cwd=code, env=environment)
    if processes is not None:
        processes.append(server)
    try:
        for _ in range(400):
            try:
                fetch(base + "/api/search?q=warm", timeout=60)
                break
            except OSError:
                time.sleep(0.3)
        yield base, ["gunicorn", *command[3:]]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def part_two(index: str, attackers: list[str], seconds: float) -> None:
    with serving(index) as (base, command):
        for query in NORMAL:
            fetch(f"{base}/api/search?{urlencode({'q': query})}")
        print(f"load ({' '.join(command)}), {seconds:g} s per phase, attackers send: "
              f"{attackers}")
        quiet = _phase(base, seconds, [])
        loud = _phase(base, seconds, attackers)
        for name, row in (("20 normal clients", quiet), ("20 normal + 2 attackers", loud)):
            print(f"  {name:24} {row['rate']:7.1f} req/s  median {row['median_ms']:7.1f} ms  "
                  f"p99 {row['p99_ms']:8.1f} ms  errors {row['errors']}  "
                  f"(attacker requests {row['attacks']}, statuses {row['attack_statuses']})")
        print(f"  throughput under attack / without: {loud['rate'] / max(quiet['rate'], 1e-9):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required="--damage" not in sys.argv)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--cap", type=float, default=3.0, help="seconds before a query is killed")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load phase")
    parser.add_argument("--no-load", action="store_true", help="part 1 only")
    parser.add_argument("--slow", action="store_true",
                        help="slow and idle connections only (bench/slow_clients.py), "
                             "the production worker beside `-k sync`")
    parser.add_argument("--costly", action="store_true",
                        help="2 export and 2 costly-search attackers only "
                             "(bench/costly_clients.py), the limits off beside on")
    parser.add_argument("--damage", action="store_true",
                        help="the damage matrix only (bench/damage.py)")
    parser.add_argument("--code", action="append", default=[],
                        help="with --damage: another checkout to run it on too")
    args = parser.parse_args()
    if args.damage:
        from bench import damage
        damage.main([arg for code in args.code for arg in ("--code", code)] + ["--code", str(ROOT)])
        return
    if args.slow:
        from bench import slow_clients
        slow_clients.run(args.index, args.seconds, 50, 50, [["-k", "sync"], []])
        return
    if args.costly:
        from bench import costly_clients
        costly_clients.run(args.index, args.seconds, 2, 2)
        return
    rows = part_one(args.index, max(args.queries, 1), args.cap)
    if not args.no_load:
        slowest = [query for _, query, outcome in rows[:2]]
        part_two(args.index, slowest, args.seconds)


if __name__ == "__main__":
    main()
