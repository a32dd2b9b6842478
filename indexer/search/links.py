"""Where a report and its passages live in the web UI: the one builder of their paths.

`report_path` gives the path the JSON contract's `url` carries (relative to the app's
root); the web UI prefixes its mount point, or asks webui.links.permalink for the
absolute form that exports, feeds and citations carry.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlencode


def report_path(report_id: str, passage_id: str | None = None, query: str = "") -> str:
    """/reports/<id>[?q=<query>][#<passage id>]: the query marks its words on the page."""
    path = "/reports/" + quote(report_id, safe="")
    if query:
        path += _query_part(query)
    if passage_id:
        path += "#" + quote(passage_id, safe="")
    return path


@lru_cache(maxsize=256)
def _query_part(query: str) -> str:
    """'?q=<query>' (a search builds the same one for every passage it returns)."""
    return "?" + urlencode({"q": query})
