"""Jinja filters for dates, counts, plurals, section labels and labels made from keys
(`lscb` -> "LSCB"), written the GOV.UK way
("27 February 2018", "1,234 passages")."""
from __future__ import annotations

from datetime import date

from indexer.api import SECTION_LABELS, key_label

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def long_date(value: str | None) -> str:
    """'2018-02-27' -> '27 February 2018'; unparseable values are shown as given."""
    day = _parse(value)
    if day is None:
        return value or ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_range(start: str | None, end: str | None) -> str:
    """'27 to 28 February 2018', '29 January to 2 February 2018', or one date."""
    first, last = _parse(start), _parse(end)
    if first is None or last is None or first == last:
        return long_date(start or end)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {long_date(end)}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} to {long_date(end)}"
    return f"{long_date(start)} to {long_date(end)}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def section_label(key: str) -> str:
    return SECTION_LABELS.get(key, key)


def init_app(app) -> None:
    app.jinja_env.filters.update(long_date=long_date, plural=plural, section_label=section_label,
                                  key_label=key_label)
    app.jinja_env.globals.update(date_range=date_range)
