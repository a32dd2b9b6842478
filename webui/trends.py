"""Trends: `/trends` (chart, table, coverage sentence), `/api/trends` (JSON) and
`/trends.csv`, all from indexer.answers.trends over the same search parameters plus
`by=type` (split each year by inspection-type family) and `year_basis=inspection|published`
(which year a report counts in)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.api import (BY_VALUES, FAMILIES, YEAR_BASES, coverage_sentence, trend_answer,
                         year_basis_sentence)
from webui import get_index
from webui.charts import share_chart
from webui.params import choice, split
from webui.provenance import as_text, shaping
from webui.search import parsed
from webui.state import UrlState

bp = Blueprint("trends", __name__)
OWN = ("by", "year_basis")
CSV_COLUMNS = ("year", "group", "reports", "matching_reports", "share", "share_low",
               "share_high", "small_sample", "passages", "phrase_query",
               "phrase_matching_reports", "phrase_share", "phrase_share_low",
               "phrase_share_high", "year_basis", "coverage", "query", "filters")


def trend_data() -> tuple[dict, UrlState]:
    search_args, mine = split(request.args, OWN)
    by = choice(mine, "by", BY_VALUES)
    year_basis = choice(mine, "year_basis", YEAR_BASES, YEAR_BASES[0])
    search_request = parsed(search_args, page=1)
    data = trend_answer(get_index(), search_request, by, year_basis)
    data["coverage_sentence"] = coverage_sentence(data["coverage"])
    data["year_basis_sentence"] = year_basis_sentence(year_basis)
    return data, UrlState.from_args(search_args, "/trends", request.script_root)


def own_pairs(data: dict, **changes) -> list[tuple[str, str]]:
    """This page's own parameters as given (defaults left out), with `changes` applied."""
    own = {"by": data["by"] or "", "year_basis": data["year_basis"]} | changes
    return [(name, value) for name, value in own.items()
            if value and not (name == "year_basis" and value == YEAR_BASES[0])]


@bp.get("/trends")
def trends_page():
    data, state = trend_data()
    charts = [share_chart("Share of reports with a matching passage, by year", data["years"])]
    if data["by"] == "type":
        for family, (label, _) in FAMILIES.items():
            rows = [{"year": y["year"], **g} for y in data["years"] for g in y["groups"]
                    if g["group"] == family]
            if rows:
                charts.append(share_chart(f"{label}: share of reports with a match", rows))
    with_own = lambda path, **changes: UrlState(  # noqa: E731
        state.pairs + own_pairs(data, **changes), root=state.root).url(path)
    links = {
        "search": state.url("/search"), "api": with_own("/api/trends"),
        "csv": with_own("/trends.csv"), "by_type": with_own("/trends", by="type"),
        "overall": with_own("/trends", by=""),
        "basis": {basis: with_own("/trends", year_basis=basis) for basis in YEAR_BASES},
    }
    if data["phrase_query"]:
        phrase = UrlState(state.without("q").pairs + [("q", data["phrase_query"]["query"])]
                          + own_pairs(data), root=state.root)
        links["phrase"] = phrase.url("/trends")
    return render_template("trends.html", data=data, charts=charts, links=links, state=state,
                           form_action=links["overall"].split("?")[0],
                           coverage=data["coverage_sentence"])


@bp.get("/api/trends")
def api_trends():
    return jsonify(trend_data()[0])


def csv_rows(data: dict, filters: str):
    """One row per year ("all") and per year and family, with the phrase's figures."""
    phrase = data["phrase_query"] or {}
    phrase_years = {y["year"]: y for y in phrase.get("years", [])}
    common = {"year_basis": data["year_basis"], "coverage": data["coverage_sentence"],
              "query": data["query"], "filters": filters}
    for year in data["years"]:
        mine = phrase_years.get(year["year"], {})
        yield {**year, "group": "all", **common, "phrase_query": phrase.get("query", ""),
               **{f"phrase_{k}": mine.get(k, "") for k in
                  ("matching_reports", "share", "share_low", "share_high")}}
        for group in year.get("groups", []):
            yield {**group, "year": year["year"], **common}


@bp.get("/trends.csv")
def trends_csv():
    data, _ = trend_data()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    filters = as_text(shaping(request.args, own=OWN, query=False))
    for row in csv_rows(data, filters):
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="ofsted-trends.csv"'
    return response
