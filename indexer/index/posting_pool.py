"""The posting pool of every build writer (indexer.index.writer.Writer): a segment's
postings gathered term by term as documents are added, instead of Whoosh's general external
sort of one tuple a posting.

Whoosh's `PostingPool` keeps every posting as a `(field, term, docnum, weight, value)`
tuple, sorts them all (a third of a segment writer's CPU with its spilled runs: sorting,
pickling, unpickling and a heap merge of every posting), then hands them to the codec in
(field, term, docnum) order. Documents are added in docnum order, so a term's postings
already arrive in docnum order: `add_field` appends each posting to its term's arrays
(docnums, weights, values), and `items()` yields the terms in sorted order with their
postings as they came, the very sequence Whoosh's sort gives (a field gives each term once
a document, so (field, term, docnum) never repeats and the sort has no ties). Past the
memory limit the gathered terms are written as a run, sorted by term; runs are merged by
term only, a term's postings taken from the runs in the order written (earlier runs hold
earlier documents).

`terms()` gives the same stream a term at a time (indexer.index.term_writer hands it to the
codec so). Postings added one at a time (`add`: Whoosh's own path, used when a segment is merged in)
go through Whoosh's pool as before, its sorted runs pickled `RUN_BATCH` postings to a list
(Whoosh pickles each posting with its own call); `items()` merges both sorted streams.

Whoosh internals used (whoosh-reloaded 2.7.5, pinned): `PostingPool` (its `add`, `items`,
`runs`, `current`, `fieldnames`, `cleanup`, `_new_run` / `_open_run` / `_remove_run`),
and `SegmentWriter._flush_segment` reading `pool.iter_postings()`.
tests/test_writer.py compares the segment files with Whoosh's own writer's, spilled or not.
"""
from __future__ import annotations

import pickle
from array import array
from heapq import merge
from itertools import groupby, islice
from operator import itemgetter

from whoosh.writing import PostingPool

RUN_BATCH = 10_000  # postings per pickled list in a sorted run of single postings
RUN_TERMS = 4096  # terms per pickled list in a run
POSTING_BYTES = 60  # memory of one gathered posting besides its value's bytes
TERM_BYTES = 400  # memory of one term's arrays and dictionary entry
_TERM = itemgetter(0, 1)


class GatheringPool(PostingPool):
    def __init__(self, tempstore, segment, limitmb=128):
        super().__init__(tempstore, segment, limitmb=limitmb)
        self._gathered: dict[str, dict[bytes, tuple]] = {}  # field -> term -> arrays
        self._size = 0
        self._last_docnum = -1
        self.gathered_runs: list[str] = []
        self.recorder = None  # given each term's postings as items() yields them (recorded.py)

    def add_field(self, fieldname: str, docnum: int, items, boost: float) -> None:
        """One field of one document: `items` (term bytes, frequency, weight, value bytes),
        each term once, as `field.index(value)` gives them; weights times `boost`."""
        if docnum < self._last_docnum:
            raise ValueError("documents must be added in docnum order")
        self._last_docnum = docnum
        self.fieldnames.add(fieldname)
        terms = self._gathered.get(fieldname)
        if terms is None:
            terms = self._gathered[fieldname] = {}
        size, get = POSTING_BYTES * len(items), terms.get
        for tbytes, _, weight, vbytes in items:
            entry = get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("i"), array("d"), [])
                size += TERM_BYTES
            entry[0].append(docnum)
            entry[1].append(weight * boost)
            entry[2].append(vbytes)
            if vbytes:
                size += len(vbytes)
        self._size += size
        if self._size > self.limit:
            self._spill()

    def _sorted_terms(self):
        """The gathered terms in (field, term) order: (field, term, docnums, weights,
        values)."""
        for fieldname in sorted(self._gathered):
            terms = self._gathered[fieldname]
            for tbytes in sorted(terms):
                docnums, weights, values = terms[tbytes]
                yield fieldname, tbytes, docnums, weights, values

    def _spill(self) -> None:
        """The gathered terms as a run, `RUN_TERMS` terms to a pickled batch, each batch
        in columns (the terms, their sizes, every posting's docnum, weight and value laid
        end to end): one pickled object a posting, not three arrays a term."""
        path, f = self._new_run()
        try:
            terms = self._sorted_terms()
            while batch := list(islice(terms, RUN_TERMS)):
                docnums, weights, values = array("i"), array("d"), []
                for _, _, d, w, v in batch:
                    docnums.extend(d)
                    weights.extend(w)
                    values.extend(v)
                sizes = array("q", [len(e[2]) for e in batch])
                pickle.dump(([(e[0], e[1]) for e in batch], sizes.tobytes(), docnums.tobytes(),
                             weights.tobytes(), values), f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()
        self.gathered_runs.append(path)
        self._gathered, self._size = {}, 0

    def _read_gathered(self, path: str):
        """A run's terms as _sorted_terms gives them: (field, term, docnums, weights,
        values)."""
        f = self._open_run(path)
        try:
            while True:
                try:
                    names, sizes, docnums, weights, values = pickle.load(f)
                except EOFError:
                    return
                docnums, weights = _array("i", docnums), _array("d", weights)
                at = 0
                for (fieldname, tbytes), size in zip(names, _array("q", sizes)):
                    end = at + size
                    yield fieldname, tbytes, docnums[at:end], weights[at:end], values[at:end]
                    at = end
        finally:
            f.close()
            self._remove_run(path)

    def terms(self):
        """Every posting, a term at a time in (field, term) order: (field, term bytes,
        docnums, weights, values), each term once; None if some postings came one at a
        time (Whoosh's `add`: then `items()` gives them all)."""
        if self.current or self.runs:
            return None
        return self._gathered_terms()

    def _gathered_terms(self):
        sources = [self._read_gathered(path) for path in self.gathered_runs]
        self.gathered_runs = []
        sources.append(self._sorted_terms())
        terms = sources[0] if len(sources) == 1 else _joined(merge(*sources, key=_TERM))
        record = self.recorder.term if self.recorder is not None else None
        for term in terms:
            if record is not None:
                record(*term)
            yield term

    def _gathered_items(self):
        """Every gathered posting as Whoosh's tuple, in (field, term, docnum) order."""
        for fieldname, tbytes, docnums, weights, values in self._gathered_terms():
            for docnum, weight, vbytes in zip(docnums, weights, values):
                yield fieldname, tbytes, docnum, weight, vbytes

    def items(self, maxfiles=128):
        if not (self.current or self.runs):
            return self._gathered_items()
        if self.recorder is not None:
            self.recorder.complete = False  # some postings do not pass through it
        single = super().items(maxfiles)
        if not (self._gathered or self.gathered_runs):
            return single
        return merge(single, self._gathered_items())

    def _write_run(self, f, items):
        items = iter(items)
        while batch := list(islice(items, RUN_BATCH)):
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)

    def cleanup(self):
        super().cleanup()
        for path in self.gathered_runs:
            try:
                self._remove_run(path)
            except OSError:
                pass


def _array(typecode: str, raw: bytes) -> array:
    found = array(typecode)
    found.frombytes(raw)
    return found


def _joined(terms):
    """Runs' entries merged by term (ties in run order), each term's parts joined."""
    for _, parts in groupby(terms, key=_TERM):
        first = next(parts)
        rest = list(parts)
        if not rest:
            yield first
            continue
        docnums, weights, values = array("i", first[2]), array("d", first[3]), list(first[4])
        for part in rest:
            docnums.extend(part[2])
            weights.extend(part[3])
            values.extend(part[4])
        yield first[0], first[1], docnums, weights, values
