"""The one Whoosh writer class every build process uses (the parent and each parallel segment
writer, indexer.index.segments): Whoosh's SegmentWriter minus two per-posting costs that
dominate big builds, with byte-for-byte the same segment files.

- Postings gathered by term, not sorted. Whoosh's pool sorts one tuple a posting (spilling
  sorted runs past its memory limit, then merging them); indexer.index.posting_pool gathers
  each term's postings as documents are added, in the order Whoosh's sort gives them.
- Deletions recorded, merges exact. `delete_document` records the segment and number of each
  passage it deletes (`deleted`, for indexer.index.live_stats); `add_reader` (merging a
  segment) gives the new segment the exact length total of the live passages it takes in,
  from the segment's total less its deleted passages' lengths (`live`), where Whoosh sums
  their lossy length bytes; a segment whose deletions are not recorded keeps Whoosh's sum.
- Field lengths remembered, not read back. While writing the postings Whoosh asks for every
  posting's field length, reading it from the new segment's length column (and, for a field
  without lengths, checking the disk each time). `_LengthRecorder` keeps the length byte
  each document's field got when it was written and answers exactly what the column reader
  would: the default for a field that has no length column, None for a zero byte (Whoosh's
  reader returns None there too), else `byte_to_length(byte)`.

Whoosh internals used (whoosh-reloaded 2.7.5, pinned): `SegmentWriter.pool` (what its
pool uses is listed in indexer.index.posting_pool), the
per-document writer's `start_doc` / `add_field(fieldname, fieldobj, value, length)`, and
`whoosh.codec.whoosh3`'s rule for length bytes (`length_to_byte`, only for lengths > 0).
tests/test_parallel_build.py compares a build with this writer against plain Whoosh's.
"""
from __future__ import annotations

from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.index import bulk_analysis, term_writer
from indexer.index.live_stats import Deletions
from indexer.index.posting_pool import GatheringPool


class Writer(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = GatheringPool(self._tempstorage, self.newsegment,
                                  limitmb=kwargs.get("limitmb", 128))
        self.perdocwriter = _LengthRecorder(self.perdocwriter)
        fields = list(self.schema.items())
        self._bulk = {name: bulk_analysis.for_field(field) for name, field in fields}
        # vectors and separate spelling words: Whoosh's add_document does those
        self._plain = any(f.vector or f.separate_spelling() for _, f in fields)
        self._last: dict[str, tuple] = {}  # field -> (its last value, that value's postings)
        self.live = Deletions()  # what the index's deleted passages add (set by a build)
        self.deleted: list[tuple[int, str]] = []  # (docnum, segment id) deleted, in order

    def delete_document(self, docnum, delete=True):
        segment, segdocnum = self._segment_and_docnum(docnum)
        if delete and not segment.is_deleted(segdocnum):
            self.deleted.append((docnum, segment.segment_id()))
        super().delete_document(docnum, delete=delete)

    def add_reader(self, reader):
        """Merge a segment: Whoosh's add_reader, with the exact live length totals."""
        totals = self.perdocwriter.field_lengths()
        before = dict(totals)
        super().add_reader(reader)
        segment = reader.segment()
        entry = self.live.known(segment.segment_id(), segment.deleted_count())
        if entry is None:
            return
        for name in self.schema.scorable_names():
            totals[name] = (before.get(name, 0) + reader.field_length(name)
                            - entry["lengths"].get(name, 0))

    def add_document(self, **fields):
        """SegmentWriter.add_document, with the text fields analysed in bulk and each
        field's postings given to the pool at once: the same postings, lengths, stored
        values and columns."""
        if self._plain:
            return super().add_document(**fields)
        self._check_state()
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, fieldnames)
        perdocwriter, docnum = self.perdocwriter, self.docnum
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is not None:
                    self._add_field(fields, fieldname, value, docboost)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_field(self, fields: dict, fieldname: str, value, docboost) -> None:
        field, length, docnum = self.schema[fieldname], 0, self.docnum
        if field.indexed:
            fieldboost = self._field_boost(fields, fieldname, docboost)
            items = self._items(fieldname, field, value)
            if field.scorable:
                length = sum(item[1] for item in items)
            if items:
                self.pool.add_field(fieldname, docnum, items, fieldboost)
        customval = fields.get("_stored_%s" % fieldname, value)
        self.perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                    length)
        column = field.column_type
        if column and customval is not None:
            self.perdocwriter.add_column_value(fieldname, column,
                                               field.to_column_value(customval))

    def _items(self, fieldname: str, field, value) -> list[tuple]:
        """(term bytes, frequency, weight, value bytes) of a field's value, in bulk when the
        field has a bulk chain (the positions of each such field's last value are remembered:
        a report's title and a section's heading repeat on every chunk)."""
        chain = self._bulk[fieldname] if isinstance(value, str) else None
        if chain is None:
            items = list(field.index(value))
            if len({item[0] for item in items}) != len(items):  # the pool's premise
                raise ValueError(f"field {fieldname!r} gave a term twice for one document")
            return items
        last = self._last.get(fieldname)
        if last is None or last[0] != value:
            last = self._last[fieldname] = (value, chain.positions(value))
        return bulk_analysis.word_values(last[1], field.format.field_boost)

    def _flush_segment(self):
        """Whoosh's flush, with the gathered postings given to the codec a term at a time
        (indexer.index.term_writer) when none came one at a time."""
        terms = self.pool.terms() if term_writer.fits(self.fieldwriter) else None
        if terms is None:
            return super()._flush_segment()
        self.perdocwriter.close()
        lengths = self.perdocwriter.lengths if self.codec.length_stats else None
        term_writer.write(self.fieldwriter, self.schema, lengths, terms)
        self.fieldwriter.close()

    def per_document_reader(self):
        return _RecordedLengths(super().per_document_reader(), self.perdocwriter.lengths)


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

    def field_lengths(self) -> dict:
        """The segment's running field-length totals (whoosh3's writer's own dict)."""
        return self._writer._fieldlengths

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
