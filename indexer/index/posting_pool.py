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

Postings added one at a time (`add`: Whoosh's own path, used when a segment is merged in)
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
from itertools import islice
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
        path, f = self._new_run()
        try:
            batch = []
            for entry in self._sorted_terms():
                batch.append(entry)
                if len(batch) == RUN_TERMS:
                    pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                    batch = []
            if batch:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()
        self.gathered_runs.append(path)
        self._gathered, self._size = {}, 0

    def _gathered_items(self):
        """Every gathered posting as Whoosh's tuple, in (field, term, docnum) order."""
        sources = [self._read_run(path) for path in self.gathered_runs]
        self.gathered_runs = []
        sources.append(self._sorted_terms())
        terms = sources[0] if len(sources) == 1 else merge(*sources, key=_TERM)  # ties: run order
        for fieldname, tbytes, docnums, weights, values in terms:
            for docnum, weight, vbytes in zip(docnums, weights, values):
                yield fieldname, tbytes, docnum, weight, vbytes

    def items(self, maxfiles=128):
        if not (self.current or self.runs):
            return self._gathered_items()
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
