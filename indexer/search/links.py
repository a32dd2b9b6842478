"""Where a report and its passages live in the web UI: the one builder of their paths.

`report_path` gives the path the JSON contract's `url` carries (relative to the app's
root); the web UI prefixes its mount point, or asks webui.links.permalink for the
absolute form that exports, feeds and citations carry.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlencode


PAGE_PASSAGES = 500  # passages on one report page (webui.report_pages)


def paginated(record: dict) -> bool:
    """Whether a stored report needs more than one page."""
    return sum(len(s.get("passages") or []) for s in record.get("sections") or []) \
        > PAGE_PASSAGES


def report_path(report_id: str, passage_id: str | None = None, query: str = "",
                paged: bool = False, mode: str = "") -> str:
    """/reports/<id>[?q=<query>][#<passage id>]: the query marks its words on the page (by
    words only with `mode` "words", as the search asked); in a report of several pages
    (`paged`) ?passage=<id> opens the page holding the passage."""
    path = "/reports/" + quote(report_id, safe="")
    if query:
        path += _query_part(query, mode == "words")
    if paged and passage_id:
        path += ("&" if query else "?") + urlencode({"passage": passage_id})
    if passage_id:
        path += "#" + quote(passage_id, safe="")
    return path


@lru_cache(maxsize=256)
def _query_part(query: str, words: bool = False) -> str:
    """'?q=<query>[&mode=words]' (a search builds the same one for every passage it returns)."""
    return "?" + urlencode({"q": query, **({"mode": "words"} if words else {})})
