"""The Whoosh schema: one document per chunk. Each field is described once, here; the
facet fields come from the facet registry (indexer.index.facet_registry), which describes
them. The web layer takes its sort keys from SORTS.
"""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.index.analysis import make_analyzer, make_exact_analyzer
from indexer.index.facet_registry import FACETS


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
        authority_label=STORED(),  # authority as printed
        date=NUMERIC(int, stored=True, sortable=True),  # yyyymmdd of inspection start, for sorting
        source=STORED(),  # source file name
        **{f.field: _facet_field(f) for f in FACETS},  # one column per registered facet
    )


def _facet_field(facet):
    """A facet is a sortable column: an int (ranges work) or one exact keyword."""
    if facet.numeric:
        return NUMERIC(int, stored=True, sortable=True)
    return ID(stored=True, sortable=True)


SORTS = ("relevance", "newest", "oldest")
