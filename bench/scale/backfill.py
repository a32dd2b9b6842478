"""The command line shared by the tools that write a newer kind of index file into an
existing generation with the function a build calls (bench.scale.add_positions, add_pairs,
add_sketch, int8_vectors): one argument, an index directory; the tool's function gets its
current generation, and what it returns is printed as JSON."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable


def main(doc: str, write: Callable[[Path], dict], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("index", type=Path, help="an index directory (its current generation)")
    args = parser.parse_args(argv)
    print(json.dumps(write((args.index / "current").resolve())))
