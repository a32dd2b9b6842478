"""Slow and idle connections against the production server (issue 23): do they cost a
connection or the service?

    python -m bench.slow_clients --index DIR [--seconds 15] [--slow 50] [--idle 50]

For each server setting (the production `gunicorn -c gunicorn.conf.py`, and the same with
`-k sync` as it was before, as the baseline of the same run) it runs 20 normal clients
alone, then the same 20 while --slow connections send a request line and then one header
every 2 s and --idle connections send nothing (each reconnects when the server closes it,
as an attacker would), and prints the normal clients' throughput, errors and the ratio.
`bench/abuse.py --slow` runs the same. Asserts nothing.
"""
from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
from urllib.parse import urlencode


from bench.scale.http import fetch

NORMAL = ["neglect", "child sexual exploitation", "care leavers", "\"children in need\"",
          "social workers caseloads", "private fostering", "missing from home",
          "domestic abuse", "early help", "supervision", "management oversight",
          "corporate parenting", "disabled children", "placement stability", "LADO",
          "return home interviews", "edge of care", "adoption", "court proceedings",
          "quality assurance"]
HEADER_EVERY = 2.0  # seconds between two headers of a slow client


class Holders:
    """Connections that hold the server: `slow` send one header every 2 s and never end
    their headers, `idle` send nothing; a closed one is opened again at once."""

    def __init__(self, host: str, port: int, slow: int, idle: int):
        self.address = (host, port)
        self.kinds = ["slow"] * slow + ["idle"] * idle
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str) -> socket.socket | None:
        try:
            sock = socket.create_connection(self.address, timeout=5)
        except OSError:
            return None
        sock.setblocking(False)
        if kind == "slow":
            try:
                sock.send(b"GET /api/search?q=care HTTP/1.1\r\nHost: localhost\r\n")
            except OSError:
                pass
        return sock

    def _run(self) -> None:
        socks = [self._open(kind) for kind in self.kinds]
        next_header = time.monotonic() + HEADER_EVERY
        while not self._stop.wait(0.2):
            header_due = time.monotonic() >= next_header
            if header_due:
                next_header += HEADER_EVERY
            for i, kind in enumerate(self.kinds):
                socks[i] = self._tend(socks[i], kind, header_due, i)
        for sock in socks:
            if sock is not None:
                sock.close()

    def _tend(self, sock, kind: str, header_due: bool, i: int):
        """The same socket while the server keeps it open, else a fresh one."""
        alive = sock is not None
        if alive:
            try:
                alive = sock.recv(65536) != b""  # the server answered or closed it
            except BlockingIOError:
                pass
            except OSError:
                alive = False
        if alive and kind == "slow" and header_due:
            try:
                sock.send(f"X-Slow-{i}: {time.monotonic():.0f}\r\n".encode())
            except OSError:
                alive = False
        if alive:
            return sock
        if sock is not None:
            sock.close()
        self.reconnects += 1
        return self._open(kind)

    def __enter__(self):
        self._thread.start()
        time.sleep(HEADER_EVERY)  # all of them connected before the clients start
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _client(base: str, stop: float, record: list, late: list, rng: random.Random) -> None:
    while time.monotonic() < stop:
        query = rng.choice(NORMAL)
        started = time.perf_counter()
        try:
            status, _ = fetch(f"{base}/api/search?{urlencode({'q': query})}",
                              timeout=max(stop - time.monotonic(), 0.1) + 5)
        except OSError:
            status = 0
        if time.monotonic() <= stop:
            record.append((time.perf_counter() - started, status))
        else:  # still unanswered when the phase ended (or answered after it)
            late.append(status)


def normal_clients(base: str, seconds: float, count: int = 20) -> dict:
    """`count` clients sending normal searches for `seconds`: rate, latency, errors."""
    stop = time.monotonic() + seconds
    record: list = []
    late: list = []
    threads = [threading.Thread(target=_client, args=(base, stop, record, late,
                                                      random.Random(i)))
               for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(s for s, _ in record) or [0.0]
    return {"rate": len(record) / seconds, "requests": len(record),
            "median_ms": statistics.median(lat) * 1000,
            "p99_ms": lat[max(0, int(len(lat) * 0.99) - 1)] * 1000,
            "errors": sum(st != 200 for _, st in record),
            "unanswered": sum(st != 200 for st in late), "late": len(late)}


def row(name: str, result: dict) -> str:
    return (f"  {name:34} {result['rate']:7.1f} req/s  median {result['median_ms']:7.1f} ms  "
            f"p99 {result['p99_ms']:8.1f} ms  errors {result['errors']}  "
            f"unanswered at the end {result['unanswered']}")


def measure(base: str, seconds: float, slow: int, idle: int) -> tuple[dict, dict, int]:
    """(normal clients alone, normal clients while held, reconnects of the holders)."""
    quiet = normal_clients(base, seconds)
    port = int(base.rsplit(":", 1)[1])
    with Holders("127.0.0.1", port, slow, idle) as holders:
        loud = normal_clients(base, seconds)
    return quiet, loud, holders.reconnects


def run(index: str, seconds: float, slow: int, idle: int, settings: list[list[str]]) -> None:
    from bench.abuse import serving
    for extra in settings:
        with serving(index, extra) as (base, command):
            normal_clients(base, 3)  # every worker warm
            print(f"{' '.join(command)}: {slow} slow-header + {idle} idle connections, "
                  f"{seconds:g} s per phase")
            quiet, loud, reconnects = measure(base, seconds, slow, idle)
            print(row("20 normal clients", quiet))
            print(row(f"20 normal + {slow} slow + {idle} idle", loud))
            print(f"  throughput held / alone: {loud['rate'] / max(quiet['rate'], 1e-9):.2f} "
                  f"(holders reconnected {reconnects} times)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--idle", type=int, default=50)
    parser.add_argument("--no-baseline", action="store_true",
                        help="only the production settings, not `-k sync` beside them")
    args = parser.parse_args()
    settings = [[]] if args.no_baseline else [["-k", "sync"], []]
    run(args.index, args.seconds, args.slow, args.idle, settings)


if __name__ == "__main__":
    main()
