"""Index generations as the service serves them: `Served` hands each request a lease on
the current generation (a build's swap retires the old one; the last request using it
closes it) and `Generation.checkout()` a searcher of its own from a pool, because Whoosh
searchers seek and read shared file handles and are not thread-safe. Nothing here is
locked for the length of a search, so one slow request never blocks another.

Everything a request would read lazily from a generation's directory (schema, vocabulary)
is read when it opens: a later build prunes old generations (indexer.index.store).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from indexer.errors import IndexDamaged, IndexOutdated
from indexer.index import columns, integrity, live_stats, mapped, report_store, store
from indexer.index.integrity import Verdict
from indexer.index.facet_registry import FACETS, Known
from indexer.index.schema import make_schema
from indexer.models import REPORT_FORMAT
from indexer.search import highlight, evaluator
from indexer.search.facet_counts import Cells
from indexer.search.hybrid import Vectors, query_vector
from indexer.search.intact import OPEN_HASH_BYTES, Chooser
from indexer.index.facet_table import FacetTable
from indexer.index.postings import Postings, TermCache
from indexer.search.querying import EXACT_FIELDS, SEARCH_FIELDS
from indexer.search.ranking import RANKING, Ranking, make_weighting
from indexer.index.spelling import Speller
from indexer.search.vocabulary import default_vocabulary

OPEN_ATTEMPTS = 5  # times a request re-reads `current` when a build pruned what it named


class Served:
    """The generation served from one index directory, leased to requests."""

    def __init__(self, index_dir: str, ranking: Ranking = RANKING):
        self.index_dir = index_dir
        self.ranking = ranking
        self._lock = threading.Lock()  # guards the swap and the lease counts only
        self._generation: Generation | None = None
        self._chooser = Chooser(index_dir)  # which generation, with which parts

    @contextmanager
    def lease(self):
        with self._lock:
            generation = self._current()
            generation.users += 1
        try:
            yield generation
        finally:
            with self._lock:
                generation.users -= 1
                if generation.retired and generation.users == 0:
                    generation.close()

    def _current(self) -> Generation:
        """The served generation, opened if a build swapped it or its verdict changed
        (called under the lock): `current` when it verifies, else the newest older
        generation that does (indexer.search.intact). A build prunes old generations, so
        one named a moment ago may be gone before it is opened: then `current` is read
        again."""
        for attempt in range(OPEN_ATTEMPTS):
            named = store.served_path(self.index_dir)
            try:
                return self._open_first(named)
            except IndexDamaged:
                if attempt == OPEN_ATTEMPTS - 1 or store.served_path(self.index_dir) == named:
                    raise
        raise AssertionError("unreachable")

    def _open_first(self, current: Path) -> Generation:
        why = None
        for path, verdict in self._chooser.candidates(current):
            if self._generation is not None and self._generation.path == path \
                    and self._generation.verdict is verdict:
                return self._generation
            try:
                fresh = Generation(path, self.ranking, verdict)
            except IndexOutdated:
                raise
            except Exception as exc:  # noqa: BLE001  verified, yet Whoosh or numpy refused it
                why = f"{type(exc).__name__}: {exc}"
                self._chooser.condemn(path, verdict, why)
                continue
            old, self._generation = self._generation, fresh
            if old is not None:
                old.retired = True
                if old.users == 0:
                    old.close()
            return fresh
        raise IndexDamaged(f"the index could not be opened ({why}): rebuild it with "
                           "`python -m indexer build PATH --index DIR`")


class Generation:
    """Everything opened for one index generation. Searchers are not thread-safe (they
    seek and read shared file handles), so each request checks one out of a pool; the
    numpy term cache and the facet table are shared by all of them."""

    def __init__(self, path: Path, ranking: Ranking = RANKING, verdict: Verdict | None = None):
        self.path = path
        self.ranking = ranking  # the weights of every search of this generation
        # what was found damaged: served without those parts (indexer.search.intact)
        self.verdict = verdict or integrity.verify(path, OPEN_HASH_BYTES)
        if self.verdict.essential():
            raise IndexDamaged(f"the index is damaged ({self.verdict.reason()})")
        # no mmap: Whoosh would copy each file of a compound segment out of the mapping into
        # a private BytesIO in every searcher (hundreds of MB a worker at 100,000 passages);
        # read through the file handle instead, the pages stay shared in the OS page cache
        self.ix = FileStorage(str(path / "whoosh"), supports_mmap=False).open_index()
        self.schema = self.ix.schema  # read once: ix.schema reads the files every time
        try:
            _check_format(path, self.schema)
        except IndexOutdated:
            self.ix.close()
            raise
        self.cache = TermCache()
        self.visible: dict[tuple, np.ndarray] = {}  # hidden values -> visible mask (Answer)
        reader = self.ix.reader()
        # what deleted passages add to Whoosh's statistics, taken out (one copy, shared)
        self.corrections = live_stats.Corrections(live_stats.Deletions.read(path), reader)
        self.searcher = live_stats.LiveSearcher(reader, self.corrections, fromindex=self.ix,
                                                weighting=make_weighting(ranking))
        self.mapped = self._mapped()  # segment id -> its memory-mapped postings
        # None: Whoosh alone (a weighting the numpy path does not reproduce)
        self.postings = Postings.open(self.searcher, self.cache, self.mapped)
        # every passage's vector, mapped (None: an index built without them: words only)
        self.vectors = Vectors.open(self.searcher.reader(), self.mapped)
        if self.vectors is not None:
            query_vector("")  # the model, loaded once per process: no query waits for it
        self.empty = self.searcher.reader().doc_count() == 0  # no live passage
        if self.postings is not None and not self.empty:
            _warm(self.searcher, self.postings, self.schema)
        self.table, self.dates = self._columns()
        self.passages = (None if self.verdict.damaged(columns.DIR)  # damaged: read stored
                         else columns.open_passages(path))  # chunk ids by docnum
        # every document's cell (facet values, report, liveness): indexer.search.facet_counts
        self.cells = Cells(self.table) if self.table is not None else None
        self.reports = report_store.open_reports(path)  # shared: read through the page cache
        self.authority_labels = _authority_labels(self.reports)
        self.known = Known(self.authority_labels)
        self._vocabulary = ({} if self.verdict.damaged("vocabulary") else  # read now: may be pruned
                            store.read_json(path / "vocabulary.json", {}))
        # once per process, not per query: the social-care vocabulary and the analysis of
        # the commonest words (no query of this generation starts cold)
        default_vocabulary()
        highlight.warm(self._vocabulary)
        self._speller: Speller | None = None
        self._pool_lock = threading.Lock()
        self._free: list[Reader] = [Reader(self.searcher, self.postings)]
        self._opened: list[Reader] = list(self._free)
        self.users = 0  # requests using this generation (SearchIndex counts them)
        self.retired = False  # a newer generation is served; close when users reaches 0

    @property
    def speller(self) -> Speller:
        if self._speller is None:
            self._speller = Speller(self._vocabulary)
        return self._speller

    def _mapped(self) -> dict[str, mapped.SegmentArrays]:
        """The mapped arrays of each segment that has them (all, for a generation this
        version built), every page read once: no query of this generation starts cold."""
        found = {}
        for leaf, _ in self.searcher.reader().leaf_readers():
            segid = mapped.segment_id(leaf)
            arrays = mapped.SegmentArrays.open(
                self.path, segid, self.verdict.damaged(f"{mapped.DIR}/{segid}")) if segid else None
            if arrays is not None:
                arrays.touch()
                found[segid] = arrays
        return found

    def _columns(self) -> tuple[FacetTable | None, np.ndarray]:
        """The facet table and sort dates: memory-mapped files a build wrote, else read
        through Whoosh (a generation written before them). None: no document at all (a
        column reader of an index without segments raises NotImplementedError)."""
        if not self._size():
            return None, np.zeros(0, dtype=np.int64)
        found = None if self.verdict.damaged(columns.DIR) else columns.open_table(self.path)
        if found is not None:
            return found
        reader = self.searcher.reader()
        return FacetTable(reader), columns.dates_of(reader)

    def _size(self) -> int:
        return self.searcher.reader().doc_count_all()

    @contextmanager
    def checkout(self):
        """A searcher (and its numpy postings) for this thread alone, returned afterwards."""
        with self._pool_lock:
            reader = self._free.pop() if self._free else None
        if reader is None:
            try:
                searcher = live_stats.LiveSearcher(
                    self.ix.reader(), self.corrections, fromindex=self.ix,
                    weighting=make_weighting(self.ranking))
            except (OSError, EmptyIndexError) as exc:  # a build pruned this generation
                raise Vanished(str(exc)) from exc
            postings = None if self.postings is None else Postings.open(
                searcher, self.cache, self.mapped)
            reader = Reader(searcher, postings)
            with self._pool_lock:
                self._opened.append(reader)
        try:
            yield reader
        finally:
            with self._pool_lock:
                self._free.append(reader)

    def close(self) -> None:
        with self._pool_lock:
            for reader in self._opened:
                reader.searcher.close()
            self._opened, self._free = [], []
        self.ix.close()
        self.reports.close()


def _warm(searcher, postings: Postings, schema) -> None:
    """Read at open what the first query would otherwise read: each segment's table of
    stored-field offsets (Whoosh reads it, for this searcher, the first time one of the
    segment's documents is shown) and BM25's length part of every field a query searches
    (evaluator.length_part: 8 MB a field at a million passages, shared by the searchers)."""
    for leaf, offset in searcher.reader().leaf_readers():
        if leaf.doc_count_all():
            searcher.stored_fields(offset)
    for field in SEARCH_FIELDS + tuple(EXACT_FIELDS):
        if field in schema and schema[field].scorable:
            evaluator.length_part(postings, searcher.weighting, field)


def _authority_labels(reports) -> dict[str, str]:
    """authority key -> its name as printed, over every report."""
    keys, labels = reports.column("authority_key"), reports.column("authority_label")
    return {keys[rid]: labels[rid] for rid in keys}


def _check_format(path: Path, schema) -> None:
    """Serve a generation this version can read: reports stored in this format or an older
    one (Report.from_dict reads them tolerantly) and every field search relies on. A facet
    field may be missing (indexer.index.facet_table counts nothing for it)."""
    found = store.read_format(path).get("report_format")
    wanted = set(make_schema().names()) - {f.field for f in FACETS}
    missing = sorted(wanted - set(schema.names()))
    if not isinstance(found, int) or found > REPORT_FORMAT or missing:
        why = (f"it lacks the fields {', '.join(missing)}" if missing
               else f"it stores reports in format {found}; this version reads up to "
                    f"{REPORT_FORMAT}")
        # no path in the message: it reaches web pages (the CLI names the index itself)
        raise IndexOutdated(f"the index was written by another version of this program "
                            f"({why}): rebuild it with `python -m indexer build PATH "
                            f"--index DIR`")


class Vanished(Exception):
    """The generation's files were removed (pruned by a build) before they were opened."""


class Reader:
    def __init__(self, searcher, postings):
        self.searcher, self.postings = searcher, postings
