"""What shaped a result, for the files and feeds that carry it away from the page: every
parameter of the request that the parser accepts (indexer.api.KNOWN_PARAMS,
so a parameter added there is recorded without a change here) plus a page's own (`by`,
`year_basis`), as given, in the parser's order. Exports return every result, so `page`
and `per_page` do not shape them; a feed is always newest first, so `sort` does not
shape it either (docs/decisions/0034-honest-numbers.md)."""
from __future__ import annotations

from indexer.api import KNOWN_PARAMS

NOT_SHAPING = ("page", "per_page")  # exports and trends return every result
FEED_NOT_SHAPING = ("page", "per_page", "sort")


def shaping(args, own: tuple[str, ...] = (), ignored: tuple[str, ...] = NOT_SHAPING,
            query: bool = True) -> list[tuple[str, str]]:
    """[(name, value)] of every given parameter that shaped the result (`q` first)."""
    names = [n for n in (*KNOWN_PARAMS, *own) if n not in ignored and (query or n != "q")]
    return [(name, value.strip()) for name in dict.fromkeys(names)
            for value in args.getlist(name) if value.strip()]


def as_text(pairs: list[tuple[str, str]]) -> str:
    """'name=value; name=value' (empty when none)."""
    return "; ".join(f"{name}={value}" for name, value in pairs)


def as_dict(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{name: [values]} in order."""
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found
