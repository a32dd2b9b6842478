"""Date phrases in Ofsted reports: runs such as "27 and 28 October 2009", "23 June to
4 July 2025" or "19 November 2013  11 December 2013" (dash lost), read after a trigger
phrase, with missing months and years filled in from the right or from a reference date.
"""
from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")), start=1)
    for name in names
}
_CONNECTORS = {"to", "and", "until", "till", "-", "–", "—", "‒", ",", "&", "from", "between"}
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)?|[A-Za-z]+|\S")
_FILE_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\s+((?:19|20)\d{2})", re.IGNORECASE)
_YEAR = re.compile(r"\b(200[5-9]|20[12]\d|2030)\b")
MIN_YEAR, MAX_YEAR = 2000, 2035
_PUBLISHED = re.compile(r"\bpublished\s*:\s*", re.IGNORECASE)
# Phrases that introduce the inspection dates, most explicit first.
_INSPECTION_TRIGGERS = tuple(re.compile(p, re.IGNORECASE | re.MULTILINE) for p in (
    r"\binspection dates?\s*:?\s*",
    r"\b(?:took place|was conducted|were conducted|conducted|carried out)\s+"
    r"(?:on|from|between)\s+",
    r"\bvisit to\b[^.]{0,160}?\s(?:on|between|from)\s+(?=\d)",
    r"(?:^|[.]\s+)between\s+(?=\d)",
    r"\(\s*(?=\d{1,2}\s+[A-Za-z]+\s)",
))


def _date_parts(text: str) -> list[list[int | None]]:
    """Read one run of day/month/year tokens from the start of `text`."""
    parts: list[list[int | None]] = []
    for token in _TOKEN.findall(text[:160]):
        low = token.lower()
        digits = re.match(r"\d+", low)
        if digits and len(digits.group(0)) <= 2 and 1 <= int(digits.group(0)) <= 31:
            parts.append([int(digits.group(0)), None, None])
        elif low in MONTHS and (not parts or parts[-1][1] is None):
            if not parts:
                parts.append([None, MONTHS[low], None])
            parts[-1][1] = MONTHS[low]
        elif digits and len(low) == 4 and MIN_YEAR <= int(low) <= MAX_YEAR and parts \
                and parts[-1][2] is None:
            parts[-1][2] = int(low)
        elif low not in _CONNECTORS:
            break
    return parts


def _fill(parts: list[list[int | None]]) -> list[list[int | None]]:
    """Carry months and years leftwards ("27 and 28 October 2009"), drop partial dates."""
    month = year = None
    for part in reversed(parts):
        month = part[1] = part[1] or month
        year = part[2] = part[2] or year
    return [p for p in parts if p[0] is not None and p[1] is not None]


def _make(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_run(text: str, reference: date | None = None) -> tuple[date, date] | None:
    """Parse the date run at the start of `text` into (start, end).

    A run without any year takes it from `reference` (the publication date), choosing
    the latest year that does not put the start after the reference date."""
    parts = _fill(_date_parts(text))
    if not parts:
        return None
    if parts[-1][2] is None:
        if reference is None:
            return None
        year = reference.year
        if (_make(parts[0][0], parts[0][1], year) or reference) > reference:
            year -= 1
        for part in parts:
            part[2] = year
    start, end = _make(*parts[0]), _make(*parts[-1])
    if start is None or end is None:
        return None
    if start > end:  # "28 December to 8 January 2020": the start is in the year before
        start = _make(start.day, start.month, start.year - 1) or start
    return start, end


def find_run(text: str, trigger: re.Pattern, reference: date | None = None):
    """The first date run that directly follows a match of `trigger`, or None."""
    for match in trigger.finditer(text):
        found = read_run(text[match.end():], reference)
        if found:
            return found
    return None


def whole_date(text: str) -> date | None:
    """A text that is nothing but one date ("25 November 2009"), else None."""
    match = re.fullmatch(r"\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+),?\s+(\d{4})\s*", text)
    if not match or match.group(2).lower() not in MONTHS:
        return None
    return _make(int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3)))


def date_in_name(name: str) -> date | None:
    """The last "dd month yyyy" in a file name (the publication date), else None."""
    found = None
    for day, month, year in _FILE_DATE.findall(name):
        if month.lower() in MONTHS:
            found = _make(int(day), MONTHS[month.lower()], int(year)) or found
    return found


def first_year(text: str) -> int | None:
    """The first plausible report year (2005-2030) in `text`, else None."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def published_date(paragraphs: list[str], source: str) -> date | None:
    """Printed "Published:" date, else the file name's date (Ofsted's publication date),
    else the date a letter opens with."""
    found = find_run("\n".join(paragraphs), _PUBLISHED)
    if found:
        return found[0]
    return date_in_name(source) or letter_date(paragraphs)


def letter_date(paragraphs: list[str]) -> date | None:
    """The first opening paragraph that is nothing but a date."""
    for text in paragraphs[:15]:
        found = whole_date(" ".join(text.split()))
        if found:
            return found
    return None


def inspection_span(text: str, reference: date | None) -> tuple[date, date] | None:
    """First and last day of the inspection, from the first trigger phrase that has one."""
    for trigger in _INSPECTION_TRIGGERS:
        found = find_run(text, trigger, reference)
        if found:
            return found
    return None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
