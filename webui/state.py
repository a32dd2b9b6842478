"""The URL is the state: the search parameters a page was asked for, and every link that
changes one of them (facet toggles, pages, sort, "did you mean") as a plain GET URL."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote_plus

from indexer.api import FACETS

# API facet name -> the request parameter that filters it (indexer.index.facet_registry).
FACET_PARAMS = {f.name: f.param for f in FACETS}
FILTER_PARAMS = tuple(FACET_PARAMS.values())
STATE_PARAMS = ("q", *FILTER_PARAMS, "year_from", "year_to", "sort", "per_page", "expand", "page")
MAX_LINK_VALUES = 60  # longer value lists cannot pass parse_params anyway
_ORDER = {name: n for n, name in enumerate(STATE_PARAMS)}  # a parameter's place in a URL


class UrlState:
    """An ordered list of (name, value) pairs taken from request.args (known names only)."""

    def __init__(self, pairs: list[tuple[str, str]], path: str = "/search", root: str = ""):
        self.pairs = pairs
        self.path = path
        self.root = root  # the app's mount point (request.script_root)

    @classmethod
    def from_args(cls, args, path: str = "/search", root: str = "") -> "UrlState":
        pairs = []
        for name in STATE_PARAMS:
            for value in args.getlist(name)[:MAX_LINK_VALUES]:
                if value.strip():
                    pairs.append((name, value.strip()))
        return cls(pairs, path, root)

    def get(self, name: str) -> str:
        return next((v for n, v in self.pairs if n == name), "")

    def values(self, name: str) -> list[str]:
        return [v for n, v in self.pairs if n == name]

    def url(self, path: str | None = None) -> str:
        query = "&".join(_encoded(name, value) for name, value in self.pairs)
        return self.root + (path or self.path) + ("?" + query if query else "")

    def _with(self, pairs) -> "UrlState":
        return UrlState(list(pairs), self.path, self.root)

    def without(self, *names: str) -> "UrlState":
        return self._with((n, v) for n, v in self.pairs if n not in names)

    def replace(self, name: str, value: str | None) -> "UrlState":
        """Set one parameter (None removes it), keeping the others in order."""
        kept = [(n, v) for n, v in self.pairs if n != name]
        if value not in (None, ""):
            kept.append((name, str(value)))
        return self._with(sorted(kept, key=lambda p: _ORDER[p[0]]))

    def toggle(self, name: str, value: str) -> "UrlState":
        """Add the filter value, or remove it when present; always back to page 1."""
        base = self.without("page")
        if (name, value) in base.pairs:
            return base._with(p for p in base.pairs if p != (name, value))
        pairs = base.pairs + [(name, value)]
        return base._with(sorted(pairs, key=lambda p: _ORDER[p[0]]))

    def filters(self) -> list[tuple[str, str]]:
        return [(n, v) for n, v in self.pairs if n in FILTER_PARAMS]


@lru_cache(maxsize=8192, typed=True)
def _encoded(name: str, value: str) -> str:
    """One `name=value` of urlencode(pairs), remembered: a results page links every facet
    value (about 130 URLs of 5-10 pairs each), and quote_plus was a tenth of its CPU."""
    return quote_plus(str(name)) + "=" + quote_plus(str(value))
