"""Authority pages: `/authorities` (every authority in the index with its number of
reports, latest inspection and latest overall judgement) and `/authorities/<key>` (its
inspections on a time line with a grade chart, and each inspection's recommendations
followed into later inspections), with JSON twins under `/api/`. The logic is
indexer.answers.authority_history; this module only presents it."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.api import GRADES, FollowUpHistories, chart_grade, summaries
from webui import get_index
from webui.charts import grade_chart
from webui.params import reject_unknown

bp = Blueprint("authorities", __name__)
GRADE_LABELS = {"requires improvement to be good": "Requires improvement"}  # fits the axis


def histories() -> FollowUpHistories:
    """The app's authority histories (stored per index generation, memoised here)."""
    return current_app.extensions.setdefault("followup_histories", FollowUpHistories())


def authority_history(key: str) -> dict:
    """history() of one authority, read from the generation's follow-up store or computed
    once per index generation (JSON-ready; never change what it returns)."""
    reject_unknown(request.args)
    index = get_index()
    return histories().get(index.generation_path(), index.records(), key)


@bp.get("/authorities")
def authorities():
    reject_unknown(request.args)
    rows = summaries(get_index().records())
    regions = sorted({r["region"] for r in rows if r["region"]})
    return render_template("authorities.html", authorities=rows, regions=regions)


@bp.get("/api/authorities")
def api_authorities():
    reject_unknown(request.args)
    return jsonify({"authorities": summaries(get_index().records())})


@bp.get("/authorities/<key>")
def authority(key: str):
    data = authority_history(key)
    points = [{"grade": chart_grade(i["overall_judgement"]), "when": i["date"],
               "label": f"{i['inspection_type_label']}, {i['date']}"}
              for i in data["inspections"]]
    chart = grade_chart(f"Overall judgements of {data['name']}, oldest first", points,
                        list(GRADES), GRADE_LABELS)
    return render_template("authority.html", data=data, chart=chart)


@bp.get("/api/authorities/<key>")
def api_authority(key: str):
    return jsonify(authority_history(key))
