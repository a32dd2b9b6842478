"""Build or update an index from files and folders, incrementally by content hash.

The index mirrors the files under the given paths: new files are added, changed files
replace their old passages, files no longer there leave the index, unreadable files are
skipped with their reason. Parsing runs in worker processes; the result is published as a
new generation (indexer.index.store) only when complete.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import whoosh
from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.index import store
from indexer.errors import OfstedSearchError
from indexer.models import REPORT_FORMAT, Report, dated
from indexer.ingest.parse import chunk_report, parse_file
from indexer.ingest.readers import is_supported
from indexer.index.facet_registry import FACETS
from indexer.index.schema import make_schema
from indexer.search.spelling import build_vocabulary


@dataclass
class BuildSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[dict] = field(default_factory=list)
    reports: int = 0
    chunks: int = 0
    pages: int = 0
    seconds: float = 0.0
    index: str = ""
    full_rebuild: str | None = None  # why every file was parsed again, if it was
    # reports whose printed authority matches no record of indexer/ingest/data/authorities.csv
    unknown_authorities: list[dict] = field(default_factory=list)


# Everything whose change alters what is indexed: the source and data files of the ingest
# and index stages, the models they exchange, and the installed Whoosh. A build after such a
# change re-parses every file into a fresh index instead of mixing old and new analysis.
FORMAT_PACKAGES = ("ingest", "index")
FORMAT_FILES = ("models.py",)


def _format_sources() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    found = [package / name for name in FORMAT_FILES]
    for stage in FORMAT_PACKAGES:
        found += [p for p in (package / stage).rglob("*")
                  if p.is_file() and p.suffix in (".py", ".toml", ".json", ".csv")]
    return sorted(found)


def index_format() -> dict:
    """What format.json records: a fingerprint of everything that decides how files become
    index entries, the version of the stored report layout and the Whoosh version."""
    digest = hashlib.sha256(f"whoosh {whoosh.versionstring()}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in _format_sources():
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return {"fingerprint": digest.hexdigest()[:16], "report_format": REPORT_FORMAT,
            "whoosh": whoosh.versionstring()}


def rebuild_reason(old: dict, new: dict) -> str | None:
    """Why an index written with format `old` must be rebuilt from scratch, or None."""
    if old.get("report_format") != new["report_format"]:
        return (f"the index stores reports in format {old.get('report_format')}; "
                f"this version writes format {new['report_format']}")
    if old.get("whoosh") != new["whoosh"]:
        return f"Whoosh changed from {old.get('whoosh')} to {new['whoosh']}"
    if old.get("fingerprint") != new["fingerprint"]:
        return "the parser or analyzer changed since the last build"
    return None


def collect_files(paths: list[str], summary: BuildSummary) -> list[str]:
    """Every supported file under the paths, sorted; others are reported as skipped."""
    found: list[str] = []
    for given in paths:
        if os.path.isfile(given):
            found.append(os.path.abspath(given))
        elif os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    path = os.path.abspath(os.path.join(root, name))
                    if name.startswith("."):
                        continue
                    if is_supported(name):
                        found.append(path)
                    else:
                        summary.skipped.append({"path": path, "reason": "unsupported file type"})
        else:
            summary.skipped.append({"path": given, "reason": "no such file or folder"})
    return sorted(set(found))


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse_worker(path: str) -> tuple[str, dict | None, str | None]:
    """Runs in a worker process: never raises for a bad file, returns its reason."""
    try:
        return path, parse_file(path).to_dict(), None
    except OfstedSearchError as exc:
        return path, None, str(exc)
    except (OSError, ValueError, RuntimeError, IndexError, KeyError) as exc:
        return path, None, f"could not be read: {type(exc).__name__}: {exc}"


def _parse_stream(paths: list[str], workers: int, progress: bool):
    """Yield parse results as they arrive, so indexing overlaps parsing."""
    bar = tqdm(total=len(paths), desc="indexing", unit="file", disable=not progress,
               file=sys.stderr)
    try:
        if workers <= 1 or len(paths) < 4:
            for path in paths:
                yield _parse_worker(path)
                bar.update()
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_parse_worker, paths, chunksize=1):
                yield result
                bar.update()
    finally:
        bar.close()


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
            **{f.field: f.value(report, chunk.section_key) for f in FACETS},
        )


def build(paths: list[str], index_dir: str, workers: int = 2, progress: bool = False) -> BuildSummary:
    started = time.perf_counter()
    summary = BuildSummary(index=str(index_dir))
    with store.build_lock(index_dir):
        store.remove_stale_builds(Path(index_dir))
        _build_locked(paths, index_dir, workers, progress, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _build_locked(paths, index_dir, workers, progress, summary: BuildSummary) -> None:
    try:
        old_gen = store.current_generation(index_dir)
    except OfstedSearchError:
        old_gen = None
    old_manifest = store.read_json(old_gen / "manifest.json", {}) if old_gen else {}
    fmt = index_format()
    reason = rebuild_reason(store.read_format(old_gen), fmt) if old_gen is not None else None
    if reason:
        summary.full_rebuild = reason
        old_paths, old_gen, old_manifest = set(old_manifest), None, {}
    else:
        old_paths = set(old_manifest)
    files = collect_files(paths, summary)
    hashes = {path: sha256_of(path) for path in files}
    changed = [p for p in files if old_manifest.get(p, {}).get("sha256") != hashes[p]]
    gone = [p for p in old_paths if p not in hashes]
    summary.unchanged = len(files) - len(changed)
    summary.removed = len(gone)
    reports = store.read_json(old_gen / "reports.json", {}) if old_gen else {}
    if old_gen is not None and not gone and not changed:
        _count(summary, reports)
        return
    manifest = {p: old_manifest[p] for p in files if p in old_manifest and p not in changed}
    delete_ids = {old_manifest[p]["report_id"] for p in gone + changed if p in old_manifest}
    for report_id in delete_ids:
        reports.pop(report_id, None)
    building = store.new_generation(index_dir)
    try:
        writer = _open_writer(building, old_gen)
        for report_id in delete_ids:
            writer.delete_by_term("report_id", report_id)
        by_sha = {entry["sha256"]: p for p, entry in manifest.items()}  # duplicate files
        for path, data, reason in _parse_stream(changed, workers, progress):
            report = _accept(path, data, reason, manifest, by_sha, reports, old_manifest, summary)
            if report is not None:
                for doc in _chunk_documents(report):
                    writer.add_document(**doc)
        writer.commit()
        store.write_json(building / "reports.json", reports)
        store.write_json(building / "manifest.json", manifest)
        store.write_json(building / "format.json", fmt)
        store.write_json(building / "vocabulary.json", build_vocabulary(
            p["text"] for r in reports.values() for s in r["sections"] for p in s["passages"]))
        store.publish(index_dir, building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _count(summary, reports)


def _open_writer(building: Path, old_gen: Path | None):
    if old_gen is not None:
        shutil.copytree(old_gen / "whoosh", building / "whoosh")
        ix = whoosh_index.open_dir(str(building / "whoosh"))
    else:
        (building / "whoosh").mkdir()
        ix = whoosh_index.create_in(str(building / "whoosh"), make_schema())
    return _Writer(ix, limitmb=256)


class _Writer(SegmentWriter):
    """Whoosh's SegmentWriter, minus a cost that dominates big builds: when it writes the
    postings it asks the per-document reader for every posting's field length, and for a
    field that keeps no lengths (every ID field) that reader checks the disk each time.
    Here the per-document reader remembers which fields have lengths."""

    def per_document_reader(self):
        return _KnownLengths(super().per_document_reader())


class _KnownLengths:
    def __init__(self, reader):
        self._reader, self._has = reader, {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        if fieldname not in self._has:
            self._has[fieldname] = self._reader.has_column(f"_{fieldname}_len")
        if not self._has[fieldname]:
            return default
        return self._reader.doc_field_length(docnum, fieldname, default)

    def __getattr__(self, name):  # everything else: the wrapped reader
        return getattr(self._reader, name)


def _accept(path, data, reason, manifest, by_sha, reports, old_manifest, summary) -> Report | None:
    """Record one parse result; return the Report to index, or None if skipped."""
    if data is None:
        summary.skipped.append({"path": path, "reason": reason})
        return None
    same = by_sha.get(data["sha256"])
    if same is not None:
        summary.skipped.append({"path": path, "reason": f"same content as {same}"})
        return None
    data["report_id"] = _unique_id(data["report_id"], reports)
    manifest[path] = {"sha256": data["sha256"], "report_id": data["report_id"]}
    by_sha[data["sha256"]] = path
    reports[data["report_id"]] = data
    summary.updated += path in old_manifest
    summary.added += path not in old_manifest
    return Report.from_dict(data)


def _count(summary: BuildSummary, reports: dict) -> None:
    summary.reports = len(reports)
    summary.chunks = sum(len(s["passages"]) for r in reports.values() for s in r["sections"])
    summary.pages = sum(r.get("pages", 0) for r in reports.values())
    summary.unknown_authorities = sorted(
        ({"source": r["source"], "authority": r["authority"]} for r in reports.values()
         if not r.get("region")), key=lambda row: row["source"])
