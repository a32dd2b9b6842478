"""One report: `/reports/<id>` shows its sections and passages (each with its passage id
as HTML id, the query's words marked when `?q=` is given, links between matches) and
`/api/reports/<id>` returns Report.to_dict(); a very long report comes in pages
(webui.report_pages: `?page=N`, `?passage=<id>`; the JSON then says so under "pagination").

"More like this": `/reports/<id>/passages/<passage id>/similar` quotes one passage and
lists the passages of other reports most like it (SearchIndex.similar);
`/api/reports/<id>/passages/<passage id>/similar` returns the same hits as JSON."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from datetime import datetime, timezone

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from indexer.api import (HIDDEN_BY_DEFAULT, MAX_QUERY_CHARS, SECTION_LABELS, BadRequest,
                         Highlighter, NotFound, Passage, Report, SearchRequest, Section, citation,
                         dated, mark, meaning_span, passage_pages)
from webui import get_index
from webui.params import reject_unknown
from webui.security import marked
from webui.links import permalink
from webui import deadline, report_pages
from webui.report_pages import ReportPage

bp = Blueprint("reports", __name__)
SIMILAR_DEFAULT = 10  # similar passages listed unless ?limit= says otherwise
SIMILAR_MAX = 50  # the most SearchIndex.similar() returns
# Headings for untitled sections: (section key, is it the first section?) -> heading.
UNTITLED = {
    ("boilerplate", True): "Address and date",
    ("boilerplate", False): "Sign-off and standard text",
    ("context", True): "About this inspection",
    ("context", False): "About this inspection",
}


@dataclass
class PassageView:
    passage_id: str
    html: Markup
    match: int = 0  # 1-based number among the matching passages, 0 = no match
    previous: str | None = None  # passage id of the previous match
    next: str | None = None
    page: int | None = None  # PDF page where the passage starts
    citation: str = ""
    href: str = ""  # "#id" on this page, else the report URL that opens its page


@dataclass
class SectionView:
    anchor: str
    key: str
    label: str
    heading: str
    passages: list[PassageView] = field(default_factory=list)
    path: list[str] = field(default_factory=list)  # the headings it sits under

    @property
    def collapsed(self) -> bool:
        return self.key in HIDDEN_BY_DEFAULT and not any(p.match for p in self.passages)

    @property
    def has_similar(self) -> bool:
        """Boilerplate (addresses, sign-offs) gets no "similar passages" link."""
        return self.key not in HIDDEN_BY_DEFAULT


def highlighter_for(query: str) -> tuple[Highlighter | None, str | None]:
    """The query's highlighter, or a notice saying why the words cannot be marked."""
    if not query.strip():
        return None, None
    if len(query) > MAX_QUERY_CHARS or "\x00" in query:
        return None, "The search words are too long or contain invalid characters to highlight."
    try:
        highlighter = get_index().highlighter(query)
    except BadRequest as exc:
        return None, f"The search words could not be highlighted: {exc}"
    return (highlighter if highlighter else None), None


def matching_passages(report: Report, query: str, mode: str = "hybrid") -> tuple[set[str], dict]:
    """Ids of this report's passages that the search itself returns for the query, so the
    report page counts exactly what the results page counted (words alone are marked too),
    and how the search read the words: {"match": "all" | "most", "expansions": [...],
    "meaning": the ids of the passages it found by meaning alone}."""
    same_report = {"authority": [report.authority_key], "year": [report.year],
                   "inspection_type": [report.inspection_type]}
    request_ = SearchRequest(query=query, filters=same_report,
                             per_page=current_app.config["EXPORT_CAP"], mode=mode)
    try:
        results = get_index().search(request_, snippets=False)  # only ids are used
    except BadRequest:
        return set(), {}
    ours = [hit for hit in results.hits if hit.report_id == report.report_id]
    meaning = {p.passage_id for hit in ours if hit.matched == "meaning" for p in hit.passages}
    return ({p.passage_id for hit in ours for p in hit.passages},
            {"match": results.match, "expansions": results.expansions, "meaning": meaning})


def section_views(report: Report, highlighter: Highlighter | None, matching: set[str],
                  page: ReportPage, query: str = "", meaning: frozenset | set = frozenset(),
                  mode: str = "hybrid") -> tuple[list[SectionView], list[PassageView]]:
    """This page's sections (holding only its passages) and every matching passage of the
    report, numbered, each with the link that reaches it (another page's URL if need be)."""
    views, matches, ordinal = [], [], -1
    for number, section in enumerate(report.sections, start=1):
        label = SECTION_LABELS.get(section.key, section.key)
        heading = section.heading or UNTITLED.get((section.key, number == 1), label)
        view = SectionView(f"section-{number}", section.key, label, heading,
                           path=list(section.path))
        for passage in section.passages:
            ordinal += 1
            if ordinal % 1024 == 0:
                deadline.check("Building this report page")
            here = page.holds(ordinal)
            if not here and passage.passage_id not in matching:
                continue
            spans = highlighter.spans(passage.text) if highlighter else []
            if passage.passage_id in meaning and here:  # found by meaning: its closest sentence
                spans = [span for span in [meaning_span(passage.text, query)] if span]
            html = ("" if not here  # another page's match: only its number and link
                    else marked(mark(passage.text, spans)) if spans else escape(passage.text))
            shown = PassageView(passage.passage_id, Markup(html),
                                page=passage.page, href=_href(report, passage.passage_id,
                                                              here, query, mode))
            if here:
                view.passages.append(shown)
            # a passage the search found only through the title or heading is not a match here
            if passage.passage_id in matching and (spans or not highlighter
                                                   or passage.passage_id in meaning):
                matches.append(shown)
        if view.passages:
            views.append(view)
    for number, passage in enumerate(matches, start=1):
        passage.match = number
        passage.previous = matches[number - 2].href if number > 1 else None
        passage.next = matches[number].href if number < len(matches) else None
    return views, matches


def _href(report: Report, passage_id: str, here: bool, query: str, mode: str) -> str:
    if here:
        return f"#{passage_id}"
    return url_for("reports.report", report_id=report.report_id, passage=passage_id,
                   q=query or None, mode="words" if query and mode == "words" else None,
                   _anchor=passage_id)


def add_citations(report_id: str, sections: list[SectionView]) -> None:
    """Every passage's citation (indexer.answers.citations), accessed today (UTC)."""
    record = get_index().record(report_id)
    pages, today = passage_pages(record), datetime.now(timezone.utc).date()
    for section in sections:
        deadline.check("Building this report page")
        for passage in section.passages:
            link = permalink(report_id, passage.passage_id)
            passage.citation = citation(record, link, pages.get(passage.passage_id), today)


def _when(row: dict) -> str:
    return dated(row).text


def related(report: Report, everything: list[dict]) -> tuple[list[dict], list[dict]]:
    """The same authority's other inspections: (earlier, later), nearest first."""
    same = [r for r in everything
            if r["authority_key"] == report.authority_key and r["report_id"] != report.report_id]
    here = _when(report.to_dict())
    earlier = sorted((r for r in same if _when(r) <= here), key=_when, reverse=True)
    later = sorted((r for r in same if _when(r) > here), key=_when)
    return earlier, later


@bp.get("/reports/<report_id>")
def report(report_id: str):
    index = get_index()
    found = index.report(report_id)
    query = request.args.get("q", "")
    highlighter, notice = highlighter_for(query)
    searching = bool(query.strip()) and notice is None
    mode = "words" if request.args.get("mode") == "words" else "hybrid"
    matching, how = matching_passages(found, query, mode) if searching else (set(), {})
    page = report_pages.choose(found, request.args)
    sections, matches = section_views(found, highlighter, matching, page, query,
                                      how.get("meaning", frozenset()), mode)
    add_citations(found.report_id, sections)
    earlier, later = related(found, index.reports())
    return render_template("report.html", report=found, sections=sections, query=query,
                           notice=notice, matches=matches, searched=len(matching), how=how,
                           earlier=earlier, later=later,
                           highlighting=searching, page=page,
                           words_only="words" if mode == "words" and query else None)


@bp.get("/api/reports/<report_id>")
def api_report(report_id: str):
    reject_unknown(request.args, ("page", "passage"))
    found = get_index().report(report_id)
    page = report_pages.choose(found, request.args)
    if page.count == 1:
        return jsonify(found.to_dict())
    data = report_pages.cut(found.to_dict(), page)
    data["pagination"] = {"page": page.number, "pages": page.count, "passages": page.total,
                          "first_passage": page.start + 1, "last_passage": page.end,
                          "next": _page_url(report_id, page.number + 1, page),
                          "previous": _page_url(report_id, page.number - 1, page)}
    return jsonify(data)


def _page_url(report_id: str, number: int, page: ReportPage) -> str | None:
    if not 1 <= number <= page.count:
        return None
    return url_for("reports.api_report", report_id=report_id, page=number)


def similar_limit(value: str | None) -> int:
    """?limit= as a whole number from 1 to SIMILAR_MAX (absent or empty: the default)."""
    if value is None or not value.strip():
        return SIMILAR_DEFAULT
    text = value.strip()
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= SIMILAR_MAX:
        raise BadRequest(f"limit must be a whole number from 1 to {SIMILAR_MAX}, "
                         f"not {text[:40]!r}")
    return int(text)


def find_passage(report: Report, passage_id: str) -> tuple[Section, Passage]:
    for section, passage in report.passages():
        if passage.passage_id == passage_id:
            return section, passage
    raise NotFound(f"no passage {passage_id[:80]!r} in report {report.report_id!r}")


def similar_hits(report_id: str, passage_id: str):
    """(report, section, passage, similar hits); NotFound for unknown ids, BadRequest for
    a bad ?limit= (checked before the index is asked anything)."""
    reject_unknown(request.args, ("limit",))
    limit = similar_limit(request.args.get("limit"))
    index = get_index()
    found = index.report(report_id)
    section, passage = find_passage(found, passage_id)
    return found, section, passage, index.similar(report_id, passage_id, limit=limit)


@bp.get("/reports/<report_id>/passages/<passage_id>/similar")
def similar(report_id: str, passage_id: str):
    found, section, passage, hits = similar_hits(report_id, passage_id)
    label = SECTION_LABELS.get(section.key, section.key)
    return render_template("similar.html", report=found, passage=passage,
                           heading=section.heading or label, hits=hits)


@bp.get("/api/reports/<report_id>/passages/<passage_id>/similar")
def api_similar(report_id: str, passage_id: str):
    _, _, _, hits = similar_hits(report_id, passage_id)
    return jsonify({"report_id": report_id, "passage_id": passage_id,
                    "similar": [asdict(hit) for hit in hits]})
