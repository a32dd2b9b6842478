"""Shared fixtures: the real seeds, the real corpus beside the checkout, and real indexes
built from them in temporary directories (once per test session)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index.build import build

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
