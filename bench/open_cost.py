"""What verifying a generation costs when a server opens it: the median time to open the
served generation of an index (indexer.search.generations.Generation: Whoosh, mapped
arrays read once, columns, store, warm-up) with the verification a server does
(indexer.search.intact: sizes, digests of files up to OPEN_HASH_BYTES, JSON, .npy
headers, the store's quick_check) and without it, in the same run, and their ratio.
When the index keeps an older generation, also what a running server pays to verify the
served one after verifying that older one (an update: the files the served generation
links from it, such as the report store's base, are not checked again: indexer.search.intact)
beside a new server's verification of it.

    python -m bench.open_cost --index DIR [--repeats 5]

Asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from indexer.index import integrity, store
from indexer.search.generations import Generation
from indexer.search.intact import OPEN_HASH_BYTES, Chooser


def timed(open_one) -> float:
    started = time.perf_counter()
    generation = open_one()
    seconds = time.perf_counter() - started
    generation.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    path = store.current_generation(args.index)
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    print(f"generation {path.name}: {size / 2**20:.1f} MB")
    timed(lambda: Generation(path))  # the model and the page cache warm for both
    unverified = integrity.Verdict(path)  # no damage: what opening was before
    plain, checked, verify = [], [], []
    for _ in range(args.repeats):  # interleaved: the machine's load falls on both alike
        plain.append(timed(lambda: Generation(path, verdict=unverified)))
        checked.append(timed(lambda: Generation(path)))
        started = time.perf_counter()
        integrity.verify(path, OPEN_HASH_BYTES)
        verify.append(time.perf_counter() - started)
    before, after = statistics.median(plain), statistics.median(checked)
    print(f"open without verification: median {before * 1000:.0f} ms")
    print(f"open with verification:    median {after * 1000:.0f} ms "
          f"(verification alone {statistics.median(verify) * 1000:.0f} ms)")
    print(f"ratio: {after / before:.2f}")
    older = next(iter(store.older_generations(args.index, path)), None)
    if older is not None:
        _after_update(args.index, older, path, args.repeats)
    return 0


def _after_update(index: str, older, served, repeats: int) -> None:
    """Verifying `served` by a server that verified `older` first, and by a new server."""
    running, fresh = [], []
    for _ in range(repeats):
        chooser = Chooser(index)
        chooser.verdict(older)
        started = time.perf_counter()
        chooser.verdict(served)
        running.append(time.perf_counter() - started)
        started = time.perf_counter()
        Chooser(index).verdict(served)
        fresh.append(time.perf_counter() - started)
    linked = sum(1 for p in served.rglob("*") if p.is_file() and (older / p.relative_to(
        served)).exists() and p.samefile(older / p.relative_to(served)))
    print(f"after an update ({linked} files linked from {older.name}): verification by the "
          f"running server median {statistics.median(running) * 1000:.0f} ms, by a new server "
          f"{statistics.median(fresh) * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
