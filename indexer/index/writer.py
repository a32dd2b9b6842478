"""The one Whoosh writer class every build process uses (the parent and each parallel segment
writer, indexer.index.segments): Whoosh's SegmentWriter minus two per-posting costs that
dominate big builds, with byte-for-byte the same segment files.

- Sorted runs in batches. The posting pool spills sorted runs to disk when it passes its
  memory limit; Whoosh pickles and unpickles every posting with its own `pickle.dump` /
  `pickle.load` call (a third of a build's writer time at 10,000 passages). `_BatchedPool`
  pickles lists of `RUN_BATCH` postings instead: the same postings, merged in the same order.
- Field lengths remembered, not read back. While writing the postings Whoosh asks for every
  posting's field length, reading it from the new segment's length column (and, for a field
  without lengths, checking the disk each time). `_LengthRecorder` keeps the length byte
  each document's field got when it was written and answers exactly what the column reader
  would: the default for a field that has no length column, None for a zero byte (Whoosh's
  reader returns None there too), else `byte_to_length(byte)`.

Whoosh internals used (whoosh-reloaded 2.7.5, pinned): `SegmentWriter.pool` and
`PostingPool` (its `_write_run` / `_read_run` / `_open_run` / `_remove_run` / `add`), the
per-document writer's `start_doc` / `add_field(fieldname, fieldobj, value, length)`, and
`whoosh.codec.whoosh3`'s rule for length bytes (`length_to_byte`, only for lengths > 0).
tests/test_parallel_build.py compares a build with this writer against plain Whoosh's.
"""
from __future__ import annotations

import pickle
from itertools import islice

from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

RUN_BATCH = 10_000  # postings per pickled list in a sorted run


class Writer(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = _BatchedPool(self._tempstorage, self.newsegment,
                                 limitmb=kwargs.get("limitmb", 128))
        self.perdocwriter = _LengthRecorder(self.perdocwriter)

    def per_document_reader(self):
        return _RecordedLengths(super().per_document_reader(), self.perdocwriter.lengths)


class _BatchedPool(PostingPool):
    """Whoosh's posting pool with runs written as pickled lists of postings."""

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


class _LengthRecorder:
    """Wraps the segment's per-document writer: records each field's length byte by docnum
    (what whoosh3's writer puts in the field's length column)."""

    def __init__(self, perdocwriter):
        self._writer = perdocwriter
        self.lengths: dict[str, bytearray] = {}
        self._docnum = 0

    def start_doc(self, docnum):
        self._docnum = docnum
        return self._writer.start_doc(docnum)

    def add_field(self, fieldname, fieldobj, value, length):
        if length:
            column = self.lengths.setdefault(fieldname, bytearray())
            if len(column) <= self._docnum:
                column.extend(bytes(self._docnum + 1 - len(column)))
            column[self._docnum] = length_to_byte(length)
        return self._writer.add_field(fieldname, fieldobj, value, length)

    def __getattr__(self, name):  # everything else: the wrapped writer
        return getattr(self._writer, name)


class _RecordedLengths:
    """The new segment's per-document reader, answering doc_field_length from the record
    exactly as whoosh3's reader answers from the length column."""

    def __init__(self, reader, lengths: dict[str, bytearray]):
        self._reader, self._lengths = reader, lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        column = self._lengths.get(fieldname)
        if column is None:  # no document had a length: no length column
            return default
        lbyte = column[docnum] if docnum < len(column) else 0
        return byte_to_length(lbyte) if lbyte else None

    def __getattr__(self, name):  # everything else: the wrapped reader
        return getattr(self._reader, name)
