"""The follow-up tracker: `/followups` (counts by status per year and inspection type, every
recommendation linked to its follow-ups), `/api/followups` (JSON) and `/followups.csv`, over
the search parameters. The logic is indexer.answers.tracker; this module presents it."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.api import STANDING_LABELS, STANDINGS, coverage_sentence, tracker, tracker_summary
from webui import get_index
from webui.authorities import histories
from webui.links import absolute
from webui.search import parsed
from webui.state import UrlState

bp = Blueprint("followups", __name__)
CSV_COLUMNS = ("authority", "authority_name", "report_id", "year", "inspection_type",
               "addressee", "status", "text", "url", "latest_follow_up_url",
               "latest_follow_up_status")


def tracker_data() -> tuple[dict, UrlState]:
    search_request = parsed(request.args, page=1)
    data = tracker(get_index(), search_request, histories())
    data["summary"] = tracker_summary(data)
    data["coverage_sentence"] = coverage_sentence(data["coverage"])
    return data, UrlState.from_args(request.args, "/followups", request.script_root)


@bp.get("/followups")
def followups_page():
    data, state = tracker_data()
    links = {"search": state.url("/search"), "api": state.url("/api/followups"),
             "csv": state.url("/followups.csv"), "trends": state.url("/trends")}
    if data["phrase_query"]:  # the same filters, the words as the exact phrase
        links["phrase"] = UrlState(state.without("q").pairs
                                   + [("q", data["phrase_query"]["query"])],
                                   root=state.root).url("/followups")
    return render_template("followups.html", data=data, links=links, state=state,
                           standings=STANDINGS, labels=STANDING_LABELS,
                           form_action="/followups")


@bp.get("/api/followups")
def api_followups():
    return jsonify(tracker_data()[0])


@bp.get("/followups.csv")
def followups_csv():
    data, _ = tracker_data()
    buffer = io.StringIO()
    buffer.write(f"# {data['summary']} {data['coverage_sentence']}\r\n")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    for row in data["recommendations"]:
        latest = max(row["later"], key=lambda l: l["date"], default=None)
        writer.writerow(row | {"url": absolute(row["url"]),
                               "latest_follow_up_url": absolute(latest["url"]) if latest else "",
                               "latest_follow_up_status": latest["status"] if latest else ""})
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="ofsted-followups.csv"'
    return response
