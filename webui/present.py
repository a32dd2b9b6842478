"""Turn SearchResults plus the URL state into what the search template draws: facet
groups whose values carry their own toggle_url (Datasette style), pagination links and
the summary line. No URL is computed in a template."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from indexer.api import (BY_NAME, FACETS, FacetValue, Known, SearchResults, by_query_name,
                         report_path, typed_filters)
from webui.state import FACET_PARAMS, UrlState

FACETS_SHOWN = 8  # values listed before "show all"; the rest sit in a <details>
PAGE_WINDOW = 2  # page links either side of the current page


@dataclass
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str
    bar: int = 0  # bar length in 5% steps (year chart), 0 = no bar


@dataclass
class FacetGroup:
    name: str
    param: str
    title: str
    values: list[FacetLink]
    selected: int = 0
    chart: bool = False  # values drawn as bars

    @property
    def shown(self) -> list[FacetLink]:
        return self.values[:FACETS_SHOWN]

    @property
    def more(self) -> list[FacetLink]:
        return self.values[FACETS_SHOWN:]


@dataclass
class PageLink:
    label: str
    url: str | None  # None: a gap ("…")
    current: bool = False
    rel: str = ""


@dataclass
class Pagination:
    page: int
    pages: int
    links: list[PageLink] = field(default_factory=list)
    previous: str | None = None
    next: str | None = None


def _bar(count: int, biggest: int) -> int:
    if not count or not biggest:
        return 0
    return max(5, int(count * 20 / biggest + 0.5) * 5)  # round half up


def facet_group(name: str, values: list[FacetValue], state: UrlState) -> FacetGroup:
    facet = BY_NAME[name]
    biggest = max((v.count for v in values), default=0)
    links = [FacetLink(v.value, v.label, v.count, v.selected,
                       state.toggle(facet.param, v.value).url(),
                       _bar(v.count, biggest) if facet.chart else 0)
             for v in values]
    links.sort(key=lambda link: not link.selected)  # selected first, order kept otherwise
    return FacetGroup(name, facet.param, facet.title, links, sum(v.selected for v in values),
                      facet.chart)


def facet_groups(results: SearchResults, state: UrlState) -> list[FacetGroup]:
    return [facet_group(f.name, results.facets.get(f.name, []), state) for f in FACETS]


def pagination(results: SearchResults, state: UrlState) -> Pagination:
    pages = max(1, math.ceil(results.total / results.per_page))
    current = results.page
    wanted = {1, pages, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= pages)
    links, last = [], 0
    for number in numbers:
        if number > last + 1:
            links.append(PageLink("…", None))
        links.append(PageLink(str(number), page_url(state, number), number == current))
        last = number
    result = Pagination(current, pages, links)
    if current > 1:
        result.previous = page_url(state, current - 1)
    if current < pages:
        result.next = page_url(state, current + 1)
    return result


def page_url(state: UrlState, number: int) -> str:
    return state.replace("page", None if number == 1 else str(number)).url()


def summary(results: SearchResults) -> str:
    """'249 passages in 5 reports', exactly as counted."""
    passages = "passage" if results.total == 1 else "passages"
    reports = "report" if results.reports == 1 else "reports"
    return f"{results.total:,} {passages} in {results.reports:,} {reports}"


def report_urls(results: SearchResults, state: UrlState) -> dict[str, str]:
    """report_id -> its page, carrying the query so its words are marked there."""
    searched = results.authority_in_query["searched"] if results.authority_in_query \
        else state.get("q")  # without an authority's name read as a filter
    return {hit.report_id: state.root + report_path(hit.report_id, query=searched or "",
                                                    mode=state.get("mode"))
            for hit in results.hits}


def everywhere_url(results: SearchResults, state: UrlState) -> str | None:
    """The same words in every authority's reports, when an authority's name in the query
    was read as a filter (indexer.search.relax)."""
    found = results.authority_in_query
    return state.replace("q", found["everywhere_query"]).without("page").url() if found else None


def elsewhere_url(results: SearchResults, state: UrlState) -> str | None:
    """The other words alone in every authority's reports, when an authority's name in the
    query was read as a filter and its reports have none of them."""
    found = results.authority_in_query
    if not found or results.total:
        return None
    return state.replace("q", found["searched"]).without("page").url()


def _typed_label(facet, typed: str) -> str:
    """A value typed in the query as its facet labels it ("areas for development" ->
    "Areas for development"); a year or range, or a value it does not know, as typed."""
    if facet.numeric:
        return typed
    label = facet.label(facet.query_value(typed), Known())
    return label if label and label != facet.query_value(typed) else typed


def query_chips(state: UrlState) -> list[FacetLink]:
    """One removable chip per filter typed into the query (`year:2018-2023`): its link is
    the query without it."""
    query, chips = state.get("q"), []
    for name, value, start, end in typed_filters(query):
        facet = by_query_name(name)
        rest = " ".join((query[:start] + " " + query[end:]).split())
        label = f"{facet.title}: {_typed_label(facet, value.strip(chr(34)))}" if facet \
            else f"{name}: {value}"
        chips.append(FacetLink(value, label, 0, True,
                               state.replace("q", rest).without("page").url()))
    return chips


def correction_shown_once(results: SearchResults) -> str | None:
    """The "did you mean" suggestion, unless its corrections were already searched (the
    "Also searched" line says so: one message per correction)."""
    if not results.suggestion:
        return None
    typed = set(results.query.lower().split())
    new = [w for w in results.suggestion.lower().split() if w not in typed]
    return None if new and all(w in results.expansions for w in new) else results.suggestion


def year_range(state: UrlState) -> dict:
    """The two-input year range form: GET to the same page, every other parameter kept
    (single years are replaced by the range)."""
    kept = state.without("page", "year", "year_from", "year_to")
    return {"action": state.root + state.path, "hidden": kept.pairs,
            "first": state.get("year_from"), "last": state.get("year_to")}


def _beside_read_authority(facets: list[FacetGroup], results: SearchResults,
                           state: UrlState) -> None:
    """Another authority's box, beside the one read from the words ("Kent county lines"):
    its count is of the other words in its reports, so its link searches those words in
    both authorities' reports (not "Kent" as a word in Wandsworth's)."""
    found = results.authority_in_query
    if found["key"] in state.values("authority"):
        return
    read = state.replace("q", found["searched"]).toggle("authority", found["key"])
    for group in facets:
        if group.param == BY_NAME["authority"].param:
            for value in group.values:
                if not value.selected:
                    value.toggle_url = read.toggle(group.param, value.value).url()


def search_view(results: SearchResults, state: UrlState, export_cap: int) -> dict:
    """Everything search.html needs besides the results themselves."""
    first = (results.page - 1) * results.per_page + 1 if results.total else 0
    facets = facet_groups(results, state)
    everywhere = everywhere_url(results, state)
    chips = [value for group in facets for value in group.values if value.selected]
    if everywhere:  # the authority read from the words: removing it searches everywhere
        key = results.authority_in_query["key"]
        for chip in chips:
            if chip.value == key and key not in state.values("authority"):
                chip.toggle_url = everywhere
        _beside_read_authority(facets, results, state)
    ranged = [v for v in state.values("year") if "-" in v[1:]]
    if ranged or state.get("year_from") or state.get("year_to"):  # one chip for the range
        years = next(g for g in facets if g.name == "year").values
        low, high = state.get("year_from") or "…", state.get("year_to") or "…"
        label = f"Years: {', '.join(ranged)}" if ranged else f"Years: {low}–{high}"
        chips = [c for c in chips if c not in years] + [FacetLink(
            "years", label, 0, True, state.without("page", "year", "year_from", "year_to").url())]
    return {
        "facets": facets,
        "year_range": year_range(state),
        "chips": chips + query_chips(state),
        "everywhere_url": everywhere,
        "notices": [{**n, "url": n["query"] and state.replace("q", n["query"]).without("page").url()}
                    for n in results.notices if n["kind"] != "no_meaning"],
        "meaning_found": all(n["kind"] != "no_meaning" for n in results.notices),
        "elsewhere_url": elsewhere_url(results, state),
        "suggestion": correction_shown_once(results),
        "report_urls": report_urls(results, state),
        "pagination": pagination(results, state),
        "summary": summary(results),
        "first": first,
        "last": first + len(results.hits) - 1 if results.hits else 0,
        "clear_url": state.without("page", *FACET_PARAMS.values(), "year_from", "year_to").url(),
        "has_filters": bool(state.filters()),
        "suggestion_url": (state.replace("q", results.suggestion).without("page").url()
                           if results.suggestion else None),
        "unexpanded_url": (state.replace("expand", "0").without("page").url()
                           if results.expansions else None),
        "words_url": state.replace("mode", "words").without("page").url(),
        "hybrid_url": state.without("page", "mode").url(),
        "export_csv": state.without("page", "per_page").url("/export.csv"),
        "export_json": state.without("page", "per_page").url("/export.json"),
        "export_ris": state.without("page", "per_page").url("/export.ris"),
        "export_bib": state.without("page", "per_page").url("/export.bib"),
        "api_url": state.url("/api/search"),
        "feed_url": state.without("page", "per_page", "sort").url("/search.atom"),
        "trend_url": state.without("page", "per_page", "sort").url("/trends"),
        "followups_url": state.without("page", "per_page", "sort").url("/followups"),
        "boilerplate_url": (None if "boilerplate" in state.values("section")
                            else state.toggle("section", "boilerplate").url()),
        "export_cap": export_cap,
    }
