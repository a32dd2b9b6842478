"""Trends: `/trends` (chart, table, coverage sentence), `/api/trends` (JSON) and
`/trends.csv`, all from indexer.answers.trends over the same search parameters plus
`by=type` (split each year by inspection-type family)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.api import BY_VALUES, FAMILIES, coverage_sentence, trends
from webui import get_index
from webui.charts import share_chart
from webui.params import choice, split
from webui.search import parsed
from webui.state import UrlState

bp = Blueprint("trends", __name__)
OWN = ("by",)
CSV_COLUMNS = ("year", "group", "reports", "matching_reports", "share", "passages")


def trend_data() -> tuple[dict, UrlState]:
    search_args, mine = split(request.args, OWN)
    by = choice(mine, "by", BY_VALUES)
    search_request = parsed(search_args, page=1)
    data = trends(get_index().matches(search_request), search_request.query, by)
    return data, UrlState.from_args(search_args, "/trends", request.script_root)


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
    by_pairs = state.pairs + ([("by", "type")] if data["by"] else [])
    links = {
        "search": state.url("/search"),
        "api": UrlState(by_pairs, root=state.root).url("/api/trends"),
        "csv": UrlState(by_pairs, root=state.root).url("/trends.csv"),
        "by_type": UrlState(state.pairs + [("by", "type")], root=state.root).url("/trends"),
        "overall": state.url("/trends"),
    }
    return render_template("trends.html", data=data, charts=charts, links=links, state=state,
                           form_action=links["overall"].split("?")[0],
                           coverage=coverage_sentence(data["coverage"]))


@bp.get("/api/trends")
def api_trends():
    return jsonify(trend_data()[0])


@bp.get("/trends.csv")
def trends_csv():
    data, _ = trend_data()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    for year in data["years"]:
        writer.writerow({**year, "group": "all"})
        for group in year.get("groups", []):
            writer.writerow({**group, "year": year["year"]})
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="ofsted-trends.csv"'
    return response
