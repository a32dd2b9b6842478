"""Targets from a CSV of links (`python -m indexer fetch --links FILE.csv`): any CSV with a
`url` or `inspection_link` column (the ILACS history table, a corpus MANIFEST.csv, a list
of one's own). Columns the manifest knows fill it (authority, URN, type, publication
date, file name); every other column is kept in the manifest as it is.
"""
from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

from indexer.errors import FetchRefused
from indexer.fetch.targets import Target, folder_for, name_from_url, safe_file

URL_COLUMNS = ("url", "inspection_link", "history_csv_inspection_link")
KNOWN = {  # manifest column: the CSV columns that may give it, first found wins
    "authority": ("authority", "local_authority", "la_name_from_folder", "la_name"),
    "la_urn": ("la_urn", "urn"),
    "type": ("type", "doc_type"),
    "publication_date": ("publication_date", "published", "publication_date_from_filename"),
}
NAME_COLUMNS = ("pdf_filename", "file")
OWN = {"file", "url", "sha256", "bytes", "fetched_at", *URL_COLUMNS}  # not copied as extras
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def read_links(path: str) -> tuple[list[Target], list[dict]]:
    """Targets of the CSV's rows, and the rows that have no usable URL ({row, reason})."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeError, csv.Error) as exc:
        raise FetchRefused(f"the links file could not be read: {exc}") from exc
    columns = list(rows[0]) if rows else []
    column = next((c for c in URL_COLUMNS if c in columns), None)
    if column is None:
        raise FetchRefused(f"{Path(path).name} has no `url` or `inspection_link` column "
                           f"(its columns: {', '.join(columns) or 'none'})")
    targets, bad = [], []
    for number, row in enumerate(rows, start=2):
        url = (row.get(column) or "").strip()
        if _URL.fullmatch(url):
            targets.append(_target(url, row))
        elif url or any((v or "").strip() for v in row.values()):
            bad.append({"url": url, "reason": f"line {number}: no http(s) link in `{column}`"})
    return targets, bad


def _target(url: str, row: dict) -> Target:
    known = {key: next((row[c].strip() for c in names if (row.get(c) or "").strip()), "")
             for key, names in KNOWN.items()}
    known["publication_date"] = iso_date(known["publication_date"])
    given = next((row[c].strip() for c in NAME_COLUMNS if (row.get(c) or "").strip()), "")
    if row.get("file") and not row.get("pdf_filename"):
        file = safe_file(given)  # a manifest's relative path, kept as it is
    else:
        folder = folder_for(known["la_urn"], known["authority"])
        name = safe_file(given) if given else name_from_url(url)
        file = f"{folder}/{name}" if folder else name
    extra = {k: v for k, v in row.items() if k and k not in OWN and k not in KNOWN
             and v is not None}
    return Target(url=url, file=file, extra=extra, **known)


def iso_date(text: str) -> str:
    """An ISO date from the forms the tables use (19/11/21, 19/11/2021, 19 november 2021,
    2021-11-19); the text as it was if none fits."""
    for form in ("%Y-%m-%d", "%d/%m/%y", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text.strip(), form).date().isoformat()
        except ValueError:
            continue
    return text.strip()
