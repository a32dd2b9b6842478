"""The tantivy baseline: the same passages and the same page of results from tantivy (Rust,
the `tantivy` package on PyPI, an optional dependency: `pip install -e '.[bench]'`),
in-process, beside SQLite FTS5 (bench/scale/sqlite_fts.py).

One search does the job our page does, as the SQLite baseline does: BM25 top 10 over
text, heading and title (boosts 1.0, 0.6, 0.2; tantivy's `en_stem` analyzer), the total
and the number of distinct reports, counts for year, authority, type and section (the
query and every *other* facet's filter, boilerplate hidden unless selected: decision
0005; facets without a filter of their own share one aggregation), and a highlighted
snippet of every hit. Queries are the set's FTS5 expressions, which tantivy's query
parser reads alike (AND, OR, NOT, quoted phrases; `word*` becomes a regex on the term).

    python -m bench.scale.tantivy_fts INDEX DIR   # build DIR from INDEX's passages, print s
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import tantivy

from bench.scale.sqlite_fts import PARAMS, docs_of

FACET_FIELDS = {"year": "year", "authority": "authority", "inspection_type": "type",
                "section": "section"}
BOOSTS = {"text": 1.0, "heading": 0.6, "title": 0.2}
HEAP_BYTES = 256_000_000
PREFIX = re.compile(r"\b(\w+)\*")


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("heading", tokenizer_name="en_stem")
    builder.add_text_field("title", tokenizer_name="en_stem")
    for name in ("report", "authority", "type", "section"):
        builder.add_text_field(name, stored=name == "report", tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True, stored=True)
    return builder.build()


def build(docs, path: Path, threads: int = 2) -> float:
    """Index (chunk document dicts) into a fresh directory; return the seconds it took
    (adding, committing, and waiting for tantivy's merges)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    index = tantivy.Index(schema(), path=str(path))
    writer = index.writer(HEAP_BYTES, threads)
    for d in docs:
        writer.add_document(tantivy.Document(
            text=d["text"], heading=d["heading"], title=d["title"], report=d["report_id"],
            authority=d["authority"], type=d["inspection_type"], section=d["section"],
            year=int(d["year"]), date=int(d["date"])))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - started


def _prefix(word: re.Match) -> str:
    """`word*` as tantivy's regex on each field's terms (its parser has no prefix)."""
    return "(" + " OR ".join(f"{field}:/{word[1].lower()}.*/^{boost}"
                             for field, boost in BOOSTS.items()) + ")"


class Baseline:
    """Answers one query (bench.scale.queries.Query) the way our search page does."""

    def __init__(self, path: Path):
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def filters(self, query) -> dict[str, list]:
        found = {facet: [] for facet in FACET_FIELDS}
        for param, facet in PARAMS.items():
            found[facet] = [int(v) if facet == "year" else v
                            for v in query.params.get(param, [])]
        for facet, values in query.fts_filters.items():
            found[facet] = list(values)
        return found

    def search(self, query) -> dict:
        selected = self.filters(query)
        text = self._text(query.fts)
        page = int(query.params.get("page", 1))
        everything = self._where(text, selected)
        total, hits = self._hits(query, everything, text, (page - 1) * 10)
        reports = self.searcher.cardinality(everything, "report")
        return {"total": total, "reports": int(reports),
                "facets": self._facets(text, selected), "hits": hits}

    def _text(self, fts: str | None) -> tantivy.Query:
        if fts is None:
            return tantivy.Query.all_query()
        return self.index.parse_query(PREFIX.sub(_prefix, fts), list(BOOSTS),
                                      field_boosts=BOOSTS, conjunction_by_default=True,
                                      allow_regexes=True)

    def _where(self, text, selected: dict, skip: str | None = None) -> tantivy.Query:
        """The query and every selected facet's filter but `skip`'s, boilerplate hidden
        unless the section filter selects it."""
        must = tantivy.Occur.Must
        parts = [(must, text)]
        for facet, values in selected.items():
            if values and facet != skip:
                parts.append((must, tantivy.Query.term_set_query(
                    self.schema, FACET_FIELDS[facet], values)))
        if "boilerplate" not in selected["section"]:
            parts.append((tantivy.Occur.MustNot, tantivy.Query.term_query(
                self.schema, "section", "boilerplate")))
        return tantivy.Query.boolean_query(parts)

    def _facets(self, text, selected: dict) -> dict:
        shared = [facet for facet in FACET_FIELDS if not selected[facet]]
        groups = [(None, shared)] + [(facet, [facet]) for facet in FACET_FIELDS
                                     if selected[facet]]
        counts = {}
        for skip, facets in groups:
            if not facets:
                continue
            found = self.searcher.aggregate(self._where(text, selected, skip), {
                facet: {"terms": {"field": FACET_FIELDS[facet], "size": 1000}}
                for facet in facets})
            for facet in facets:
                counts[facet] = {b["key"]: b["doc_count"] for b in found[facet]["buckets"]}
        return counts

    def _hits(self, query, everything, text, offset: int) -> tuple[int, list[tuple]]:
        """The total and one page of hits with their snippets."""
        sort = query.params.get("sort", "relevance")
        if query.fts is None or sort != "relevance":
            order = tantivy.Order.Asc if sort == "oldest" else tantivy.Order.Desc
            found = self.searcher.search(everything, 10, count=True, order_by_field="date",
                                         offset=offset, order=order)
        else:
            found = self.searcher.search(everything, 10, count=True, offset=offset)
        if query.fts is None:
            return found.count, [(key, self.searcher.doc(address)["text"][0][:420])
                                 for key, address in found.hits]
        snippets = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "text")
        snippets.set_max_num_chars(320)
        return found.count, [
            (key, snippets.snippet_from_doc(self.searcher.doc(address)).to_html())
            for key, address in found.hits]


if __name__ == "__main__":
    import sys

    print(round(build(docs_of(Path(sys.argv[1])), Path(sys.argv[2])), 3))
