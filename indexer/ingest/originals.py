"""Where the published original of a source file lives: its URL, from a table beside it.

A CSV named `originals.csv` or `MANIFEST.csv` in the file's folder or any of its
ancestors (up to MAX_LEVELS up) may give it: a row whose `sha256` equals the file's hash,
else whose `file` (a path relative to the CSV, or a bare file name) names it, with a URL
in one of URL_COLUMNS. The corpus manifests of ILACS reports carry Ofsted's link
(`history_csv_inspection_link`, from the ILACS history table); `originals.csv` with the
columns `file,url` covers the rest. Only http(s) URLs are accepted.

A manifest row without a URL is joined to the metadata workbooks beside it
(`metadata/*.xlsx`, indexer.ingest.workbooks): the workbook row with the same authority
URN (`la_urn` = `urn`) and the same publication date (`publication_date_from_filename` =
`publication_date`) gives its `inspection_link`. The JTAI and area SEND overviews list
each authority's latest inspection only, so an older report of the same authority finds
no row and stays unknown rather than guessed; a (URN, date) with two links gives none.
"""
from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

from indexer.ingest.dates import MONTHS
from indexer.ingest.workbooks import day_of, stamp, workbook_rows

CSV_NAMES = ("originals.csv", "MANIFEST.csv")
URL_COLUMNS = ("url", "original_url", "inspection_link", "history_csv_inspection_link")
MAX_LEVELS = 4
MAX_TABLE_BYTES = 20_000_000
_URL = re.compile(r"https?://[^\s<>\"']{3,2000}")
_NAMED_DAY = re.compile(r"\s*(\d{1,2})\s+([a-z]+)\s+(\d{4})\s*", re.IGNORECASE)


def _named_day(text: str):
    """'03 august 2016' -> date(2016, 8, 3); None when not such a date."""
    match = _NAMED_DAY.fullmatch(text or "")
    month = MONTHS.get(match.group(2).lower()) if match else None
    return day_of(f"{match.group(1)}/{month}/{match.group(3)}") if month else None


def _workbook_links(books: tuple) -> dict[tuple[str, object], str]:
    """{(urn, publication date): link} from the workbooks; a key with two links is left out."""
    links: dict[tuple[str, object], set[str]] = {}
    for row in workbook_rows(books):
        url = str(row.get("inspection_link") or "").strip()
        day = day_of(row.get("publication_date"))
        urn = str(row.get("urn") or "").strip()
        if _URL.fullmatch(url) and day and urn:
            links.setdefault((urn, day), set()).add(url)
    return {key: next(iter(urls)) for key, urls in links.items() if len(urls) == 1}


def _row_url(row: dict, links: dict) -> str:
    """The row's own URL, else the workbook link for its authority URN and publication date."""
    url = next((row[c].strip() for c in URL_COLUMNS if (row.get(c) or "").strip()), "")
    if url or not links:
        return url
    key = ((row.get("la_urn") or "").strip(),
           _named_day(row.get("publication_date_from_filename") or ""))
    return links.get(key, "")


@lru_cache(maxsize=64)
def _table(path: str, mtime: float, books: tuple = ()) -> dict[str, str]:
    """{sha256 or relative path or file name: url} from one CSV ({} if unreadable)."""
    found: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    try:
        if os.path.getsize(path) > MAX_TABLE_BYTES:
            return found
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
            links = _workbook_links(books)
            for row in csv.DictReader(handle):
                url = _row_url(row, links)
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
            books = stamp(folder) if name == "MANIFEST.csv" else ()
            table = _table(str(table_path), table_path.stat().st_mtime, books)
            relative = file.relative_to(folder).as_posix()
            url = table.get(sha256) or table.get(relative) or table.get(file.name)
            if url:
                return url
    return None
