"""Build or update an index from files and folders, incrementally by content hash.

The index mirrors the files under the given paths: new files are added, changed files
replace their old passages, files no longer there leave the index, unreadable files are
skipped with their reason (and fail the build), readable files that are not inspection
reports (a README, a saved web page) are listed as `not_reports` (and do not). Files are parsed in worker processes (indexer.index.parse_pool),
the accepted reports are written as one Whoosh segment per worker (indexer.index.segments);
the result is published as a new generation (indexer.index.store) only when complete.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer.index import (columns, integrity, live_stats, mapped, merging, repair,
                           report_store, report_writer, segments, sources, store)
from indexer.index import manifest as manifest_file
from indexer.index.parse_pool import PARSE_SECONDS, die_with_parent, parse_stream
from indexer.index.sources import MAX_FILE_MB
from indexer.index.writer import Writer
from indexer.errors import BuildRefused
from indexer.models import Report, dated
from indexer.ingest.parse import chunk_report
from indexer.index.facet_registry import FACETS
from indexer.index.fingerprint import index_format, rebuild_reason
from indexer.index.schema import make_schema
from indexer.index.spelling import next_vocabulary, report_word_counts
from indexer.index.summary import BuildSummary


def _unique_id(report_id: str, taken) -> str:
    candidate, n = report_id, 1
    while candidate in taken:
        n += 1
        candidate = f"{report_id}-{n}"
    return candidate


def _chunk_documents(report: Report):
    date = dated(report).sort_key.replace("-", "")
    for chunk in chunk_report(report):
        yield dict(
            chunk_id=chunk.chunk_id, report_id=report.report_id, passage_ids=chunk.passage_ids,
            position=chunk.position, text=chunk.text, heading=chunk.heading, title=report.title,
            exact=chunk.text, exact_heading=chunk.heading,
            authority_label=report.authority_name or report.authority, date=int(date), source=report.source,
            **{f.field: f.value(report, chunk) for f in FACETS},
        )


def build(paths: list[str], index_dir: str, workers: int = 2, progress: bool = False,
          max_file_mb: float = MAX_FILE_MB, parse_seconds: float = PARSE_SECONDS) -> BuildSummary:
    """Bring the index up to date with the files under `paths`. Reports whose source lies
    outside them are kept; a file that fails keeps its previous version. BuildRefused
    (nothing done, index untouched) for a path that does not exist."""
    started = time.perf_counter()
    summary = BuildSummary(index=str(index_dir))
    found = sources.collect(paths, int(max_file_mb * 2**20))
    with store.build_lock(index_dir):
        store.remove_stale_builds(Path(index_dir))
        _build_locked(found, index_dir, workers, progress, parse_seconds, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _build_locked(found, index_dir, workers, progress, parse_seconds, summary) -> None:
    begun = repair.start(index_dir)  # the served generation, every file verified
    old_gen, old_manifest, old_not_reports = begun.path, begun.manifest, begun.not_reports
    fmt = index_format()
    hashes = dict(found.files)
    reason = begun.rebuild or (rebuild_reason(store.read_format(old_gen), fmt)
                               if old_gen is not None else None)
    if reason:
        summary.full_rebuild = reason
        for path in old_manifest:  # reports from other paths are parsed again, not dropped
            if not found.covers(path):
                sources.add(path, found)
        if begun.rebuild:
            repair.refuse_if_gone(begun, found)
        hashes, old_gen, old_not_reports = dict(found.files), None, {}
    old_paths = set(old_manifest)
    if old_gen is None:
        old_manifest = {}  # a fresh index: every file is parsed and counted as added
    summary.skipped, summary.ignored = found.skipped, found.ignored
    failed = {s["path"] for s in found.skipped}
    changed = [p for p in sorted(hashes) if old_manifest.get(p, {}).get("sha256") != hashes[p]]
    not_reports = _known_not_reports(old_not_reports, hashes, found)
    changed = [p for p in changed if p not in not_reports]
    summary.not_reports = [{"path": p, "reason": e["reason"]}
                           for p, e in sorted(not_reports.items()) if p in hashes]
    gone = sorted(p for p in old_paths if p not in hashes and p not in failed
                  and (found.covers(p) or not old_manifest))
    summary.unchanged = len(hashes) - len(changed) - len(summary.not_reports)
    summary.removed = len(gone)
    summary.kept = sum(p in old_manifest for p in failed) if old_gen is not None else 0
    if old_gen is None and not hashes:
        raise BuildRefused("no supported files under the given paths: nothing was indexed")
    if old_gen is not None and not gone and not changed and not_reports == old_not_reports \
            and not begun.damaged:
        _count(summary, old_gen)
        return
    manifest = {} if old_gen is None else {
        p: e for p, e in old_manifest.items() if p not in gone and p not in changed}
    _count(summary, _write(index_dir, old_gen, gone, changed, manifest, old_manifest, fmt,
                           summary, workers, progress, parse_seconds, (not_reports, hashes),
                           begun if old_gen is not None else repair.Start()))


NOT_REPORTS = "not_reports.json"  # in a generation: path -> {sha256, reason}


def _known_not_reports(old: dict, hashes: dict, found) -> dict:
    """The previous build's not-reports that are still there unchanged (not parsed again),
    and those under paths this build does not cover (kept as they were)."""
    return {p: e for p, e in old.items()
            if hashes.get(p) == e["sha256"] or (p not in hashes and not found.covers(p))}


def _write(index_dir, old_gen, gone, changed, manifest, old_manifest, fmt, summary,
           workers, progress, parse_seconds, not_reports_and_hashes, begun) -> Path:
    """Write the new generation: removals, then each changed file's new version in place of
    its old one (a file that fails keeps its old version); publish it when complete. The
    reports are the previous generation's store, its base linked and its delta copied, with
    only the changed ones read, dropped and inserted (indexer.index.report_writer)."""
    building = store.new_generation(index_dir)
    reports = None
    try:
        reports = (report_writer.Writable.copy(building, old_gen) if old_gen is not None
                   else report_writer.Writable.create(building))
        writer = _open_writer(building, old_gen)
        removed = [_forget(path, old_manifest, reports, writer) for path in gone]
        not_reports, hashes = not_reports_and_hashes
        by_sha = {entry["sha256"]: p for p, entry in manifest.items()}  # duplicate files
        accepted = []  # report dicts to index, in the order a single writer adds them
        for path, data, reason, not_report in parse_stream(changed, workers, progress,
                                                           parse_seconds):
            if not_report:
                removed.append(_not_a_report(path, reason, hashes[path], not_reports, summary,
                                             old_manifest if old_gen else {}, reports, writer))
                continue
            if data is None and path in old_manifest and old_gen is not None:
                manifest[path] = old_manifest[path]  # try again next build
                summary.kept += 1
                reason = f"{reason} (its previous version stays in the index)"
            elif data is not None and old_gen is not None:
                removed.append(_forget(path, old_manifest, reports, writer))
            if _accept(path, data, reason, manifest, by_sha, reports, old_manifest, summary):
                accepted.append(data)
        merging.merge_newest(writer, sum(segments.weight(r) for r in accepted))
        added = _add_reports(writer, building, accepted, workers, progress)
        manifest_file.write(building, None if begun.damaged else old_gen,
                            old_manifest if old_gen else {}, manifest)
        _finish(building, begun,
                next_vocabulary(begun.vocabulary(), added, removed, reports), reports,
                {NOT_REPORTS: not_reports, "format.json": fmt}, writer.live)
        published = store.publish(index_dir, building)
    except OSError as exc:
        _abandon(building, reports)
        raise BuildRefused(f"the index could not be written ({exc.strerror or exc}); "
                           "the previous index is still served") from exc
    except BaseException:
        _abandon(building, reports)
        raise
    summary.skipped.sort(key=lambda s: s["path"])
    summary.not_reports.sort(key=lambda s: s["path"])
    return published


def _not_a_report(path, reason, sha256, not_reports, summary, old_manifest, reports, writer):
    """Record a file that is readable but no report; forget the report it was, if any."""
    not_reports[path] = {"sha256": sha256, "reason": reason}
    summary.not_reports.append({"path": path, "reason": reason})
    summary.removed += path in old_manifest
    return _forget(path, old_manifest, reports, writer)


def _finish(building: Path, begun, vocabulary: dict, reports, tables: dict,
            live: live_stats.Deletions) -> None:
    """The generation's mapped arrays and columns, vocabulary, report store and tables,
    then the checksums of every file (a file linked from the previous generation was
    verified a moment ago: its digest is not computed again)."""
    write_mapped(building, begun, live)
    store.write_json(building / "vocabulary.json", vocabulary)
    reports.commit()
    for name, table in tables.items():
        store.write_json(building / name, table)
    verdict = begun.verdict
    integrity.record(building, verdict.digests if verdict else None,
                     verdict.hashed if verdict else None)


def _abandon(building: Path, reports) -> None:
    if reports is not None:
        reports.abandon()
    shutil.rmtree(building, ignore_errors=True)


def write_mapped(building: Path, begun, live: live_stats.Deletions) -> None:
    """The memory-mapped postings of every segment (indexer.index.mapped), the
    generation's columns (indexer.index.columns) and what its deleted passages add to the
    statistics (indexer.index.live_stats); a damaged part of the previous generation is
    written again, never linked (indexer.index.repair)."""
    # no mmap: Whoosh would copy the segment's files into memory (decision 0027)
    ix = FileStorage(str(building / "whoosh"), supports_mmap=False).open_index()
    try:
        with ix.reader() as reader:
            mapped.write(building, reader, begun.path, begun.rewritten_segments())
            columns.write(building, reader, begun.columns())
            live.write(building, reader)
    finally:
        ix.close()


def _add_reports(writer, building: Path, accepted: list[dict], workers: int,
                 progress: bool = False) -> Counter:
    """Index the accepted reports and commit: in `workers` parallel segment writers
    (indexer.index.segments) when there is more than one report, else in this process.
    Returns the word counts of their passages (for the vocabulary), counted alongside."""
    if workers > 1 and len(accepted) > 1:
        if progress:
            print(f"writing {len(accepted)} reports as {min(workers, len(accepted))} segments "
                  "in parallel", file=sys.stderr, flush=True)
        written, counts = segments.write_segments(
            str(building / "whoosh"), accepted, workers, _documents_of, report_word_counts,
            initializer=die_with_parent, initargs=(os.getpid(),), written=mapped.write_new,
            recorder=mapped.recorder)
        segments.commit_with(writer, written)
        return sum(counts, Counter())
    for data in accepted:
        for doc in _documents_of(data):
            writer.add_document(**doc)
    writer.commit()
    return report_word_counts(accepted)


def _documents_of(data: dict):
    """The Whoosh documents of one report dict (a module function: workers import it)."""
    return _chunk_documents(Report.from_dict(data))


def _forget(path: str, old_manifest: dict, reports, writer) -> dict | None:
    """Remove the previous version of a file's report; return it (None if there was none)."""
    if path not in old_manifest:
        return None
    report_id, start = old_manifest[path]["report_id"], len(writer.deleted)
    writer.delete_by_term("report_id", report_id)
    report = reports.pop(report_id, None)
    deleted = sorted(writer.deleted[start:])
    documents = list(_documents_of(report)) if report is not None else []
    if len(documents) == len(deleted):  # else: those segments' statistics stay Whoosh's
        for (_, segid), document in zip(deleted, documents):
            writer.live.add(segid, document, writer.schema)
    return report


def _open_writer(building: Path, old_gen: Path | None):
    if old_gen is not None:
        store.link_tree(old_gen / "whoosh", building / "whoosh")
        ix = whoosh_index.open_dir(str(building / "whoosh"))
        writer = Writer(ix, limitmb=256)
        writer.live = live_stats.Deletions.read(old_gen)
        return writer
    else:
        (building / "whoosh").mkdir()
        ix = whoosh_index.create_in(str(building / "whoosh"), make_schema())
    return Writer(ix, limitmb=256)


def _accept(path, data, reason, manifest, by_sha, reports, old_manifest, summary) -> bool:
    """Record one parse result; True if its report is to be indexed, False if skipped."""
    if data is None:
        summary.skipped.append({"path": path, "reason": reason})
        return False
    same = by_sha.get(data["sha256"])
    if same is not None:
        summary.skipped.append({"path": path, "reason": f"same content as {same}"})
        return False
    data["report_id"] = _unique_id(data["report_id"], reports)
    manifest[path] = {"sha256": data["sha256"], "report_id": data["report_id"]}
    by_sha[data["sha256"]] = path
    reports[data["report_id"]] = data
    summary.updated += path in old_manifest
    summary.added += path not in old_manifest
    return True


def _count(summary: BuildSummary, generation: Path) -> None:
    """The summary's totals, from the generation's report store (its small columns)."""
    summary.reports, summary.chunks, summary.pages, summary.unknown_authorities = (
        report_store.totals(generation))
