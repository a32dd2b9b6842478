"""Benchmark: the steps of an incremental build whose cost grows with the index, each timed
alone on a big index without changing it (docs/decisions/0029-incremental-builds.md), so
the cost of adding one report at a scale can be predicted from an index of that scale
without building one with this code:

- `copy store`: `report_writer.Writable.copy` of the generation's store (its delta copied,
  its base linked: decision 0052), deleting one report, commit;
- `columns`: `columns.write` of the generation with every segment kept from a previous
  generation (the generation's own columns, with a `segments.json` made from its Whoosh
  table of contents when it has none): the numpy slicing and re-coding an update does;
- `manifest`: reading it (indexer.index.manifest: every row) and writing the next
  generation's with one entry changed (a copy of manifest.sqlite patched, fsync; an older
  generation's manifest.json is written whole as a new table); `manifest as json`: the
  same entries read and written whole as manifest.json (json, fsync), as before decision
  0042, for comparison in the same run;
- `vocabulary`: reading and writing it whole (json, fsync);
- `totals`: `report_store.totals` (the build summary; a report format 4 store only).

`--adds N` also replays Whoosh's merge policy (`whoosh.writing.MERGE_SMALL`, which every
commit applied before decision 0042) and ours (`indexer.index.merging.plan`) over the
index's segment sizes for N more builds that each add one report of the index's mean
size, and prints the merges each would do: how many passages each rewrites.

Each step runs `--repeat` times into a scratch folder (deleted afterwards); prints each
median and the first run (the first copy may read the store from disk). Asserts nothing.

    python -m bench.incremental_parts /tmp/scale1m/ix --repeat 3 --adds 2000
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path


from whoosh.filedb.filestore import FileStorage
from whoosh.writing import fib

from indexer.index import columns, manifest, merging, report_store, report_writer, store
from indexer.index.mapped import segment_id


def timed(step, repeat: int) -> list[float]:
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        found.append(time.perf_counter() - started)
    return found


def previous_with_segments(generation: Path, reader, scratch: Path) -> Path:
    """A stand-in previous generation: the generation's columns, with segments.json."""
    previous = scratch / "previous"
    shutil.copytree(generation / columns.DIR, previous / columns.DIR)
    segments = previous / columns.DIR / "segments.json"
    if not segments.is_file():
        segments.write_text(json.dumps([[segment_id(leaf), leaf.doc_count_all()]
                                        for leaf, _ in reader.leaf_readers()]))
    return previous


def copy_store(generation: Path, scratch: Path) -> None:
    target = scratch / "new"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    writable = report_writer.Writable.copy(target, generation)
    with sqlite3.connect(generation / report_store.FILE) as db:
        first = db.execute("SELECT report_id FROM reports LIMIT 1").fetchone()[0]
    writable.pop(first)
    writable.commit()


def write_columns(reader, previous: Path, scratch: Path) -> None:
    target = scratch / "cols"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    columns.write(target, reader, previous)


def json_round_trip(source: Path, scratch: Path) -> None:
    scratch.mkdir(exist_ok=True)
    store.write_json(scratch / source.name, store.read_json(source, {}))


def manifest_round_trip(generation: Path, scratch: Path) -> None:
    entries = manifest.read(generation)
    changed = dict(entries)
    first = next(iter(changed))
    changed[first] = {**changed[first], "sha256": "0" * 64}
    manifest.write(scratch, generation, entries, changed)


def merge_small(sizes: list[int]) -> tuple[list[int], int]:
    """whoosh.writing.MERGE_SMALL (whoosh-reloaded 2.7.5) on the sizes of the segments a
    commit finds: the segments it keeps and how many documents it merges into the new one."""
    total, merged, found = 0, [], False
    ordered = sorted(sizes)
    for i, count in enumerate(ordered):
        total += count
        merged.append(count)
        if i > 3 and total < fib(i + 5):
            found = True
            break
    if not found or len(merged) < 2:
        return sizes, 0
    return ordered[len(merged):], sum(merged)


def ours(sizes: list[int]) -> tuple[list[int], int]:
    """indexer.index.merging's rule for a commit that adds nothing more: the segments it
    keeps and how many documents it merges (the caller adds the report to them)."""
    count = merging.plan(sizes[:-1], sizes[-1])
    kept = sizes[:len(sizes) - 1 - count]
    return kept, sum(sizes[len(kept):-1])


def replay_merges(sizes: list[int], report: int, adds: int, policy=merge_small,
                  name: str = "Whoosh's MERGE_SMALL") -> None:
    merges = []
    for n in range(1, adds + 1):
        if policy is merge_small:
            kept, merged = merge_small(sizes)  # the new segment takes the merged documents
        else:
            kept, merged = policy(sizes + [report])
        sizes = kept + [report + merged]
        if merged:
            merges.append((n, merged))
    print(f"{name}: merges over {adds} adds of {report} passages: {len(merges)}; passages merged "
          f"per add on average {sum(m for _, m in merges) / adds:.0f}; the largest "
          f"{max((m for _, m in merges), default=0):,}; over 1,000 passages at adds "
          f"{[n for n, m in merges if m > 1000][:12]}; segments after {len(sizes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--adds", type=int, default=0, help="replay the merge policy")
    args = parser.parse_args()
    generation = store.current_generation(args.index)
    scratch = Path(tempfile.mkdtemp(prefix="incremental-parts-"))
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    steps = {}
    try:
        with ix.reader() as reader:
            previous = previous_with_segments(generation, reader, scratch)
            print(f"{reader.doc_count_all():,} documents, {len(reader.leaf_readers())} "
                  f"segments; reports.sqlite "
                  f"{(generation / report_store.FILE).stat().st_size / 2**20:.0f} MB", flush=True)
            steps["copy store"] = lambda: copy_store(generation, scratch)
            steps["columns"] = lambda: write_columns(reader, previous, scratch)
            steps["manifest"] = lambda: manifest_round_trip(generation, scratch)
            entries = manifest.read(generation)
            store.write_json(scratch / "manifest.json", entries)
            steps["manifest as json"] = lambda: json_round_trip(scratch / "manifest.json",
                                                                scratch / "out")
            steps["vocabulary"] = lambda: json_round_trip(generation / "vocabulary.json", scratch)
            if args.adds:
                reports = len(report_store.open_reports(generation))
                found = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
                mean = round(reader.doc_count_all() / reports)
                replay_merges(found, mean, args.adds)
                replay_merges(found, mean, args.adds, ours, "indexer.index.merging")
            if store.read_format(generation).get("report_format", 0) >= 4:
                steps["totals"] = lambda: report_store.totals(generation)
            for name, step in steps.items():
                found = timed(step, args.repeat)
                print(f"{name:12s} median {statistics.median(found):7.3f} s   "
                      f"first {found[0]:7.3f} s   runs {args.repeat}", flush=True)
    finally:
        ix.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
