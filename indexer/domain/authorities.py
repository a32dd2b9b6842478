"""Authority records: the English local authorities with children's services
responsibilities, read from data/authorities.csv (its header names the sources).

`resolve(printed, when)` maps a name as printed in a report to one record; a name claimed
by several records (Dorset before and after 2019) is settled by the report's date.
Names are matched after `authority_key` normalisation (case, "Council", "London Borough
of", "&" and the like do not matter); the aliases are the data, not code.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.domain.slugs import slug

DATA = Path(__file__).parent / "data" / "authorities.csv"
REGIONS = ("North East", "North West", "Yorkshire and the Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West")


_LEADING = r"^(?:the|council of the|(?:london |royal )?borough of|metropolitan borough of|" \
           r"city and county of|city of|county of|county)\s+"
_TRAILING = r"\s+(?:local area partnership|local authority|children'?s services|children " \
            r"services|(?:metropolitan |county )?(?:borough|district|city|county)? ?council|" \
            r"unitary authority|metropolitan borough|borough|city of|city|county)$"


def authority_key(name: str) -> str:
    """Normalised authority slug: "Bournemouth, Christchurch & Poole Council" ->
    "bournemouth-christchurch-and-poole"; "City of London" -> "city-of-london"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace(".", " ").replace("'", "").replace("-", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if text in ("city of london", "london corporation", "corporation of london"):
        return "city-of-london"
    previous = None
    while previous != text:
        previous = text
        text = re.sub(_TRAILING, "", re.sub(_LEADING, "", text)).strip(" ,")
    return slug(text) or "unknown"


@dataclass(frozen=True)
class Authority:
    key: str
    name: str
    region: str
    la_urn: str | None
    ons_code: str | None
    start: str | None  # ISO date the authority took on children's services (if since 2009)
    until: str | None  # ISO date it was replaced
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    aliases: tuple[str, ...]
    note: str = ""

    def current_on(self, when: str | None) -> bool:
        """Whether the authority existed on an ISO date (always, with no date)."""
        if not when:
            return not self.until
        return (not self.start or when >= self.start) and (not self.until or when < self.until)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


@lru_cache(maxsize=1)
def records() -> dict[str, Authority]:
    """Every record by key, in file order."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        found = {}
        for row in rows:
            found[row["key"]] = Authority(
                key=row["key"], name=row["name"], region=row["region"],
                la_urn=row["la_urn"] or None, ons_code=row["ons_code"] or None,
                start=row["from"] or None, until=row["until"] or None,
                predecessors=_split(row["predecessors"]), successors=_split(row["successors"]),
                aliases=_split(row["aliases"]), note=row["note"])
    return found


@lru_cache(maxsize=1)
def _by_alias() -> dict[str, tuple[Authority, ...]]:
    table: dict[str, list[Authority]] = {}
    for record in records().values():
        names = {record.key, authority_key(record.name)}
        names.update(authority_key(alias) for alias in record.aliases)
        for name in names:
            table.setdefault(name, []).append(record)
    return {name: tuple(found) for name, found in table.items()}


def candidates(name: str) -> tuple[Authority, ...]:
    """Every record a printed name or key may mean (several across a reorganisation)."""
    return _by_alias().get(authority_key(name), ()) if name and name.strip() else ()


def resolve(name: str, when: str | None = None) -> Authority | None:
    """The one record a printed name means on an ISO date; None if no record matches."""
    found = candidates(name)
    if len(found) > 1:
        found = tuple(r for r in found if r.current_on(when)) or found[:1]
    return found[0] if found else None


def resolve_key(value: str) -> str | None:
    """A filter value (key, canonical name or alias) as a record key; prefers the current
    record when a name is shared across a reorganisation."""
    if value in records():
        return value
    found = candidates(value)
    current = [r for r in found if not r.until] or list(found)
    return current[0].key if current else None
