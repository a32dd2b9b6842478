"""The on-disk layout of an index directory and its atomic generations.

    DIR/current -> gen-<stamp>/      symlink, swapped atomically with os.replace
    DIR/gen-<stamp>/whoosh/          the Whoosh index of chunks
    DIR/gen-<stamp>/reports.sqlite   every Report (metadata, sections, passages), shared by
                                     every worker (index.report_store; reports.json before
                                     report format 4); linked between generations, and
    DIR/gen-<stamp>/reports-delta.sqlite  the reports added since and those dropped (format 5)
    DIR/gen-<stamp>/mapped/<segment>/ memory-mapped postings and lengths (index.mapped)
    DIR/gen-<stamp>/columns/         memory-mapped facet codes, live mask, dates (index.columns)
    DIR/gen-<stamp>/manifest.sqlite  source path -> sha256, report id (for incremental builds:
                                     index.manifest; manifest.json before)
    DIR/gen-<stamp>/deletions.json   what deleted passages add to the statistics (live_stats)
    DIR/gen-<stamp>/format.json      {"fingerprint", "report_format", "whoosh"} (read_format)

A build writes a new generation beside the served one and swaps the link only when the
generation is complete and every file of it is flushed to disk (fsync), so a crash
mid-build, or a power cut after the swap, leaves a complete index serving.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import BuildRefused, IndexMissing

CURRENT = "current"
GEN_PREFIX = "gen-"
KEEP_GENERATIONS = 2  # the served one and its predecessor (still open in old readers)


def current_generation(index_dir: str | os.PathLike) -> Path:
    """The directory of the generation being served; IndexMissing if there is none."""
    link = Path(index_dir) / CURRENT
    if not link.is_symlink() and not link.is_dir():
        raise IndexMissing("no index has been built here yet: build one with "
                           "`python -m indexer build PATH --index DIR`")
    target = link.resolve()
    if not (target / "whoosh").is_dir() or reports_file(target) is None:
        raise IndexMissing("the index is incomplete: rebuild it with "
                           "`python -m indexer build PATH --index DIR`")
    return target


def served_path(index_dir: str | os.PathLike) -> Path:
    """Where `current` points, whatever the generation holds (indexer.index.integrity
    tells); IndexMissing if no index was built here."""
    link = Path(index_dir) / CURRENT
    if not link.is_symlink() and not link.is_dir():
        raise IndexMissing("no index has been built here yet: build one with "
                           "`python -m indexer build PATH --index DIR`")
    return link.resolve()


def generations(index_dir: str | os.PathLike) -> list[Path]:
    """Every published generation, newest first (their names sort by time)."""
    return sorted((p for p in Path(index_dir).glob(GEN_PREFIX + "*") if p.is_dir()),
                  reverse=True)


def older_generations(index_dir: str | os.PathLike, than: Path) -> list[Path]:
    return [p for p in generations(index_dir) if p.name < than.name]


def reports_file(generation: Path) -> Path | None:
    """The file holding a generation's reports: reports.sqlite, or reports.json for one
    written before report format 4; None if it has neither (an incomplete generation)."""
    for name in ("reports.sqlite", "reports.json"):
        if (generation / name).is_file():
            return generation / name
    return None


def new_generation(index_dir: str | os.PathLike) -> Path:
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    # The wall clock's own nanoseconds: generations sort by name in the order they were
    # begun (fallback to an intact generation, pruning), even two in the same second
    now = time.time_ns()
    stamp = (time.strftime("%Y%m%dT%H%M%S", time.localtime(now // 10**9))
             + f"-{now % 10**9:09d}-{os.getpid()}")
    path = root / f".building-{stamp}"
    path.mkdir()
    return path


def publish(index_dir: str | os.PathLike, building: Path) -> Path:
    """Move a finished generation into place and point `current` at it atomically."""
    root = Path(index_dir)
    final = root / (GEN_PREFIX + building.name.removeprefix(".building-"))
    fsync_tree(building)
    os.replace(building, final)
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(final.name, tmp_link)
    os.replace(tmp_link, root / CURRENT)
    fsync_file(root)
    prune(root)
    return final


def prune(root: Path) -> None:
    """Delete old generations and leftovers of crashed builds (never the served one)."""
    served = (root / CURRENT).resolve() if (root / CURRENT).exists() else None
    generations = sorted(p for p in root.glob(GEN_PREFIX + "*") if p.is_dir())
    for old in generations[:-KEEP_GENERATIONS]:
        if old != served:
            shutil.rmtree(old, ignore_errors=True)


def remove_stale_builds(root: Path) -> None:
    """Called under the build lock: any .building-* left is from a crashed build."""
    for stale in root.glob(".building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def link_tree(source: Path, target: Path) -> None:
    """A new directory holding hard links to the files of `source` (a copy where the two
    cannot share files). For the Whoosh index of the next generation: Whoosh never writes
    into a file it has written (segments are immutable, deletions live in the new TOC, which
    is a new file), so both generations can share every segment. Lock files and Whoosh's
    temporary folders are left behind."""
    target.mkdir()
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith("WRITELOCK"):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def fsync_tree(root: Path) -> None:
    """Flush every file and folder under `root` (files hard-linked from an older generation
    have nothing left to flush: only what this build wrote costs)."""
    for folder, _, files in os.walk(root):
        for name in files:
            fsync_file(Path(folder) / name)
        fsync_file(Path(folder))


def fsync_file(path: Path) -> None:
    """Flush a file's data, or a directory's entries, to disk (before the generation
    holding it is published)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def build_lock(index_dir: str | os.PathLike):
    """One build at a time per index directory."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildRefused(f"another build is running on {index_dir}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_format(generation: Path) -> dict:
    """The generation's format.json. Generations written before formats were versioned
    hold a bare fingerprint string: they are report format 1."""
    found = read_json(generation / "format.json", None)
    if isinstance(found, dict):
        return found
    return {"fingerprint": found, "report_format": 1, "whoosh": None}


def read_json(path: Path, default):
    if not path.is_file():
        return default
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
