"""The command line shared by the tools that write a newer kind of index file into an
existing generation with the function a build calls (bench.scale.add_positions, add_pairs,
add_sketch, int8_vectors): one argument, an index directory; the tool's function gets its
current generation, and what it returns is printed as JSON; `segments` walks a generation's
segments for them."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable, Iterator

from whoosh.filedb.filestore import FileStorage

from indexer.index import mapped


def main(doc: str, write: Callable[[Path], dict], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("index", type=Path, help="an index directory (its current generation)")
    args = parser.parse_args(argv)
    print(json.dumps(write((args.index / "current").resolve())))


def segments(generation: Path) -> Iterator[tuple[object, Path]]:
    """(Whoosh leaf reader, its mapped folder) of every segment of `generation`, the index
    open for as long as the caller iterates."""
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    try:
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                yield leaf, generation / mapped.DIR / mapped.segment_id(leaf)
    finally:
        ix.close()
