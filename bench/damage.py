"""The damage matrix: one kind of damage to each kind of file of a real index generation,
and what the site, `indexer check` and the next build do about it.

    python -m bench.damage [--docs seeds] [--code OTHER_CHECKOUT ...] [--kind KIND ...]

For every kind (`KINDS`) and every checkout (this one by default; `--code` another, e.g.
`git archive COMMIT | tar -x -C /tmp/before`), in a fresh temporary folder: build the
documents twice (two generations: the served one and its predecessor), fetch the probe
pages, damage one file of the served generation, fetch them again in a new process (a
worker starting after the damage), run `python -m indexer check`, run the build again, and
fetch them once more. Prints one line per kind and checkout: the statuses before, after
the damage and after the build, check's exit code and whether it named the file, the
build's exit code and its last line of output. Asserts nothing; tests/test_integrity.py
checks the same kinds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/search?q=social+workers", "/api/search?q=care+leavers", "/authorities"]


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _scribble(path: Path) -> None:
    """Garbage over 64 bytes in the middle of the file, its size unchanged."""
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 16)


def _garbage(path: Path) -> None:
    path.write_bytes(b'{"damaged": ')


def _first(generation: Path, pattern: str) -> Path:
    found = sorted(generation.glob(pattern), key=lambda p: (-p.stat().st_size, p.name))
    if not found:
        raise FileNotFoundError(f"no {pattern} in {generation}")
    return found[0]


# kind -> (the file, as a glob inside the generation: the largest match; what is done to it)
KINDS = {
    "mapped docnums truncated": ("mapped/*/docnums.npy", _truncate),
    "mapped weights scribbled": ("mapped/*/weights.npy", _scribble),
    "vectors truncated": ("mapped/*/vectors.npy", _truncate),
    "column year truncated": ("columns/year.npy", _truncate),
    "store scribbled": ("reports.sqlite", _scribble),
    "store truncated": ("reports.sqlite", _truncate),
    "format.json garbage": ("format.json", _garbage),
    "manifest.json garbage": ("manifest.json", _garbage),
    "whoosh segment scribbled": ("whoosh/*.seg", _scribble),
    "whoosh segment truncated": ("whoosh/*.seg", _truncate),
}


def damage(generation: Path, kind: str) -> str:
    """Do one kind of damage to the served generation; the file's path inside it."""
    pattern, how = KINDS[kind]
    path = _first(generation, pattern)
    how(path)
    return path.relative_to(generation).as_posix()


PROBE = """
import sys
from webui import create_app
client = create_app({"OFSTED_INDEX": sys.argv[1], "TESTING": True}).test_client()
for page in sys.argv[2:]:
    print(client.get(page).status_code, end=" ")
"""


def probe(code: Path, index: Path) -> str:
    """The status of each probe page, fetched by a new process of that checkout ("killed
    by signal N" when the process died)."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(index), *PAGES], cwd=code,
                          capture_output=True, text=True, env=_env(code), timeout=600)
    if done.returncode < 0:
        return f"killed by signal {-done.returncode}"
    return done.stdout.strip() or f"exit {done.returncode}: {_last(done.stderr)}"


def _env(code: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(code))


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def indexer(code: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=code, env=_env(code),
                          capture_output=True, text=True, timeout=1800)


def run_kind(code: Path, docs: list[Path], kind: str, folder: Path) -> dict:
    index = folder / "index"
    work = folder / "docs"
    work.mkdir()
    for doc in docs[:-1]:
        shutil.copy(doc, work / doc.name)
    for step in (docs[:-1], docs):  # two generations: the served one and its predecessor
        shutil.copy(step[-1], work / step[-1].name)
        indexer(code, "build", str(work), "--index", str(index), "--workers", "1")
    before = probe(code, index)
    name = damage((index / "current").resolve(), kind)
    after = probe(code, index)
    check = indexer(code, "check", "--index", str(index))
    built = indexer(code, "build", str(work), "--index", str(index), "--workers", "1")
    return {"kind": kind, "file": name, "before": before, "damaged": after,
            "check": check.returncode, "named": name in check.stdout,
            "build": built.returncode, "build_says": _last(built.stderr or built.stdout),
            "rebuilt": probe(code, index)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "seeds")
    parser.add_argument("--code", type=Path, action="append")
    parser.add_argument("--kind", action="append", choices=sorted(KINDS))
    args = parser.parse_args(argv)
    docs = sorted(p for p in args.docs.iterdir() if p.is_file())
    print(f"pages: {' '.join(PAGES)}; documents: {len(docs)} from {args.docs}")
    for code in args.code or [ROOT]:
        print(f"\n== {'this checkout' if code.resolve() == ROOT else code}")
        print(f"{'kind':26} {'before':12} {'damaged':22} check  build  {'rebuilt':12} build says")
        for kind in args.kind or list(KINDS):
            with tempfile.TemporaryDirectory(prefix="damage-") as folder:
                row = run_kind(code.resolve(), docs, kind, Path(folder))
            check = f"{row['check']}{'+' if row['named'] else '-'}"
            print(f"{kind:26} {row['before']:12} {row['damaged']:22} {check:6} "
                  f"{row['build']:<6} {row['rebuilt']:12} {row['build_says']}", flush=True)
    print("\ncheck: exit code, + when it named the damaged file; statuses per page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
