"""What one search request matched in one generation (`Matches`): made by
indexer.search.answer, read by the service and by the answers that aggregate matches
(indexer.answers.trends, feeds)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from indexer.index.facet_table import FacetTable
from indexer.models import SearchRequest
from indexer.search.facet_counts import Selection
from indexer.search.fused import Fused
from indexer.search.querying import QueryPlan


@dataclass
class Matches:
    """What a request matched in one generation: the query's matches under the filters
    (indexer.search.facet_counts), also as passage masks for pages that aggregate matches
    (indexer.answers.trends, feeds) rather than rank them."""

    plan: QueryPlan
    selected: dict[str, list]  # facet name -> selected values
    selection: Selection  # the query's matches, counted under the filters
    scores: np.ndarray | None  # the score of each of selection.ids (None: Whoosh ranks)
    table: FacetTable
    reports: dict[str, dict]  # report_id -> stored report
    generation: str  # name of the generation directory (changes with every build)
    match: str = "all"  # "all": passages with every word; "most": most of them (relax)
    coverage: np.ndarray | None = None  # "most": the words each of selection.ids has
    request: SearchRequest | None = None  # the request as searched (normalised)
    authority_words: dict | None = None  # an authority's name read among the words
    mode: str = "words"  # "hybrid": words and meaning fused (indexer.search.hybrid)
    how: np.ndarray | None = None  # hybrid: hybrid.WORDS/MEANING/BOTH for each of selection.ids
    query_vector: np.ndarray | None = None  # hybrid: the query's vector
    fused: "Fused | None" = None  # hybrid: the candidates' scores, computed where asked
    some_words: tuple[int, int] | None = None  # hybrid, 4+ words: (needed, searched)

    @cached_property
    def positions(self) -> np.ndarray:
        """Positions in selection.ids of the final matches (every filter passed)."""
        return self.selection.final_positions()

    @property
    def final_ids(self) -> np.ndarray:
        return self.selection.ids[self.positions]

    @cached_property
    def final(self) -> np.ndarray:
        """The final matches as a mask over index documents."""
        mask = np.zeros(self.table.size, bool)
        mask[self.final_ids] = True
        return mask

    @cached_property
    def masks(self) -> dict[str, np.ndarray | None]:
        """Facet name -> its filter as a mask over index documents (None: no filter)."""
        return {name: self.table.mask_for(name, values) for name, values in self.selected.items()}
