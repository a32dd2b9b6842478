"""The indexer's one front door: everything the web UI (webui/) and the command line
(indexer/__main__.py) use, re-exported from the layer that owns it. Nothing outside
indexer/ imports any other indexer module; tests/test_layers.py enforces it with the
import-linter contracts in pyproject.toml (docs/ARCHITECTURE.md).

Layers, each importing only those below it:
domain <- (ingest | fetch) <- index <- search <- answers <- api <- (webui, indexer.__main__);
indexer.models (the data classes) and indexer.errors (named errors) sit under them all.
"""
from __future__ import annotations

from indexer.answers.authority_history import GRADES, chart_grade, history, summaries
from indexer.answers.citations import (bib_comment, bib_entry, citation, citer, original_url,
                                       passage_pages, ris_entry)
from indexer.answers.compare import MAX_SIDES, compare, sides
from indexer.answers.feeds import newest, published_ordinal
from indexer.answers.followup_store import Histories as FollowUpHistories
from indexer.answers.followup_store import precompute as precompute_followups
from indexer.answers.tracker import STANDING_LABELS, STANDINGS
from indexer.answers.tracker import answer as tracker
from indexer.answers.tracker import summary as tracker_summary
from indexer.answers.trends import (BY_VALUES, FAMILIES, YEAR_BASES, coverage_sentence,
                                    trend_answer, trends, year_basis_sentence)
from indexer.domain.authorities import REGIONS
from indexer.domain.taxonomy import HIDDEN_BY_DEFAULT, SECTION_LABELS
from indexer.fetch.cli import add_source_arguments, cmd_fetch, fetch_from_args
from indexer.fetch.cli import report as fetch_report
from indexer.errors import (BadRequest, IndexEmpty, IndexMissing, NotFound, OfstedSearchError,
                            PageTooCostly)
from indexer.index.build import PARSE_SECONDS, build
from indexer.index.integrity import check_index
from indexer.index.facet_registry import BY_NAME, FACETS, YEARS, Known, by_query_name
from indexer.index.sources import MAX_FILE_MB, shown
from indexer.ingest.clean import printable
from indexer.ingest.parse import parse_file
from indexer.models import (FacetValue, Hit, Passage, PassageHit, Report, SearchRequest,
                            SearchResults, Section, dated)
from indexer.search.highlight import Highlighter, mark, sanitise
from indexer.search.hybrid import meaning_span
from indexer.search.links import PAGE_PASSAGES, paginated, report_path
from indexer.search.query_checks import typed_filters
from indexer.search.request import (KNOWN_PARAMS, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS,
                                    ArgParams, parse_params)
from indexer.search.service import SearchIndex

__all__ = [
    # the engine, its requests and results
    "SearchIndex", "SearchRequest", "SearchResults", "Hit", "PassageHit", "FacetValue",
    "Report", "Section", "Passage", "dated", "parse_params", "ArgParams", "KNOWN_PARAMS",
    "MAX_PER_PAGE", "MAX_PAGE", "MAX_QUERY_CHARS", "typed_filters", "Highlighter", "mark", "sanitise",
    "report_path", "paginated", "PAGE_PASSAGES", "meaning_span",
    # the facet registry and what we know about Ofsted
    "FACETS", "BY_NAME", "YEARS", "Known", "by_query_name", "REGIONS", "SECTION_LABELS",
    "HIDDEN_BY_DEFAULT",
    # building and parsing
    "build", "check_index", "parse_file", "shown", "MAX_FILE_MB", "PARSE_SECONDS", "printable",
    # fetching Ofsted's reports (the fetch and update commands)
    "add_source_arguments", "cmd_fetch", "fetch_from_args", "fetch_report",
    # the answers built on search
    "trends", "trend_answer", "BY_VALUES", "FAMILIES", "YEAR_BASES", "coverage_sentence",
    "year_basis_sentence", "compare", "sides", "MAX_SIDES", "summaries",
    "history", "GRADES", "chart_grade", "newest", "published_ordinal", "citation", "citer",
    "bib_entry", "bib_comment", "ris_entry", "original_url", "passage_pages",
    "FollowUpHistories", "precompute_followups", "tracker", "tracker_summary", "STANDINGS",
    "STANDING_LABELS",
    # named errors
    "OfstedSearchError", "BadRequest", "NotFound", "IndexMissing", "IndexEmpty", "PageTooCostly",
]
