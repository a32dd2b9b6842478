"""The MANIFEST.csv a fetch keeps beside its files, in the shape of the corpus manifests:
one row per file, `file` (relative to the folder) first, then where it came from and what
is known of it, then any metadata columns the links CSV carried. The file is rewritten
atomically after every download, so an interrupted fetch keeps what it has.

The index reads the same table: a report's `url` here is the link to its original
(indexer/ingest/originals.py).
"""
from __future__ import annotations

import csv
import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import FetchRefused

NAME = "MANIFEST.csv"
COLUMNS = ("file", "url", "sha256", "bytes", "authority", "la_urn", "type",
           "publication_date", "fetched_at")


@contextmanager
def locked(folder: str | os.PathLike):
    """One fetch at a time per folder (two would each rewrite the manifest without the
    other's rows); FetchRefused if another holds it. The lock file is hidden: builds skip it."""
    with open(Path(folder) / ".fetch.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise FetchRefused(f"another fetch is writing to {folder}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read(folder: str | os.PathLike) -> dict[str, dict]:
    """{url: row} of a folder's manifest ({} if there is none yet). FetchRefused for a
    manifest that is not ours (no `url`, `file` or `sha256` column: a corpus folder's, say),
    which a fetch would otherwise overwrite."""
    path = Path(folder) / NAME
    if not path.is_file():
        return {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            table = csv.DictReader(handle)
            missing = [c for c in ("file", "url", "sha256") if c not in (table.fieldnames or ())]
            if missing:
                raise FetchRefused(f"{path} is not a fetch manifest (no {', '.join(missing)} "
                                   "column): choose another --out")
            return {row["url"]: row for row in table if row.get("url")}
    except (OSError, UnicodeError, csv.Error) as exc:
        raise FetchRefused(f"{path} could not be read: {exc}") from exc


def write(folder: str | os.PathLike, rows: dict[str, dict]) -> None:
    """Replace the manifest with `rows` (sorted by file), atomically."""
    extra = sorted({key for row in rows.values() for key in row} - set(COLUMNS))
    handle = tempfile.NamedTemporaryFile("w", dir=folder, prefix=".manifest-", suffix=".csv",
                                         delete=False, newline="", encoding="utf-8")
    try:
        with handle:
            writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *extra], restval="")
            writer.writeheader()
            for row in sorted(rows.values(), key=lambda r: (r["file"], r["url"])):
                writer.writerow(row)
        os.replace(handle.name, Path(folder) / NAME)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise
