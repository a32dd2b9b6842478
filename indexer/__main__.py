"""Command line: `python -m indexer build|parse|search` (the contract in DESIGN.md)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict

from indexer.api import (FACETS, MAX_FILE_MB, PARSE_SECONDS, ArgParams, IndexMissing,
                         OfstedSearchError, SearchIndex, build, parse_file, parse_params,
                         precompute_followups, shown)

DEFAULT_INDEX = os.environ.get("OFSTED_INDEX", "index")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build or update the index")
    build.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH")
    build.add_argument("--index", default=DEFAULT_INDEX)
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    build.add_argument("--max-file-mb", dest="max_file_mb", type=float, default=MAX_FILE_MB,
                       help=f"skip files larger than this (default {MAX_FILE_MB})")
    build.add_argument("--parse-seconds", dest="parse_seconds", type=float,
                       default=PARSE_SECONDS,
                       help=f"give up a file whose parse takes longer (default {PARSE_SECONDS:g})")
    parse = commands.add_parser("parse", help="parse one file and print the report")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true")
    search = commands.add_parser("search", help="search the index")
    search.add_argument("query", nargs="?", default="")
    for facet in FACETS:
        search.add_argument(f"--{facet.param}", action="append", default=[], metavar="VALUE",
                            help=f"{facet.help} (repeatable)")
    search.add_argument("--page", default="1")
    search.add_argument("--per-page", dest="per_page", default="20")
    search.add_argument("--sort", default="relevance")
    search.add_argument("--no-expand", dest="expand", action="store_const", const="0", default="1")
    search.add_argument("--index", default=DEFAULT_INDEX)
    search.add_argument("--json", action="store_true")
    return parser


def cmd_build(args) -> int:
    """Exit 0: every supported file indexed or unchanged; 1: some failed (listed);
    2: nothing done (a path that does not exist, another build running, a write failure)."""

    progress = sys.stderr.isatty() and not args.json
    summary = build(args.paths, args.index, workers=args.workers, progress=progress,
                    max_file_mb=args.max_file_mb, parse_seconds=args.parse_seconds)
    changed = summary.added or summary.updated or summary.removed or summary.full_rebuild
    followups = (precompute_followups(args.index, SearchIndex(args.index).records())
                 if changed and summary.exit_code != 2 and summary.reports else None)
    if args.json:
        print(json.dumps(asdict(summary) | {"followups": followups}, indent=2))
        return summary.exit_code
    print(f"index: {shown(summary.index)}")
    if summary.full_rebuild:
        print(f"full rebuild: {summary.full_rebuild}")
    print(f"added {summary.added}, updated {summary.updated}, removed {summary.removed}, "
          f"unchanged {summary.unchanged}, skipped {len(summary.skipped)}, "
          f"ignored {len(summary.ignored)}")
    for skipped in summary.skipped:
        print(f"  skipped {shown(skipped['path'])}: {skipped['reason']}")
    for ignored in summary.ignored:
        print(f"  ignored {shown(ignored['path'])}: {ignored['reason']}")
    for unknown in summary.unknown_authorities:
        print(f"  no authority record for {unknown['authority']!r} ({shown(unknown['source'])})")
    print(f"{summary.reports} reports, {summary.chunks} passages, {summary.pages} pages "
          f"in {summary.seconds:.1f} s")
    if followups:
        print(f"follow-ups: {followups['authorities']} authorities, {followups['computed']} "
              f"computed, {followups['copied']} unchanged")
    return summary.exit_code


def cmd_parse(args) -> int:

    report = parse_file(args.file)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{report.report_id}: {report.title}")
    for section in report.sections:
        print(f"  [{section.key}] {section.heading!r}: {len(section.passages)} passages")
    return 0


def cmd_search(args) -> int:

    request = parse_params(ArgParams({
        "q": args.query, "page": args.page, "per_page": args.per_page, "sort": args.sort,
        "expand": args.expand, **{f.param: getattr(args, f.param) for f in FACETS}}))
    results = SearchIndex(args.index).search(request)
    if args.json:
        print(json.dumps(results.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{results.total} passages in {results.reports} reports")
    for hit in results.hits:
        print(f"- {hit.title} [{hit.section}] {hit.heading}")
        for passage in hit.passages:
            print(f"    {passage.url}\n    {passage.text[:200]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {"build": cmd_build, "parse": cmd_parse, "search": cmd_search}[args.command]
    try:
        return handler(args)
    except IndexMissing as exc:  # its message names no path (it also reaches web pages)
        print(f"error: {exc} (index: {shown(args.index)})", file=sys.stderr)
        return 2
    except OfstedSearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
