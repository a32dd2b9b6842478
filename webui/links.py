"""Absolute links to reports and passages (exports, feeds, citations): the site's origin
(`origin()`) before Flask's url_for of the report route, so the mount point applies.
Relative paths come from indexer.search.links.report_path, the one place the path's shape
is written.

The origin is never read from the request's Host header, which any client can forge
(`Host: evil.example` must not put evil.example into exported permalinks): it is
OFSTED_BASE_URL when set; behind trusted proxies (OFSTED_PROXY_FIX, Werkzeug's ProxyFix)
the host they forward; otherwise the address the server listens on (SERVER_NAME and
SERVER_PORT, which gunicorn and Werkzeug take from the socket)."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app, request, url_for

from webui import report_pages

DEFAULT_PORTS = {"http": "80", "https": "443"}
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what Flask's url_for leaves unquoted in an _anchor


def origin() -> str:
    """scheme://host[:port] of absolute links."""
    base = current_app.config.get("OFSTED_BASE_URL")
    if base:
        return base.rstrip("/")
    if current_app.config.get("OFSTED_PROXY_FIX"):
        return request.host_url.rstrip("/")  # the forwarded host, as ProxyFix set it
    env = request.environ
    scheme = env.get("wsgi.url_scheme", "http")
    host, port = env.get("SERVER_NAME") or "localhost", str(env.get("SERVER_PORT") or "")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"{scheme}://{host}" + ("" if port in ("", DEFAULT_PORTS.get(scheme)) else f":{port}")


def absolute(path: str) -> str:
    """A path of this site (with its mount point, as url_for gives it) as an absolute URL."""
    return origin() + path


def permalink(report_id: str, passage_id: str | None = None) -> str:
    """The report (at the passage, when given) as an absolute URL; in a report of several
    pages (webui.report_pages) the URL names the passage so it opens the page holding it."""
    link = absolute(url_for("reports.report", report_id=report_id))
    if not passage_id:
        return link
    return at_passage(link, passage_id, report_pages.paginated(report_id))


def at_passage(report_link: str, passage_id: str, paged: bool = False) -> str:
    """A report's permalink at one of its passages (exports build the report's link once
    and call this for each of its passages); `paged`: the report has several pages, so
    ?passage=<id> makes the link open the page holding the passage."""
    named = f"?{urlencode({'passage': passage_id})}" if paged else ""
    return f"{report_link}{named}#{quote(passage_id, safe=ANCHOR_SAFE)}"
