"""The index build alone, without the follow-up precompute that `python -m indexer build`
runs after it (at a million passages that precompute, issue 20's, takes longer than the
index): the scale run's `--skip-followups`. Prints the build summary as JSON.

    python -m bench.scale.build_index CORPUS INDEX
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from indexer.api import build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("index")
    args = parser.parse_args(argv)
    summary = build([args.corpus], args.index)
    print(json.dumps(asdict(summary) | {"followups": "skipped"}, indent=2))
    return summary.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
