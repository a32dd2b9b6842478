"""Shared fixtures: the real seeds, the real corpus beside the checkout, and real indexes
built from them in temporary directories (once per test session).

Markers (pyproject.toml): a test that uses a corpus fixture (CORPUS_FIXTURES) is marked
`corpus` automatically, and a test marked `corpus` that uses none is a collection error,
so the marker is right both ways; the same holds for `browser` (BROWSER_FIXTURES). `slow`
marks the SciFact build. The fast loop: pytest -m "not corpus and not browser and not slow".
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from indexer.index.build import build
from indexer.ingest.readers.pdf import read_pdf

CORPUS_FIXTURES = {"corpus_dir", "corpus_build", "corpus_documents"}
BROWSER_FIXTURES = {"browser"}

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the five seed documents."""
    path = tmp_path_factory.mktemp("seed_index")
    build([str(SEEDS)], str(path), workers=1)
    return path


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory, corpus_dir):
    """The whole real corpus indexed once per session: (index path, build summary)."""
    path = tmp_path_factory.mktemp("corpus_index")
    summary = build([str(corpus_dir)], str(path), workers=2)
    return path, summary


@pytest.fixture(scope="session")
def corpus_documents(corpus_dir) -> dict:
    """Every report PDF of the corpus read once per session (both cores):
    {path relative to the corpus: RawDocument}."""
    paths = sorted(corpus_dir.glob("*/inspection_reports/**/*.pdf"))
    with ProcessPoolExecutor(max_workers=2) as pool:
        raws = list(pool.map(read_pdf, [str(p) for p in paths], chunksize=4))
    return {str(p.relative_to(corpus_dir)): raw for p, raw in zip(paths, raws)}


def _check_marker(item, marker: str, fixtures: set[str], wrong: list[str]) -> None:
    uses = bool(fixtures & set(getattr(item, "fixturenames", ())))
    if uses and item.get_closest_marker(marker) is None:
        item.add_marker(getattr(pytest.mark, marker))
    elif not uses and item.get_closest_marker(marker) is not None:
        wrong.append(f"{item.nodeid} is marked {marker} but uses none of {sorted(fixtures)}")


def pytest_collection_modifyitems(config, items):
    wrong: list[str] = []
    for item in items:
        _check_marker(item, "corpus", CORPUS_FIXTURES, wrong)
        _check_marker(item, "browser", BROWSER_FIXTURES, wrong)
    if wrong:
        raise pytest.UsageError("markers disagree with fixtures:\n" + "\n".join(wrong))
