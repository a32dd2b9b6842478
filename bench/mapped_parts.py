"""Benchmark: CPU seconds of writing a generation's memory-mapped files from its committed
Whoosh index, as the build's parent does it (indexer.index.mapped.write for every segment,
then indexer.index.columns.write), into a temporary folder. Since decision 0026's second
pass the parallel segment writers write their own segments' arrays, so a full build's
parent only writes the columns; this shows what that took off its serial share.

    python -m bench.mapped_parts /tmp/lead-ix100k
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


from whoosh.filedb.filestore import FileStorage

from indexer.index import columns, mapped, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", help="an index folder (its current generation is read)")
    args = parser.parse_args()
    generation = store.current_generation(args.index)
    out = Path(tempfile.mkdtemp(prefix="mapped-parts-"))
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    try:
        with ix.reader() as reader:
            segments = len(list(reader.leaf_readers()))
            started = time.process_time()
            mapped.write(out, reader, None)
            middle = time.process_time()
            columns.write(out, reader)
            done = time.process_time()
            print(f"{args.index}: {reader.doc_count_all()} documents, {segments} segments")
        print(f"mapped arrays of every segment {middle - started:6.1f} s CPU")
        print(f"columns                        {done - middle:6.1f} s CPU")
    finally:
        ix.close()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
