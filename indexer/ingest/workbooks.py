"""Rows of the corpus's metadata workbooks (`metadata/*.xlsx` beside a MANIFEST.csv):
the JTAI and area SEND overview tables name each authority's latest inspection with its
`urn`, `publication_date` and Ofsted's `inspection_link`. Read with openpyxl (read-only,
values only); a workbook that cannot be read gives no rows, never an error.
"""
from __future__ import annotations

import os
import re
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_WORKBOOK_BYTES = 20_000_000
MAX_ROWS = 100_000
UNREADABLE = (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError, ParseError,
              InvalidFileException)
_DMY = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\s*")


def day_of(value) -> date | None:
    """A workbook cell as a date: a datetime/date, or text 'dd/mm/yy' or 'dd/mm/yyyy'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DMY.fullmatch(str(value or ""))
    if not match:
        return None
    day, month, year = (int(v) for v in match.groups())
    year += 2000 if year < 100 else 0
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=16)
def _rows(path: str, mtime: float) -> tuple[dict, ...]:
    """Every row of every sheet as {header: value} (headers lower-cased and stripped)."""
    try:
        if os.path.getsize(path) > MAX_WORKBOOK_BYTES:
            return ()
        book = load_workbook(path, read_only=True, data_only=True)
    except UNREADABLE:
        return ()
    out: list[dict] = []
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h or "").strip().lower() for h in next(rows, ())]
            for number, row in enumerate(rows):
                if number >= MAX_ROWS:
                    break
                out.append(dict(zip(header, row)))
    except UNREADABLE:
        return ()
    finally:
        book.close()
    return tuple(out)


def stamp(folder: Path) -> tuple:
    """(name, mtime) of every `*.xlsx` in `folder/metadata`, in name order (a cache key)."""
    try:
        paths = sorted((folder / "metadata").glob("*.xlsx"))
        return tuple((str(p), p.stat().st_mtime) for p in paths if p.is_file())
    except OSError:
        return ()


def workbook_rows(books: tuple) -> list[dict]:
    """The rows of every workbook of a stamp(), in order."""
    return [row for path, mtime in books for row in _rows(path, mtime)]
