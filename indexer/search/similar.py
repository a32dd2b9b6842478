"""'More like this': passages in other reports that say what a given passage says.

The passage's key terms (its analysed words weighted by frequency in the passage times
idf, leaving out words found in one passage only or in more than a fifth of them) become an
OR query on the text field, with the word pairs that stand together in the passage as
phrases, run with the normal scorer; the passage's own report and boilerplate are masked
out. SearchIndex.similar() turns the result into Hits with the shared words highlighted.
"""
from __future__ import annotations

from typing import Callable

from whoosh import query as wq
from whoosh.collectors import FilterCollector, WrappingCollector

from indexer.ingest.clean import MAX_PASSAGE_CHARS
from indexer.index.analysis import make_analyzer
from indexer.errors import NotFound
from indexer.search.highlight import Highlighter
from indexer.search.querying import QueryPlan
from indexer.search.ranking import idf
from indexer.domain.taxonomy import HIDDEN_BY_DEFAULT

KEY_TERMS = 12  # words taken from the passage
MAX_DF_SHARE = 0.2  # words in more passages than this share say nothing particular
MAX_SIMILAR = 50  # the most a caller can ask for
CHECK_EVERY = 256  # matches between two looks at the deadline
_ANALYZER = make_analyzer()
# Function words the index keeps (for phrases) but that say nothing about a topic, as stems.
FUNCTION_WORDS = frozenset(
    "all also been but doe did had ha how into more most much not onli other over some such "
    "than their them there these they those veri was were what when which while who whi".split())


def passage_docnum(searcher, report_id: str, passage_id: str) -> int:
    """The index document of one passage; NotFound if there is none."""
    docnum = searcher.document_number(chunk_id=f"{report_id}/{passage_id}")
    if docnum is None:
        raise NotFound(f"no passage {passage_id!r} in report {report_id!r}")
    return docnum


def weighted_terms(searcher, text: str, numterms: int = KEY_TERMS) -> list[tuple[float, str]]:
    """The passage's most telling index terms with their weights (count x idf), best first."""
    reader, total = searcher.reader(), searcher.doc_count_all()
    counts: dict[str, int] = {}
    for token in _ANALYZER(text, mode="query"):
        counts[token.text] = counts.get(token.text, 0) + 1
    weighted = []
    for term, count in counts.items():
        df = reader.doc_frequency("text", term)
        if 2 <= df <= total * MAX_DF_SHARE and not term.isdigit() and (
                term not in FUNCTION_WORDS):
            weighted.append((count * idf(df, total), term))
    return sorted(weighted, reverse=True)[:numterms]


def key_terms(searcher, text: str, numterms: int = KEY_TERMS) -> list[str]:
    """The passage's most telling index terms, best first."""
    return [term for _, term in weighted_terms(searcher, text, numterms)]


def similar_plan(searcher, docnum: int, numterms: int = KEY_TERMS) -> QueryPlan:
    """An OR query of the passage's key terms and of the key-term pairs that stand together
    in it (as phrases), and a highlighter for the terms."""
    # its opening only: a passage of an index built before passages were bounded may be
    # megabytes long (indexer.ingest.clean.MAX_PASSAGE_CHARS)
    text = searcher.stored_fields(docnum)["text"][:MAX_PASSAGE_CHARS]
    terms = key_terms(searcher, text, numterms)
    chosen = set(terms)
    sequence = [t.text for t in _ANALYZER(text, mode="query")]
    pairs = {(a, b) for a, b in zip(sequence, sequence[1:]) if a in chosen and b in chosen}
    query = wq.Or([wq.Term("text", term) for term in terms] +
                  [wq.Phrase("text", list(pair)) for pair in sorted(pairs)])
    return QueryPlan(query, "", Highlighter(terms=chosen))


class Checked(WrappingCollector):
    """A collector calling `check` (a Deadline's) every CHECK_EVERY matches it reads: it
    raises once the time is up, so the search stops mid-way."""

    def __init__(self, child, check: Callable[[], None]):
        super().__init__(child)
        self.check = check

    def matches(self):
        for n, sub_docnum in enumerate(self.child.matches()):
            if n % CHECK_EVERY == 0:
                self.check()
            yield sub_docnum


def more_like(searcher, report_id: str, passage_id: str, limit: int = 5,
              check: Callable[[], None] = lambda: None
              ) -> tuple[list[tuple[int, float]], QueryPlan]:
    """([(docnum, score)] best first, the plan used) for passages like this one in other
    reports, boilerplate excluded; `check` is called as the work goes on (a deadline's)."""
    limit = max(1, min(int(limit), MAX_SIMILAR))
    docnum = passage_docnum(searcher, report_id, passage_id)
    plan = similar_plan(searcher, docnum)
    check()
    if not plan.query.subqueries:
        return [], plan
    mask = wq.Or([wq.Term("report_id", report_id)] +
                 [wq.Term("section", key) for key in sorted(HIDDEN_BY_DEFAULT)])
    # the mask's filter outside, as searcher.collector(mask=...) puts it
    collector = FilterCollector(Checked(searcher.collector(limit=limit), check), None, mask)
    searcher.search_with_collector(plan.query, collector)
    return [(hit.docnum, float(hit.score)) for hit in collector.results()], plan
