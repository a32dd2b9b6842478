"""Alerts: `GET /search.atom` with the search parameters, an Atom 1.0 feed (RFC 4287) of
the newest matching passages by publication date (indexer.answers.feeds). Entry id and
link are the passage's permalink, updated is the report's publication date, the
highlighted snippet is the content. ETag and Last-Modified come from the served index
generation and the parameters, so they change only when a build changes the index, and a
conditional GET gets 304 without searching."""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from flask import Blueprint, current_app, request

from indexer.api import newest, printable, published_ordinal
from webui import get_index
from webui.provenance import FEED_NOT_SHAPING, shaping
from webui.search import parsed
from webui.state import UrlState
from webui.links import absolute, permalink

bp = Blueprint("feeds", __name__)
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    """One Atom element; its text and attributes printable() (ElementTree writes any
    character, XML 1.0 does not allow every one)."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                            {name: printable(str(value)) for name, value in attrs.items()})
    if text is not None:
        element.text = printable(text)
    return element


def _stamp(ordinal: int) -> str:
    text = str(ordinal)
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}T00:00:00Z"


def _title(query: str, shaped: list[tuple[str, str]]) -> str:
    """The feed's title: the query and every other parameter that shaped it."""
    what = f"“{query}”" if query else "every passage"
    extra = f" ({', '.join(f'{n}: {v}' for n, v in shaped)})" if shaped else ""
    return f"Ofsted inspections: {what}{extra}"


def feed_xml(state: UrlState, search_request, hits, reports: dict, generated: datetime) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed")
    self_url = absolute(state.url("/search.atom"))
    _el(feed, "id", self_url)
    _el(feed, "title", _title(search_request.query,
                              shaping(request.args, ignored=FEED_NOT_SHAPING, query=False)))
    _el(feed, "subtitle", "The newest matching passages in Ofsted children's services "
                          "inspection reports, by publication date.")
    _el(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(feed, "link", rel="alternate", type="text/html",
        href=absolute(state.url("/search")))
    dates = [published_ordinal(reports.get(hit.report_id, {})) for hit in hits]
    _el(feed, "updated", _stamp(max(dates)) if dates else generated.strftime("%Y-%m-%dT%H:%M:%SZ"))
    author = _el(feed, "author")
    _el(author, "name", "Ofsted (text extracted by this search service)")
    _el(feed, "generator", current_app.config["SITE_NAME"])
    for hit, ordinal in zip(hits, dates):
        for passage in hit.passages[:1]:
            link = permalink(hit.report_id, passage.passage_id)
            entry = _el(feed, "entry")
            _el(entry, "id", link)
            _el(entry, "title", f"{hit.authority}: {hit.heading or hit.section} – {hit.title}")
            _el(entry, "link", rel="alternate", type="text/html", href=link)
            _el(entry, "updated", _stamp(ordinal))
            _el(entry, "published", _stamp(ordinal))
            _el(entry, "category", term=hit.inspection_type, label=hit.inspection_type_label)
            _el(entry, "content", passage.snippet_html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/search.atom")
def search_atom():
    search_request = parsed(request.args, page=1)
    name, modified = get_index().stamp()
    state = UrlState.from_args(request.args, "/search.atom", request.script_root).without(
        "page", "per_page", "sort")
    tag = hashlib.sha256(f"{name}\n{state.url()}".encode()).hexdigest()[:32]
    response = current_app.response_class(mimetype="application/atom+xml")
    response.set_etag(tag)
    response.last_modified = datetime.fromtimestamp(int(modified), timezone.utc)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    index = get_index()
    found = index.matches(search_request)
    hits = index.hits(search_request, newest(found))
    response.set_data(feed_xml(state, search_request, hits, found.reports,
                               response.last_modified))
    return response
