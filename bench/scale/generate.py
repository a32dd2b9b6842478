"""Seeded generator of a synthetic corpus of Ofsted letters and reports at a given size.

    python -m bench.scale.generate --passages 100000 --out /tmp/scale/corpus-100000

Real sentences (bench/scale/sentences.py) are drawn into passages of about 600
characters, in documents of six inspection types (bench/scale/templates.py) for 151
authorities and the years 2009-2026. The same seed and sources give the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.scale.authorities import AUTHORITIES, printed_name
from bench.scale.sentences import load_pools
from bench.scale.templates import LAYOUTS, TYPES_BY_YEAR, Doc, render
from indexer.errors import IndexMissing
from indexer.index import report_store, store

ROOT = Path(__file__).resolve().parents[2]
SEED = 20260
SOURCE_INDEX = Path("/tmp/scale/ix_corpus")
CORPUS = ROOT.parent / "shared" / "corpus"
FIRST = ("Jane", "Ian", "Caroline", "Nick", "Sarah", "Mark", "Rachel", "Tom", "Helen",
         "David", "Louise", "Andrew", "Emma", "Peter", "Naheed", "Amanda", "Marcie", "Joy")
LAST = ("Walsh", "Young", "Stevens", "Patel", "Harrison", "Brown", "Okafor", "Taylor",
        "Lewis", "Murphy", "Clarke", "Hughes", "Khan", "Bennett", "Shaw", "Doyle", "Ward")
DAYS_ON_SITE = {"aui_cra": (1,), "focused_visit": (1,), "monitoring_visit": (1,),
                "jtai": (4,), "sif": (17, 22, 23), "ilacs": (4, 11, 11)}


def ensure_source(index_dir: Path = SOURCE_INDEX) -> Path:
    """An index of the real corpus, built once if missing (about 2 min)."""
    try:
        store.current_generation(index_dir)
    except IndexMissing:
        subprocess.run([sys.executable, "-m", "indexer", "build", str(CORPUS),
                        "--index", str(index_dir)], check=True, cwd=ROOT)
    return index_dir


class Generator:
    def __init__(self, pools: dict[str, list[str]], seed: int = SEED):
        self.pools, self.rng = pools, random.Random(seed)
        self.taken: set[tuple] = set()

    def passage(self, pool: str) -> str:
        target, words = self.rng.randint(150, 1000), []
        while sum(len(w) + 1 for w in words) < target:
            words.append(self.rng.choice(self.pools[pool]))
        return " ".join(words)

    def doc(self) -> Doc:
        rng = self.rng
        while True:
            year = rng.randint(2009, 2026)
            kinds = [(k, w) for k, first, last, w in TYPES_BY_YEAR if first <= year <= last]
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            area = rng.choice(AUTHORITIES)
            start = date(year, rng.randint(1, 11), rng.randint(1, 14))
            if (area, kind, start) not in self.taken:
                break
        self.taken.add((area, kind, start))
        end = start + timedelta(days=rng.choice(DAYS_ON_SITE[kind]))
        people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
        body = [[self.passage(part.pool) for _ in range(rng.randint(*part.passages))]
                for part in LAYOUTS[kind]]
        return Doc(kind, printed_name(area), start, end, end + timedelta(days=rng.randint(20, 40)),
                   (people[0], people[1]), f"{rng.choice(('Ms', 'Mr', 'Dr'))} {people[2]}", body)


def overheads(pools: dict[str, list[str]]) -> dict[str, int]:
    """Passages each template adds around its body (opening, closing), measured by
    parsing one rendered document of each type."""
    from indexer.ingest.parse import parse_file

    found, gen = {}, Generator(pools, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in LAYOUTS:
            while (doc := gen.doc()).type_key != kind:
                pass
            path = Path(tmp) / f"{kind}.txt"
            path.write_text(render(doc), encoding="utf-8")
            parsed = sum(len(s.passages) for s in parse_file(str(path)).sections)
            found[kind] = parsed - sum(len(b) for b in doc.body)
    return found


def generate(passages: int, out: Path, source: Path | None, seeds_dir: Path = ROOT / "seeds",
             seed: int = SEED) -> dict:
    """Write documents into `out` until about `passages` passages; return the manifest."""
    pools = load_pools(source, seeds_dir)
    extra = overheads(pools)
    out.mkdir(parents=True, exist_ok=True)
    gen, total, files = Generator(pools, seed), 0, 0
    while total < passages:
        doc = gen.doc()
        name = f"{files:05d}_{doc.type_key}_{doc.start:%Y%m%d}.txt"
        (out / name).write_text(render(doc), encoding="utf-8")
        total += extra[doc.type_key] + sum(len(b) for b in doc.body)
        files += 1
    manifest = {"seed": seed, "requested": passages, "expected_passages": total,
                "files": files, "overheads": extra,
                "source_sha256": _sha256(source) if source else None}
    (out / ".manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def _sha256(source: Path) -> str:
    """Of the source's reports as reports.json held them (the same figure for the same
    reports whichever file they are read from)."""
    reports = report_store.load(source)
    return hashlib.sha256(json.dumps(reports, ensure_ascii=False).encode()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--source", type=Path, help="an index of the real corpus (or its "
                        "reports.sqlite, or an older reports.json; default: build one in "
                        "/tmp/scale/ix_corpus)")
    args = parser.parse_args(argv)
    source = args.source or ensure_source()
    print(json.dumps(generate(args.passages, args.out, source, seed=args.seed), indent=1))


if __name__ == "__main__":
    main()
