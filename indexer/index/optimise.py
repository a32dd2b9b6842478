"""`python -m indexer optimise --index DIR`: every segment of the served index merged into
one, published as a new generation like a build (docs/decisions/0042-steady-updates.md).

Updates never merge big segments (indexer.index.merging), so after many adds an index has
more segments than a full build, and deleted passages stay in their segments until merged.
Optimising reads every live passage into one new segment (nothing is parsed or embedded
again: the passages' vectors are found by their text), copies the generation's other
files, writes the mapped arrays and columns of the new segment, records the checksums
(indexer.index.integrity) and swaps `current`. It
takes about a millisecond of CPU a passage (run it in a quiet hour, under `nice`), and
holds the build lock meanwhile, so builds wait for it.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.errors import BuildRefused
from indexer.index import (integrity, live_stats, merging, repair, report_store,
                           report_writer, store)
from indexer.index.fingerprint import index_format, rebuild_reason
from indexer.index.writer import Writer

# written anew, not copied
REBUILT = ("whoosh", "mapped", "columns", live_stats.FILE, integrity.FILE, report_store.FILE,
           report_store.DELTA)


@dataclass
class Optimised:
    index: str
    segments_before: int = 0
    segments_after: int = 0
    passages: int = 0
    seconds: float = 0.0


def optimise(index_dir: str) -> Optimised:
    """Merge every segment of the index's current generation into one, in a new generation.
    BuildRefused when the index must be rebuilt first (its format is not this version's)."""
    from indexer.index.build import write_mapped  # the build's last step, shared

    started, found = time.perf_counter(), Optimised(index=str(index_dir))
    store.current_generation(index_dir)  # IndexMissing before anything is created
    with store.build_lock(index_dir):
        store.remove_stale_builds(Path(index_dir))
        old = store.current_generation(index_dir)
        reason = rebuild_reason(store.read_format(old), index_format())
        if reason:
            raise BuildRefused(f"rebuild the index before optimising it: {reason}")
        building = store.new_generation(index_dir)
        try:
            store.link_tree(old / "whoosh", building / "whoosh")
            writer = Writer(whoosh_index.open_dir(str(building / "whoosh")), limitmb=256)
            writer.live = live_stats.Deletions.read(old)
            found.segments_before = len(writer.segments)
            found.passages = merging.optimise_all(writer)
            writer.commit()
            found.segments_after = 1 if found.passages else 0
            _copy_files(old, building)
            write_mapped(building, repair.Start(old), writer.live)
            integrity.record(building, integrity.known(old))
            store.publish(index_dir, building)
        except OSError as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise BuildRefused(f"the index could not be written ({exc.strerror or exc}); "
                               "the previous index is still served") from exc
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    found.seconds = round(time.perf_counter() - started, 3)
    return found


def _copy_files(old: Path, building: Path) -> None:
    """The report store as one base (the delta folded into it: decision 0052), everything
    else of the generation as it is (manifest, vocabulary, ...)."""
    if (old / report_store.DELTA).is_file():
        report_writer.fold(old / report_store.FILE, old / report_store.DELTA, building)
    else:
        shutil.copy2(old / report_store.FILE, building / report_store.FILE)
        store.fsync_file(building / report_store.FILE)
    for path in sorted(old.iterdir()):
        if path.name in REBUILT:
            continue
        if path.is_dir():
            shutil.copytree(path, building / path.name)
        else:
            shutil.copy2(path, building / path.name)
            store.fsync_file(building / path.name)
