"""What the fetcher's politeness costs and what resuming saves, on a local HTTP server (no
internet): N corpus PDFs fetched through `python -m indexer fetch --links` at a given rate,
then the same command again (everything held: no download). Prints, for each run, wall
time, requests the server saw, the rate achieved against the rate asked for, and MB/s.

    python -m bench.fetch [--files 20] [--rate 1] [--corpus ../shared/corpus]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(bodies: dict[str, bytes]) -> tuple[ThreadingHTTPServer, list[float]]:
    """A local server answering /v1/file/<n> with the n-th PDF; it records arrival times."""
    arrived: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            arrived.append(time.monotonic())
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, arrived


def run(links: Path, out: Path, host: str, rate: float) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "indexer", "fetch", "--links", str(links),
                           "--out", str(out), "--allow-host", host, "--rate", str(rate),
                           "--json"], cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args()
    pdfs = sorted(Path(args.corpus).glob("*/inspection_reports/*/*.pdf"))[: args.files]
    bodies = {f"/v1/file/{n}": p.read_bytes() for n, p in enumerate(pdfs)}
    server, arrived = serve(bodies)
    host = f"127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as scratch:
        links = Path(scratch) / "links.csv"
        links.write_text("url\n" + "".join(f"http://{host}{path}\n" for path in bodies))
        megabytes = sum(map(len, bodies.values())) / 2**20
        print(f"{len(bodies)} PDFs, {megabytes:.1f} MB, --rate {args.rate:g}")
        for label in ("first run", "resumed run"):
            before = len(arrived)
            seconds, summary = run(links, Path(scratch) / "out", host, args.rate)
            times = arrived[before:]
            span = times[-1] - times[0] if len(times) > 1 else 0.0
            achieved = (len(times) - 1) / span if span else 0.0
            print(f"{label}: {seconds:.2f} s, fetched {len(summary['fetched'])}, held "
                  f"{summary['held']}, {len(times)} requests, {achieved:.2f} requests/s "
                  f"between the first and the last (asked: at most {args.rate:g}), "
                  f"{megabytes / seconds if summary['fetched'] else 0:.2f} MB/s")
    server.shutdown()


if __name__ == "__main__":
    main()
