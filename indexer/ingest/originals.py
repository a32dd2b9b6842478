"""Where the published original of a source file lives: its URL, from a table beside it.

A CSV named `originals.csv` or `MANIFEST.csv` in the file's folder or any of its
ancestors (up to MAX_LEVELS up) may give it: a row whose `sha256` equals the file's hash,
else whose `file` (a path relative to the CSV, or a bare file name) names it, with a URL
in one of URL_COLUMNS. The corpus manifests of ILACS reports carry Ofsted's link
(`history_csv_inspection_link`, from the ILACS history table); `originals.csv` with the
columns `file,url` covers the rest. Only http(s) URLs are accepted.
"""
from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

CSV_NAMES = ("originals.csv", "MANIFEST.csv")
URL_COLUMNS = ("url", "original_url", "inspection_link", "history_csv_inspection_link")
MAX_LEVELS = 4
MAX_TABLE_BYTES = 20_000_000
_URL = re.compile(r"https?://[^\s<>\"']{3,2000}")


@lru_cache(maxsize=64)
def _table(path: str, mtime: float) -> dict[str, str]:
    """{sha256 or relative path or file name: url} from one CSV ({} if unreadable)."""
    found: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    try:
        if os.path.getsize(path) > MAX_TABLE_BYTES:
            return found
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
            for row in csv.DictReader(handle):
                url = next((row[c].strip() for c in URL_COLUMNS if (row.get(c) or "").strip()),
                           "")
                if not _URL.fullmatch(url):
                    continue
                for key in (row.get("sha256"), row.get("file")):
                    if key and key.strip():
                        found.setdefault(key.strip(), url)
                if row.get("file"):
                    name = os.path.basename(row["file"].strip())
                    names.setdefault(name, set()).add(url)
    except (OSError, csv.Error, UnicodeError):
        return {}
    # a bare file name identifies a file only if the table names it once
    found.update({n: next(iter(u)) for n, u in names.items() if len(u) == 1 and n not in found})
    return found


def original_url(path: str, sha256: str) -> str | None:
    """The published original's URL for a source file, or None if no table gives it."""
    file = Path(path).resolve()
    for level, folder in enumerate(file.parents):
        if level >= MAX_LEVELS:
            break
        for name in CSV_NAMES:
            table_path = folder / name
            if not table_path.is_file():
                continue
            table = _table(str(table_path), table_path.stat().st_mtime)
            relative = file.relative_to(folder).as_posix()
            url = table.get(sha256) or table.get(relative) or table.get(file.name)
            if url:
                return url
    return None
