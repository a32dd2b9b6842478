"""Parallel segment writers: a build's accepted reports, split into contiguous slices of
about equal passage counts, each written as its own Whoosh segment by a worker process.

The parent lists the new segments in the TOC in slice order, so every chunk gets the global
docnum a single writer would have given it, and the term statistics BM25F reads (document
frequencies, field length totals, document count) are sums over segments: the index answers
with the same matches, scores and tie order as a single-writer build (decision 0026,
tests/test_parallel_build.py). Every segment is written by indexer.index.writer.Writer, in
whichever process, so anything that class does happens to every segment.

Whoosh internals used (whoosh-reloaded 2.7.5, pinned; `whoosh.multiproc.MpWriter` with
`multisegment=True` does the same): `SegmentWriter(_lk=False)` for a sub-writer (the parent
holds the lock), `SegmentWriter._finalize_segment()` to flush, close and assemble one
segment without a TOC, and in the parent `_merge_segments()`, `_finalize_segment()` /
`_close_segment()`, `_commit_toc()` and `_finish()`, the steps of `commit()`. All writers
share the index's `MAIN.tmp` temporary storage (run files have random names); only the
parent's `_finish()` removes it, after every sub-writer has returned.
"""
from __future__ import annotations

import gc
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from itertools import accumulate
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.index.writer import Writer

WRITER_LIMIT_MB = 256  # each writer's posting pool in memory before it spills a sorted run


def slices(weights: list[int], n: int) -> list[range]:
    """At most n contiguous, non-empty ranges covering the weights, cut where the running
    total crosses each 1/n of the whole, so every worker gets about the same work."""
    total = sum(weights)
    if not weights:
        return []
    cuts, start = [], 0
    ends = list(accumulate(weights))
    for k in range(1, n):
        target = total * k / n
        stop = next((i + 1 for i, end in enumerate(ends) if end >= target), len(weights))
        if start < stop < len(weights):
            cuts.append(range(start, stop))
            start = stop
    cuts.append(range(start, len(weights)))
    return cuts


def write_segments(whoosh_dir: str, reports: list[dict], workers: int, to_documents,
                   summarise=None, initializer=None, initargs=(), written=None,
                   recorder=None) -> tuple[list, list]:
    """Write the reports (dicts in index order) as up to `workers` new segments in the index
    at `whoosh_dir`, one process each. `to_documents(report)` yields one report's Whoosh
    documents; `summarise(reports)`, if given, is also run over each slice in its worker,
    and `written(whoosh_dir, schema, segment)` over its finished segment, after its
    writer's pool has given each term's postings to `recorder(whoosh_dir, schema,
    segment id)` (indexer.index.recorded) if given.
    Returns the Whoosh Segment objects and the summaries, in slice order.

    Each slice reaches its worker as a file of pickled reports read one at a time, so a
    worker holds one report, not its whole share, besides its writer's posting pool."""
    parts = slices([weight(r) for r in reports], workers)
    files = [_spill([reports[i] for i in part], Path(whoosh_dir).parent) for part in parts]
    # Forked workers share the parent's pages (every report dict); frozen objects are not
    # visited by the workers' garbage collector, so it does not copy those pages into each.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=max(1, len(parts)), initializer=initializer,
                                 initargs=initargs) as pool:
            futures = [pool.submit(_write_one, whoosh_dir, str(path), to_documents, summarise,
                                   written, recorder) for path in files]
            done = [future.result() for future in futures]
    finally:
        gc.unfreeze()
        for path in files:
            path.unlink(missing_ok=True)
    return [segment for segment, _ in done], [summary for _, summary in done]


def weight(report: dict) -> int:
    """A report's passages (and one for the report): the work of indexing it."""
    return 1 + sum(len(section["passages"]) for section in report["sections"])


def _spill(reports: list[dict], folder: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix="slice-", suffix=".pickle", dir=folder)
    with os.fdopen(handle, "wb") as out:
        for report in reports:
            pickle.dump(report, out, pickle.HIGHEST_PROTOCOL)
    return Path(name)


def _read(path: str):
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def _write_one(whoosh_dir: str, path: str, to_documents, summarise, written, recorder):
    """Runs in a worker: one sub-writer, one segment, no TOC."""
    ix = whoosh_index.open_dir(whoosh_dir)
    writer = Writer(ix, _lk=False, limitmb=WRITER_LIMIT_MB)
    record = writer.pool.recorder = (recorder(whoosh_dir, ix.schema,
                                              writer.newsegment.segment_id())
                                     if recorder is not None else None)
    try:
        for report in _read(path):
            for doc in to_documents(report):
                writer.add_document(**doc)
        segment = writer._finalize_segment()
        if record is not None:
            record.finish()
    except BaseException:
        writer._close_segment()
        if record is not None:
            record.abandon()
        raise
    if written is not None:
        written(whoosh_dir, ix.schema, segment)
    return segment, summarise(_read(path)) if summarise else None


def commit_with(writer, segments: list) -> None:
    """The parent's commit: its own changes (deletions, small segments merged by the default
    policy, documents it added itself) followed by the sub-writers' segments."""
    final = writer._merge_segments(None, None, None)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + list(segments))
    writer._finish()
