"""Benchmark: the build's follow-up precompute: whole, for each --code checkout (before
and after a change, in one run), or per authority, embedding every passage again against
reading the vectors the build already stored.

With --code (repeatable): for each checkout, in a subprocess with the checkout first on
the path, a hard-linked copy of the index's served generation without its follow-up store
(in a temporary folder) gets the store written again by that checkout's
`followup_store.precompute`, as `python -m indexer build` does after a full build (nothing
to copy from). Prints each checkout's CPU seconds (the process's own time: other work on a
shared machine does not count), wall seconds, peak memory, authorities, and a digest of
every stored history (the JSON, without the code's signature): the same digest means the
same follow-ups, statuses and scores.

    python -m bench.followup_precompute --index /tmp/scale/ix-100000 --code /tmp/before --code .

Without --code:

For a sample of authorities (the ones with most reports first, then by name), times
`authority_history.history` both ways in this process: `embed` (the embedding model over
every later passage and recommendation, as the precompute did before) and
`followup_store.StoredVectors` (the generation's stored rows, found by text key; a text
not stored is embedded). Prints the median and total CPU seconds of each (the process's
own time: other work on a shared machine does not count), their ratio, the
texts found stored and embedded, and whether both ways gave the same follow-ups.

    python -m bench.followup_precompute --index /tmp/corpus-index --authorities 8
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from indexer.answers import authority_history
from indexer.answers.followup_store import StoredVectors
from indexer.index.embedding import embed
from indexer.search.service import SearchIndex


CHILD = r"""
import hashlib, json, resource, sqlite3, sys, time
code, index = sys.argv[1], sys.argv[2]
sys.path.insert(0, code)
import indexer
assert indexer.__file__.startswith(code), indexer.__file__
from indexer.answers.followup_store import FILE, precompute
from indexer.index import store
from indexer.search.service import SearchIndex
records = SearchIndex(index).records()
cpu, wall = time.process_time(), time.perf_counter()
counts = precompute(index, records)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
path = store.current_generation(index) / FILE
with sqlite3.connect(path) as connection:
    rows = connection.execute("SELECT key, json FROM history ORDER BY key").fetchall()
digest = hashlib.sha1()
for key, text in rows:
    digest.update(key.encode() + b"\0" + json.dumps(json.loads(text), sort_keys=True).encode())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": cpu, "wall": wall, "peak_mb": peak, "counts": counts,
                  "digest": digest.hexdigest()}))
"""


def linked_copy(index: Path, into: Path) -> Path:
    """A copy of the served generation (files hard-linked) without its follow-up store."""
    generation = (index / "current").resolve()
    target = into / generation.name
    subprocess.run(["cp", "-al", str(generation), str(target)], check=True)
    (target / "followups.sqlite").unlink(missing_ok=True)
    os.symlink(generation.name, into / "current")
    return into


def whole(index: Path, code: Path) -> dict:
    """One checkout's precompute of every authority, in a subprocess."""
    with tempfile.TemporaryDirectory(prefix="followup-precompute-") as folder:
        copy = linked_copy(index, Path(folder))
        done = subprocess.run([sys.executable, "-c", CHILD, str(code.resolve()), str(copy)],
                              cwd=code, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def compare(index: Path, codes: list[Path]) -> None:
    found = {code: whole(index, code) for code in codes}
    print(f"the whole follow-up precompute of {index} (every authority, nothing copied)")
    for code, f in found.items():
        print(f"  {str(code):<28} CPU {f['cpu']:8.1f} s, wall {f['wall']:8.1f} s, peak "
              f"{f['peak_mb']:6.0f} MB, {f['counts']['authorities']} authorities, "
              f"digest {f['digest'][:12]}")
    if len(codes) == 2:
        before, after = (found[c] for c in codes)
        print(f"  CPU before / after: {before['cpu'] / max(after['cpu'], 1e-9):.1f}x; same "
              f"histories: {before['digest'] == after['digest']}")


def shown(data: dict) -> list[tuple]:
    """Every recommendation's follow-ups (passage ids), to compare the two ways."""
    return [(rec["passage_id"], tuple(l["passage_id"] for l in rec["later"]))
            for inspection in data["inspections"] for rec in inspection["recommendations"]]


def timed(records, key: str, vectors) -> tuple[float, dict]:
    """CPU seconds of this process (a loaded machine's waits left out) and the history."""
    started = time.process_time()
    data = authority_history.history(records, key, vectors)
    return time.process_time() - started, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--authorities", type=int, default=8)
    parser.add_argument("--code", type=Path, action="append",
                        help="a checkout whose whole precompute is measured (repeatable)")
    args = parser.parse_args()
    if args.code:
        compare(Path(args.index).resolve(), args.code)
        return
    index = SearchIndex(args.index)
    records = index.records()
    groups = authority_history.by_authority(records)
    keys = sorted(groups, key=lambda k: (-len(groups[k]), k))[:args.authorities]
    stored = StoredVectors(index.generation_path())
    embed(["warm the model"])
    before, after, same = [], [], 0
    for key in keys:
        seconds, old = timed(records, key, embed)
        before.append(seconds)
        seconds, new = timed(records, key, stored)
        after.append(seconds)
        same += shown(old) == shown(new)
    print(f"{len(keys)} authorities ({sum(len(groups[k]) for k in keys)} reports) of "
          f"{len(groups)}; index {args.index}")
    for name, values in (("embedding again (before)", before), ("stored vectors (after)", after)):
        print(f"  {name:<26} median {statistics.median(values):.3f} s CPU, total {sum(values):.2f} s")
    print(f"  ratio of totals (before / after): {sum(before) / max(sum(after), 1e-9):.1f}x")
    print(f"  texts read stored {stored.stored}, embedded {stored.embedded}; same follow-ups "
          f"both ways for {same} of {len(keys)} authorities")


if __name__ == "__main__":
    main()
