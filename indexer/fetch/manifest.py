"""The MANIFEST.csv a fetch keeps beside its files, in the shape of the corpus manifests:
one row per file, `file` (relative to the folder) first, then where it came from and what
is known of it, then any metadata columns the links CSV carried. The file is rewritten
atomically after every download, so an interrupted fetch keeps what it has.

The index reads the same table: a report's `url` here is the link to its original
(indexer/ingest/originals.py).
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

NAME = "MANIFEST.csv"
COLUMNS = ("file", "url", "sha256", "bytes", "authority", "la_urn", "type",
           "publication_date", "fetched_at")


def read(folder: str | os.PathLike) -> dict[str, dict]:
    """{url: row} of a folder's manifest ({} if there is none yet)."""
    path = Path(folder) / NAME
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["url"]: row for row in csv.DictReader(handle) if row.get("url")}


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
