"""The fetch command's options and output (`python -m indexer fetch`, and the fetch half of
`python -m indexer update`): exit 0 everything fetched or already held, 1 some failed
(listed with their reasons), 2 nothing done (a bad links file, an unknown authority, an
output folder that cannot be written).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from urllib.parse import urlsplit

from indexer.fetch import run
from indexer.fetch.client import Client, Politeness
from indexer.fetch.links import read_links
from indexer.fetch.listing import FILES_HOST, REPORTS_SITE

DEFAULT_OUT = "reports"


def add_source_arguments(parser: argparse.ArgumentParser, required: bool) -> None:
    """Where the links come from, and how politely they are fetched."""
    source = parser.add_mutually_exclusive_group(required=required)
    source.add_argument("--links", metavar="FILE.csv",
                        help="a CSV with a `url` or `inspection_link` column")
    source.add_argument("--authority", nargs="+", metavar="KEY",
                        help="authorities whose Ofsted provider pages are read")
    source.add_argument("--all", action="store_true",
                        help="every authority in Ofsted's search (the default of update)")
    parser.add_argument("--out", default=DEFAULT_OUT,
                        help=f"folder of the files and MANIFEST.csv (default {DEFAULT_OUT})")
    parser.add_argument("--rate", type=float, default=1.0,
                        help="requests per second, at most (default 1)")
    parser.add_argument("--retries", type=int, default=4,
                        help="further attempts on 429, 5xx and broken transfers (default 4)")
    parser.add_argument("--base-url", dest="base_url", default=REPORTS_SITE,
                        help=f"Ofsted's reports site (default {REPORTS_SITE})")
    parser.add_argument("--allow-host", dest="allow_host", action="append", default=[],
                        metavar="HOST", help="a further host links may point to (repeatable)")


def client_for(args) -> Client:
    if not args.rate > 0:
        raise SystemExit("error: --rate must be a positive number of requests per second")
    hosts = {urlsplit(REPORTS_SITE).netloc, FILES_HOST, urlsplit(args.base_url).netloc}
    hosts |= {h.lower() for h in args.allow_host}
    return Client(hosts=hosts, polite=Politeness(rate=args.rate, retries=max(0, args.retries)))


def fetch_from_args(args, progress: bool) -> run.FetchSummary:
    """Run the fetch the arguments ask for (`--all` when no source is named)."""
    client, summary = client_for(args), run.FetchSummary()
    if args.links:
        targets, bad = read_links(args.links)
        summary.failed += bad
    else:
        providers = (run.authority_providers(args.authority, args.base_url) if args.authority
                     else run.all_providers(client, args.base_url, summary))
        targets = run.provider_targets(client, providers, summary, progress)
    return run.fetch(targets, args.out, client, summary, progress)


def report(summary: run.FetchSummary, as_json: bool) -> None:
    if as_json:
        print(json.dumps({**asdict(summary), "exit_code": summary.exit_code}, indent=2))
        return
    print(f"fetched {len(summary.fetched)}, already held {summary.held}, failed "
          f"{len(summary.failed)} of {summary.listed} listed into {summary.out} "
          f"({summary.requests} requests in {summary.seconds:.1f} s)")
    for failed in summary.failed:
        print(f"  failed {failed['url']}: {failed['reason']}")


def cmd_fetch(args) -> int:
    summary = fetch_from_args(args, progress=sys.stderr.isatty() and not args.json)
    report(summary, args.json)
    return summary.exit_code
