"""Exports of the whole result set, not one page: `/export.csv` and `/export.json` (one
row per passage, with the report's title, dates, page where known, authority key,
original-document URL where known, a citation, and the query and filters that produced
them), `/export.ris` and `/export.bib` (one reference per report, its matching passages
as notes). Capped at EXPORT_CAP passages (the cap and the total are stated in X-Export-*
headers and in the JSON)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from flask import Blueprint, current_app, request

from indexer.api import (FACETS, SearchResults, bib_comment, bib_entry, citer, original_url,
                         paginated, passage_pages, printable, ris_entry)
from webui import deadline, get_index
from webui.export_cache import streamed
from webui.search import run_search
from webui.provenance import as_dict, as_text, shaping
from webui.state import FILTER_PARAMS, UrlState
from webui.links import absolute, at_passage, permalink

bp = Blueprint("exports", __name__)

BASE_COLUMNS = ("authority", "la_urn", "region", "inspection_type", "inspection_type_label",
                "date", "date_kind", "year", "section", "heading", "text", "permalink",
                "report_id", "passage_id")
# then every other registered facet (indexer.index.facet_registry), by its name
FACET_COLUMNS = tuple(f.name for f in FACETS if f.name not in BASE_COLUMNS)
CITE_COLUMNS = ("title", "published", "inspection_start", "inspection_end", "page",
                "authority_key", "original_url", "citation", "query", "filters", "parameters")
COLUMNS = BASE_COLUMNS + FACET_COLUMNS + CITE_COLUMNS
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula injection
CELL_MAX = 32_000  # Excel holds at most 32,767 characters a cell
ROWS_A_CHUNK = 200  # rows written at a time to a streamed export
REFERENCE_TYPES = {"ris": "application/x-research-info-systems", "bib": "application/x-bibtex"}


def _results() -> tuple[SearchResults, int]:
    cap = current_app.config["EXPORT_CAP"]
    return run_search(request.args, snippets=False, check=lambda: deadline.check("The export"),
                      page=1, per_page=cap), cap


FILTERS = (*FILTER_PARAMS, "year_from", "year_to")  # what narrows the result set


def filter_pairs() -> list[tuple[str, str]]:
    """The filters of this export (facets and the year range), as given."""
    return [(n, v) for n, v in shaping(request.args, query=False) if n in FILTERS]


def search_url() -> str:
    """The results page of this export's search (every shaping parameter), absolute."""
    return absolute(UrlState(shaping(request.args), root=request.script_root).url("/search"))


def rows(results: SearchResults, cap: int) -> tuple[list[dict], bool]:
    """One row per passage, at most `cap`, and whether the result set was cut short."""
    out, reports = [], {}
    accessed, filters = datetime.now(timezone.utc).date(), as_text(filter_pairs())
    parameters = as_text(shaping(request.args))
    for number, hit in enumerate(results.hits):
        if number % 64 == 0:
            deadline.check("The export")
        if hit.report_id not in reports:
            reports[hit.report_id] = _report_columns(hit.report_id, accessed)
        columns, pages, link, cite, paged = reports[hit.report_id]
        for passage in hit.passages:
            passage_link = at_passage(link, passage.passage_id, paged)
            page = pages.get(passage.passage_id)
            out.append(_printable({
                "authority": hit.authority, "la_urn": hit.la_urn or "",
                "region": hit.region or "", "inspection_type": hit.inspection_type,
                "inspection_type_label": hit.inspection_type_label, "date": hit.date or "",
                "date_kind": hit.date_kind or "", "year": hit.year, "section": hit.section, "heading": hit.heading,
                "text": passage.text, "permalink": passage_link,
                "report_id": hit.report_id, "passage_id": passage.passage_id,
                **{name: hit.facets.get(name, "") for name in FACET_COLUMNS},
                "title": hit.title, **columns, "page": page or "", "citation": cite(passage_link, page),
                "query": results.query, "filters": filters, "parameters": parameters,
            }))
            if len(out) > cap:
                return out[:cap], True
    return out, len(results.hits) < results.total


def _report_columns(report_id: str, accessed) -> tuple[dict, dict, str, object, bool]:
    """What every row of one report shares: (its report columns, passage_id -> page,
    its permalink, its citer, whether it has several pages), worked out once per report."""
    record = get_index().record(report_id)
    columns = {"published": record.get("published") or "",
               "inspection_start": record.get("inspection_start") or "",
               "inspection_end": record.get("inspection_end") or "",
               "authority_key": record.get("authority_key", ""),
               "original_url": original_url(record) or ""}
    return (columns, passage_pages(record), permalink(report_id), citer(record, accessed),
            paginated(record))


def _headers(results: SearchResults, table: list, truncated: bool, cap: int,
             extension: str) -> dict:
    return {
        "X-Export-Cap": str(cap),
        "X-Export-Total": str(results.total),
        "X-Export-Rows": str(len(table)),
        "X-Export-Truncated": "true" if truncated else "false",
        "Content-Disposition": f'attachment; filename="ofsted-search.{extension}"',
    }


def _printable(row: dict) -> dict:
    """The row with every text printable() (what an index built before it may hold)."""
    return {name: printable(value) if isinstance(value, str) else value
            for name, value in row.items()}


def _cell(value) -> str:
    """A CSV cell: no formula a spreadsheet would run, at most CELL_MAX characters."""
    text = str(value)
    if len(text) > CELL_MAX:
        text = text[:CELL_MAX - 1] + "…"
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_chunks(table: list[dict]):
    """The CSV, ROWS_A_CHUNK rows at a time."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for start in range(0, len(table), ROWS_A_CHUNK):
        writer.writerows({k: _cell(v) for k, v in row.items()}
                         for row in table[start:start + ROWS_A_CHUNK])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


@bp.get("/export.csv")
def export_csv():
    results, cap = _results()
    table, truncated = rows(results, cap)
    return streamed(_csv_chunks(table), "text/csv",
                    _headers(results, table, truncated, cap, "csv"))


def _json_chunks(head: dict, table: list[dict], dumps):
    """One JSON object: `head`'s members, then "rows", ROWS_A_CHUNK rows at a time."""
    opening = dumps(head)
    yield opening[:-1] + (',"rows":[' if head else '"rows":[')
    for start in range(0, len(table), ROWS_A_CHUNK):
        part = ",".join(dumps(row) for row in table[start:start + ROWS_A_CHUNK])
        yield ("," if start else "") + part
    yield "]}"


@bp.get("/export.json")
def export_json():
    results, cap = _results()
    table, truncated = rows(results, cap)
    head = {
        "query": results.query,
        "filters": as_dict(filter_pairs()),
        "parameters": as_dict(shaping(request.args)), "search_url": search_url(),
        "total": results.total, "reports": results.reports,
        "exported": len(table), "cap": cap, "truncated": truncated,
        "columns": list(COLUMNS),
    }
    return streamed(_json_chunks(head, table, current_app.json.dumps), "application/json",
                    _headers(results, table, truncated, cap, "json"))


def references(kind: str):
    """One RIS or BibTeX entry per report, in result order, matching passages as notes."""
    results, cap = _results()
    table, truncated = rows(results, cap)
    grouped: dict[str, list[dict]] = {}
    for row in table:
        grouped.setdefault(row["report_id"], []).append(row)
    write = ris_entry if kind == "ris" else bib_entry
    found_by = (f"Found by the search {as_text(shaping(request.args)) or 'of every report'} "
                f"({search_url()})")
    entries = [bib_comment(found_by)] if kind == "bib" else []
    for report_id, passages in grouped.items():
        deadline.check("The export")
        notes = [{"heading": r["heading"] or r["section"], "text": r["text"],
                  "permalink": r["permalink"], "page": r["page"] or None} for r in passages]
        url = permalink(report_id)
        entries.append(printable(write(get_index().record(report_id), url, notes, found_by)))
    chunks = (("\n" if n else "") + entry for n, entry in enumerate(entries))
    return streamed(chunks, REFERENCE_TYPES[kind], _headers(results, table, truncated, cap, kind))


@bp.get("/export.ris")
def export_ris():
    return references("ris")


@bp.get("/export.bib")
def export_bib():
    return references("bib")
