"""BM25 statistics of live passages only, so an index updated in place scores as a full
build of the same reports would (docs/decisions/0042-steady-updates.md).

Whoosh keeps a deleted passage in its segment (and in the segment's document
frequencies and field-length totals) until the segment is merged, and merging sums the
merged passages' length *bytes* (a lossy encoding) instead of their lengths. So after an
update that replaced or removed reports, idf and the average field length drifted from a
full build's. Here:

- `deletions.json` in each generation records, per segment id, what its deleted passages
  contribute: how many (`docs`), their field lengths and, per scorable field, how many of
  them hold each term. A build adds to it the passages it deletes (analysed again from the
  removed report, with the schema's own analysers) and keeps only the segments still in
  the index; a segment's record is used only while its count equals Whoosh's deleted count
  for that segment (an older generation without the file is scored as before).
- Merging (indexer.index.writer.Writer.add_reader) gives the merged segment the exact
  length total of the live passages it took in, so totals stay exact through merges.
- `LiveSearcher` answers `doc_frequency` and `avg_field_length` for live passages only,
  and the Robertson idf (indexer.search.ranking) divides by the live passage count:
  equal, for a full build (no deletions), to Whoosh's own figures.
"""
from __future__ import annotations

from pathlib import Path

from whoosh.searching import Searcher

from indexer.index import store

FILE = "deletions.json"


class Deletions:
    """What each segment's deleted passages add to Whoosh's statistics."""

    def __init__(self, segments: dict | None = None):
        # segment id -> {"docs": n, "lengths": {field: n}, "terms": {field: {term: n}}}
        self.segments = segments if segments is not None else {}

    @classmethod
    def read(cls, generation: Path | None) -> "Deletions":
        """The generation's record ({} if it has none, or one that cannot be read: then
        Whoosh's own figures count, as for a generation built before this record)."""
        try:
            found = store.read_json(generation / FILE, None) if generation is not None else None
        except (OSError, ValueError):
            found = None
        return cls(found if isinstance(found, dict) else {})

    def add(self, segid: str, document: dict, schema) -> None:
        """Count one deleted passage (its Whoosh document's fields) against its segment."""
        entry = self.segments.setdefault(segid, {"docs": 0, "lengths": {}, "terms": {}})
        entry["docs"] += 1
        for name, value in document.items():
            field = schema[name] if name in schema else None
            if value is None or field is None or not field.scorable:
                continue
            length, terms = 0, entry["terms"].setdefault(name, {})
            for tbytes, freq, _, _ in field.index(value):
                length += freq
                term = tbytes.decode("utf-8")
                terms[term] = terms.get(term, 0) + 1
            entry["lengths"][name] = entry["lengths"].get(name, 0) + length

    def known(self, segid: str, deleted: int) -> dict | None:
        """The segment's record if it accounts for exactly its `deleted` passages."""
        entry = self.segments.get(segid)
        if deleted == 0:
            return {"docs": 0, "lengths": {}, "terms": {}}
        return entry if entry is not None and entry["docs"] == deleted else None

    def write(self, generation: Path, reader) -> None:
        """Store the records of the segments `reader` (the new generation's) still has."""
        kept = {}
        for leaf, _ in reader.leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is not None and segment.segment_id() in self.segments \
                    and segment.deleted_count():
                kept[segment.segment_id()] = self.segments[segment.segment_id()]
        store.write_json(generation / FILE, kept)


class Corrections:
    """The sums over a reader's segments of what their deleted passages add."""

    def __init__(self, deletions: Deletions, reader):
        self.df: dict[tuple[str, bytes], int] = {}
        self.lengths: dict[str, int] = {}
        for leaf, _ in reader.leaf_readers() if reader is not None else ():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is None or not segment.deleted_count():
                continue
            entry = deletions.known(segment.segment_id(), segment.deleted_count())
            if entry is None:
                continue  # not recorded (an older build): Whoosh's figures as they are
            for name, count in entry["lengths"].items():
                self.lengths[name] = self.lengths.get(name, 0) + count
            for name, terms in entry["terms"].items():
                for term, count in terms.items():
                    key = (name, term.encode("utf-8"))
                    self.df[key] = self.df.get(key, 0) + count


NO_CORRECTIONS = Corrections(Deletions(), None)


class LiveSearcher(Searcher):
    """A Whoosh searcher whose term statistics count live passages only."""

    def __init__(self, reader, corrections: Corrections | None = None, **kwargs):
        # Whoosh makes one per segment (no corrections: scorers ask the top searcher)
        self.corrections = corrections or NO_CORRECTIONS
        super().__init__(reader, **kwargs)
        # Whoosh's __init__ sets doc_frequency to the reader's method on the instance
        self.doc_frequency = self.live_doc_frequency

    def live_doc_frequency(self, fieldname, text) -> int:
        found = self.ixreader.doc_frequency(fieldname, text)
        if not self.corrections.df:
            return found
        if isinstance(text, str):
            text = self.schema[fieldname].to_bytes(text)
        return found - self.corrections.df.get((fieldname, text), 0)

    def avg_field_length(self, fieldname, default=None):
        if not self.schema[fieldname].scorable:
            return default
        total = self.field_length(fieldname) - self.corrections.lengths.get(fieldname, 0)
        return total / (self.doc_count() or 1)
