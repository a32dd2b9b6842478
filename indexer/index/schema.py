"""The Whoosh schema: one document per chunk. Each field is described once, here.

The web layer takes its allow-lists (facet fields, sort keys) from FACETS and SORTS.
"""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.index.analysis import make_analyzer, make_exact_analyzer

MAX_HIGHLIGHT_CHARS = 1_000_000  # Whoosh stops highlighting at 32,768 chars by default


def make_schema() -> Schema:
    analyzer, exact = make_analyzer(), make_exact_analyzer()
    return Schema(
        chunk_id=ID(stored=True, unique=True),  # "<report_id>/<passage_id>"
        report_id=ID(stored=True, sortable=True),  # stable slug of the report
        passage_ids=STORED(),  # the passages this chunk holds, in order
        position=NUMERIC(int, stored=True),  # order of the chunk inside its report
        text=TEXT(analyzer=analyzer, stored=True, phrase=True),  # passage text
        heading=TEXT(analyzer=analyzer, stored=True, field_boost=0.6),  # section heading as printed
        # the same passage text and heading, every word as written: "quoted phrases" search these
        exact=TEXT(analyzer=exact, phrase=True),
        exact_heading=TEXT(analyzer=exact, phrase=True, field_boost=0.6),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=0.2),  # report title
        authority=ID(stored=True, sortable=True),  # facet: normalised authority key
        authority_label=STORED(),  # authority as printed
        year=NUMERIC(int, stored=True, sortable=True),  # facet: year of the inspection
        inspection_type=ID(stored=True, sortable=True),  # facet: canonical inspection type key
        section=ID(stored=True, sortable=True),  # facet: canonical section key
        judgement=ID(stored=True, sortable=True),  # facet: overall judgement ("none" if ungraded)
        date=NUMERIC(int, stored=True, sortable=True),  # yyyymmdd of inspection start, for sorting
        source=STORED(),  # source file name
    )


# Facet name in the API -> index field, and the request parameter that filters it.
FACETS = {
    "year": "year",
    "authority": "authority",
    "inspection_type": "inspection_type",
    "section": "section",
    "judgement": "judgement",
}
SORTS = ("relevance", "newest", "oldest")
