"""Compare: `/compare?authority=A&authority=B&region=R&...&q=...` (and `/api/compare`):
per-year report shares with their intervals, coverage, inspection-type mix and the best
passages of any number of authorities and regions side by side (indexer.answers.compare),
counted by `year_basis`. With no side chosen the page explains how to choose; the form
offers one more empty choice of each kind than is chosen, so sides can be added without
JavaScript."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request

from indexer.api import (REGIONS, YEAR_BASES, compare as compare_sides, sides, summaries,
                         year_basis_sentence)
from webui import get_index
from webui.charts import share_chart
from webui.params import choice, split
from webui.search import parsed
from webui.state import UrlState

bp = Blueprint("compare", __name__)
OWN = ("authority", "region", "year_basis")


def comparison() -> tuple[dict, UrlState]:
    search_args, mine = split(request.args, OWN)
    base = parsed(search_args, page=1)
    year_basis = choice(mine, "year_basis", YEAR_BASES, YEAR_BASES[0])
    values = lambda name: [v.strip() for v in mine.getlist(name) if v.strip()]  # noqa: E731
    index = get_index()
    chosen = sides(index.records(), values("authority"), values("region"))
    data = compare_sides(index, base, chosen, year_basis=year_basis) if chosen else {
        "query": base.query, "year_basis": year_basis, "unquoted_words": False,
        "expansions": [], "phrase_query": None, "years": [], "sides": []}
    data["year_basis_sentence"] = year_basis_sentence(year_basis)
    return data, UrlState.from_args(search_args, "/compare", request.script_root)


@bp.get("/compare")
def compare():
    data, state = comparison()
    for side in data["sides"]:
        side["chart"] = share_chart(f"{side['label']}: share of reports with a match, by year",
                                    side["years"])
    chosen_authorities = [s["value"] for s in data["sides"] if s["kind"] == "authority"]
    chosen_regions = [s["value"] for s in data["sides"] if s["kind"] == "region"]
    other_basis = YEAR_BASES[1] if data["year_basis"] == YEAR_BASES[0] else YEAR_BASES[0]
    basis_args = [(k, v) for k, v in request.args.items(multi=True) if k != "year_basis"]
    if other_basis != YEAR_BASES[0]:
        basis_args.append(("year_basis", other_basis))
    return render_template("compare.html", data=data, state=state,
                           authority_pickers=chosen_authorities + [""] * max(1, 2 - len(chosen_authorities)),
                           region_pickers=chosen_regions + [""],
                           authorities=summaries(get_index().records()), regions=REGIONS,
                           other_basis=other_basis,
                           basis_url=request.path + "?" + urlencode(basis_args),
                           api_url=request.full_path.replace("/compare", "/api/compare", 1))


@bp.get("/api/compare")
def api_compare():
    return jsonify(comparison()[0])
