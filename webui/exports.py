"""Exports of the whole result set, not one page: `/export.csv` and `/export.json`, one
row per passage with an absolute permalink, capped at EXPORT_CAP passages (the cap and
the total are stated in X-Export-* headers and in the JSON)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, current_app, jsonify, request, url_for

from indexer.index.facet_registry import FACETS
from indexer.models import SearchResults
from webui.search import run_search

bp = Blueprint("exports", __name__)

BASE_COLUMNS = ("authority", "authority_key", "la_urn", "region", "inspection_type",
                "inspection_type_label", "date", "date_kind", "inspection_start",
                "inspection_end", "published", "year", "section", "heading", "text",
                "permalink", "report_id", "passage_id", "page", "original_url")
# then every other registered facet (indexer.index.facet_registry), by its name
FACET_COLUMNS = tuple(f.name for f in FACETS if f.name not in BASE_COLUMNS)
COLUMNS = BASE_COLUMNS + FACET_COLUMNS
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula injection


def _results() -> tuple[SearchResults, int]:
    cap = current_app.config["EXPORT_CAP"]
    return run_search(request.args, page=1, per_page=cap), cap


def rows(results: SearchResults, cap: int) -> tuple[list[dict], bool]:
    """One row per passage, at most `cap`, and whether the result set was cut short."""
    out = []
    for hit in results.hits:
        for passage in hit.passages:
            out.append({
                "authority": hit.authority, "authority_key": hit.authority_key,
                "la_urn": hit.la_urn or "", "region": hit.region or "",
                "inspection_type": hit.inspection_type,
                "inspection_type_label": hit.inspection_type_label, "date": hit.date or "",
                "date_kind": hit.date_kind or "", "inspection_start": hit.inspection_start or "",
                "inspection_end": hit.inspection_end or "", "published": hit.published or "",
                "year": hit.year, "section": hit.section, "heading": hit.heading,
                "text": passage.text,
                "permalink": url_for("reports.report", report_id=hit.report_id,
                                     _external=True, _anchor=passage.passage_id),
                "report_id": hit.report_id, "passage_id": passage.passage_id,
                "page": passage.page or "", "original_url": hit.original_url or "",
                **{name: hit.facets.get(name, "") for name in FACET_COLUMNS},
            })
    return out[:cap], len(out) > cap or len(results.hits) < results.total


def _headers(results: SearchResults, table: list, truncated: bool, cap: int,
             extension: str) -> dict:
    return {
        "X-Export-Cap": str(cap),
        "X-Export-Total": str(results.total),
        "X-Export-Rows": str(len(table)),
        "X-Export-Truncated": "true" if truncated else "false",
        "Content-Disposition": f'attachment; filename="ofsted-search.{extension}"',
    }


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.get("/export.csv")
def export_csv():
    results, cap = _results()
    table, truncated = rows(results, cap)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in table)
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")
    response.headers.update(_headers(results, table, truncated, cap, "csv"))
    return response


@bp.get("/export.json")
def export_json():
    results, cap = _results()
    table, truncated = rows(results, cap)
    response = jsonify({
        "query": results.query, "total": results.total, "reports": results.reports,
        "exported": len(table), "cap": cap, "truncated": truncated,
        "columns": list(COLUMNS), "rows": table,
    })
    response.headers.update(_headers(results, table, truncated, cap, "json"))
    return response
