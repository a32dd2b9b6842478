"""Which segments an update merges (docs/decisions/0042-steady-updates.md), and optimising.

Whoosh's default policy (`MERGE_SMALL`) merges the smallest segments into the new one by a
Fibonacci rule: cheap on average, but now and then one add rewrites tens of thousands of
passages (a minute at 1.1 ms a passage). An update here merges with a rule whose cost has a
ceiling instead:

- the segments form a stack in index order, oldest first, the update's new passages on
  top; while the segment below the top holds at most `RATIO` times the top's passages
  the old ones merged so far at most `MOST` passages, the two become one; an update
  merges only when that takes in at least `FEWEST` old segments (fewer merges, each of
  several). So the top of the stack holds segments of growing size (like a binary
  counter), every passage is rewritten a few times while its segment is young, and one
  update rewrites at most `MOST` passages of old segments;
- a segment at the bottom of that rule (a full build's, or one that reached about `MOST`)
  is never merged by an update: segments grow by about one per `MOST / 2` passages
  added, until `optimise` merges every segment into one;
- a segment whose passages are all deleted is dropped (nothing of it is read).

Only the newest segments are merged, so the index keeps its order (passages added later
come later), and the merged ones are read into the update's writer before its new
passages: the result is the order a build adding them one by one without merging gives.
"""
from __future__ import annotations

from whoosh.reading import SegmentReader

RATIO = 2  # merge the top two while the lower holds at most RATIO x the top's passages
MOST = 3000  # passages of old segments one update may rewrite (about 3.3 s of CPU)
FEWEST = 3  # old segments an update merges at once, if any


def plan(sizes: list[int], new: int, ratio: float = RATIO, most: int = MOST,
         fewest: int = FEWEST) -> int:
    """How many of the newest segments (of `sizes`, oldest first, all with live passages)
    an update adding `new` passages merges into its new segment."""
    top, merged = new, 0
    while merged < len(sizes):
        below = sizes[len(sizes) - 1 - merged]
        cost = sum(sizes[len(sizes) - 1 - merged:])
        if below > ratio * top or cost > most:
            break
        top += below
        merged += 1
    return merged if merged >= fewest else 0


def merge_newest(writer, new: int, ratio: float = RATIO, most: int = MOST) -> int:
    """Apply the rule to an open writer (whoosh.writing.SegmentWriter) before it is given
    its new documents: drop segments with no live passage, read the chosen newest ones into
    it, and leave the rest as the segments its commit keeps (no other merging). Returns the
    number of passages read from merged segments."""
    writer.segments = [s for s in writer.segments if s.doc_count() > 0]
    sizes = [s.doc_count_all() for s in writer.segments]
    count = plan(sizes, new, ratio, most)
    chosen = writer.segments[len(sizes) - count:] if count else []
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    writer.segments = writer.segments[:len(sizes) - count]
    writer.mergetype = keep_segments
    return sum(sizes[len(sizes) - count:])


def keep_segments(writer, segments):
    """A Whoosh merge policy that merges nothing (the choice was made by merge_newest)."""
    return segments


def optimise_all(writer) -> int:
    """Read every segment into an open writer (deleted passages are left out), so its
    commit leaves one segment. Returns the number of live passages."""
    total = 0
    for segment in writer.segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
            total += segment.doc_count()
        finally:
            reader.close()
    writer.segments = []
    writer.mergetype = keep_segments
    return total
