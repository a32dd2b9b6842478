"""Compare: `/compare?authority=A&authority=B[&region=R]&q=...` (and `/api/compare`):
per-year report shares and the best passages of each authority or region side by side
(indexer.answers.compare). With no side chosen the page explains how to choose."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from indexer.api import REGIONS, compare as compare_sides, sides, summaries
from webui import get_index
from webui.charts import share_chart
from webui.params import split
from webui.search import parsed
from webui.state import UrlState

bp = Blueprint("compare", __name__)
OWN = ("authority", "region")


def comparison() -> tuple[dict, UrlState]:
    search_args, mine = split(request.args, OWN)
    base = parsed(search_args, page=1)
    values = lambda name: [v.strip() for v in mine.getlist(name) if v.strip()]  # noqa: E731
    index = get_index()
    chosen = sides(index.records(), values("authority"), values("region"))
    data = compare_sides(index, base, chosen) if chosen else {
        "query": base.query, "years": [], "sides": []}
    return data, UrlState.from_args(search_args, "/compare", request.script_root)


@bp.get("/compare")
def compare():
    data, state = comparison()
    for side in data["sides"]:
        side["chart"] = share_chart(f"{side['label']}: share of reports with a match, by year",
                                    side["years"])
    chosen = [(s["kind"], s["value"]) for s in data["sides"]]
    return render_template("compare.html", data=data, state=state, chosen=chosen,
                           authorities=summaries(get_index().records()), regions=REGIONS,
                           api_url=request.full_path.replace("/compare", "/api/compare", 1))


@bp.get("/api/compare")
def api_compare():
    return jsonify(comparison()[0])
