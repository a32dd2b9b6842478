"""Command line: `python -m indexer build|check|parse|search|fetch|update|serve` (the contract in
README.md); the console script `ofsted-search` is the same."""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from indexer.api import (FACETS, MAX_FILE_MB, PARSE_SECONDS, ArgParams, IndexMissing,
                         OfstedSearchError, SearchIndex, add_source_arguments, build,
                         check_index, cmd_fetch,
                         fetch_from_args, fetch_report, parse_file, parse_params,
                         precompute_followups, shown)

DEFAULT_INDEX = os.environ.get("OFSTED_INDEX", "index")


def _parser(prog: str = "python -m indexer") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build or update the index")
    build.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH")
    _build_options(build)
    check = commands.add_parser("check", help="list the damaged files of the index")
    check.add_argument("--index", default=DEFAULT_INDEX)
    check.add_argument("--json", action="store_true", help="print what was found as JSON")
    parse = commands.add_parser("parse", help="parse one file and print the report")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true")
    _search_options(commands.add_parser("search", help="search the index"))
    fetch = commands.add_parser("fetch", help="download Ofsted's reports into a folder")
    add_source_arguments(fetch, required=True)
    fetch.add_argument("--json", action="store_true", help="print the summary as JSON")
    update = commands.add_parser("update", help="fetch what is new, then build the index")
    add_source_arguments(update, required=False)
    _build_options(update)
    serve = commands.add_parser("serve", help="serve the web UI with gunicorn")
    serve.add_argument("--index", default=DEFAULT_INDEX)
    serve.add_argument("--bind", default=None, metavar="HOST:PORT",
                       help="address to listen on (default 127.0.0.1:8000, or $OFSTED_BIND)")
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default 2, or $WEB_CONCURRENCY)")
    return parser


def _build_options(build: argparse.ArgumentParser) -> None:
    build.add_argument("--index", default=DEFAULT_INDEX)
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    build.add_argument("--max-file-mb", dest="max_file_mb", type=float, default=MAX_FILE_MB,
                       help=f"skip files larger than this (default {MAX_FILE_MB})")
    build.add_argument("--parse-seconds", dest="parse_seconds", type=float,
                       default=PARSE_SECONDS,
                       help=f"give up a file whose parse takes longer (default {PARSE_SECONDS:g})")


def _search_options(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", nargs="?", default="")
    for facet in FACETS:
        search.add_argument(f"--{facet.param}", action="append", default=[], metavar="VALUE",
                            help=f"{facet.help} (repeatable)")
    search.add_argument("--page", default="1")
    search.add_argument("--per-page", dest="per_page", default="20")
    search.add_argument("--sort", default="relevance")
    search.add_argument("--no-expand", dest="expand", action="store_const", const="0", default="1")
    search.add_argument("--mode", default="hybrid", choices=("hybrid", "words"),
                        help="hybrid: passages found by their words and by their meaning "
                             "(default); words: by their words alone")
    search.add_argument("--index", default=DEFAULT_INDEX)
    search.add_argument("--json", action="store_true")


def cmd_build(args) -> int:
    """Exit 0: every supported file indexed, unchanged or not a report (listed); 1: some
    failed (listed); 2: nothing done (a path that does not exist, another build running, a
    write failure)."""

    progress = sys.stderr.isatty() and not args.json
    summary = build(args.paths, args.index, workers=args.workers, progress=progress,
                    max_file_mb=args.max_file_mb, parse_seconds=args.parse_seconds)
    followups = _followups(args.index, summary)
    if args.json:
        print(json.dumps(asdict(summary) | {"followups": followups}, indent=2))
        return summary.exit_code
    _print_build(summary)
    _print_followups(followups)
    return summary.exit_code


def cmd_update(args) -> int:
    """Fetch what is new into --out, then build the index from that folder (incremental:
    only new or changed files are parsed). Exit code: the worse of the two steps."""
    progress = sys.stderr.isatty() and not args.json
    fetched = fetch_from_args(args, progress)
    built = build([fetched.out], args.index, workers=args.workers, progress=progress,
                  max_file_mb=args.max_file_mb, parse_seconds=args.parse_seconds)
    followups = _followups(args.index, built)
    if args.json:
        print(json.dumps({"fetch": {**asdict(fetched), "exit_code": fetched.exit_code},
                          "build": {**asdict(built), "exit_code": built.exit_code},
                          "followups": followups}, indent=2))
    else:
        fetch_report(fetched, as_json=False)
        _print_build(built)
        _print_followups(followups)
    return max(fetched.exit_code, built.exit_code)


def _print_build(summary) -> None:
    print(f"index: {shown(summary.index)}")
    if summary.full_rebuild:
        print(f"full rebuild: {summary.full_rebuild}")
    print(f"added {summary.added}, updated {summary.updated}, removed {summary.removed}, "
          f"unchanged {summary.unchanged}, skipped {len(summary.skipped)}, "
          f"not reports {len(summary.not_reports)}, ignored {len(summary.ignored)}")
    for skipped in summary.skipped:
        print(f"  skipped {shown(skipped['path'])}: {skipped['reason']}")
    for other in summary.not_reports:
        print(f"  not a report {shown(other['path'])}: {other['reason']}")
    for ignored in summary.ignored:
        print(f"  ignored {shown(ignored['path'])}: {ignored['reason']}")
    for unknown in summary.unknown_authorities:
        print(f"  no authority record for {unknown['authority']!r} ({shown(unknown['source'])})")
    print(f"{summary.reports} reports, {summary.chunks} passages, {summary.pages} pages "
          f"in {summary.seconds:.1f} s")


def _followups(index: str, summary) -> dict | None:
    """After a build that changed the index: every authority's follow-ups, stored in the
    new generation (unchanged authorities copied from the previous one)."""
    changed = summary.added or summary.updated or summary.removed or summary.full_rebuild
    if not changed or summary.exit_code == 2 or not summary.reports:
        return None
    return precompute_followups(index, SearchIndex(index).records())


def _print_followups(followups: dict | None) -> None:
    if followups:
        print(f"follow-ups: {followups['authorities']} authorities, {followups['computed']} "
              f"computed, {followups['copied']} unchanged")


def cmd_check(args) -> int:
    """Every generation of the index, every file hashed against the checksums its build
    recorded. Exit 0: nothing damaged; 1: a damaged file (each listed); 2: no index."""
    found = check_index(args.index)
    if not found:
        raise IndexMissing("no index has been built here yet")
    rows = [{"generation": gen.name, "served": served, "intact": verdict.intact,
             "recorded": verdict.recorded, "files": len(verdict.sizes),
             "damaged": [{"file": d.file, "part": d.part, "reason": d.reason}
                         for d in verdict.damage]} for gen, served, verdict in found]
    damaged = any(not row["intact"] for row in rows)
    if args.json:
        print(json.dumps({"index": args.index, "damaged": damaged, "generations": rows},
                         indent=2))
        return int(damaged)
    print(f"index: {shown(args.index)}")
    for row in rows:
        state = "damaged" if row["damaged"] else "intact"
        note = "" if row["recorded"] else " (no checksums recorded: sizes and structure only)"
        print(f"{row['generation']}{' (served)' if row['served'] else ''}: {state}, "
              f"{row['files']} files checked{note}")
        for damage in row["damaged"]:
            print(f"  damaged {damage['file']}: {damage['reason']}")
    if damaged:
        print("a build repairs a damaged index: python -m indexer build PATH ... --index DIR")
    return int(damaged)


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
        "expand": args.expand, "mode": args.mode, **{f.param: getattr(args, f.param) for f in FACETS}}))
    results = SearchIndex(args.index).search(request)
    if args.json:
        print(json.dumps(results.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{results.total} passage{'' if results.total == 1 else 's'} in "
          f"{results.reports} report{'' if results.reports == 1 else 's'}")
    print("found by your words and their meaning" if results.mode == "hybrid"
          else "found by your words")
    for hit in results.hits:
        why = " (matched by meaning)" if hit.matched == "meaning" else ""
        print(f"- {hit.title} [{hit.section}] {hit.heading}{why}")
        for passage in hit.passages:
            print(f"    {passage.url}\n    {passage.text[:200]}")
    return 0


def cmd_serve(args) -> int:
    """Replace this process with gunicorn serving the web UI, with the settings of
    gunicorn.conf.py (shipped inside the webui package). The web UI is not imported here:
    gunicorn loads it."""
    spec = importlib.util.find_spec("webui")
    config = Path(next(iter(spec.submodule_search_locations))) / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config)]
    command += ["--bind", args.bind] if args.bind else []
    command += ["--workers", str(args.workers)] if args.workers else []
    os.environ["OFSTED_INDEX"] = os.path.abspath(args.index)
    sys.stdout.flush()
    os.execv(sys.executable, [*command, "webui:create_app()"])
    return 0  # not reached


def console() -> int:
    """The `ofsted-search` console script: the same commands as `python -m indexer`."""
    return main(prog="ofsted-search")


def main(argv: list[str] | None = None, prog: str = "python -m indexer") -> int:
    args = _parser(prog).parse_args(argv)
    handler = {"build": cmd_build, "check": cmd_check, "parse": cmd_parse, "search": cmd_search,
               "fetch": cmd_fetch, "update": cmd_update, "serve": cmd_serve}[args.command]
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
