"""Every shared fixture: the real seeds, the real corpus beside the checkout, real indexes
built from them in temporary directories (once per test session), the web app over the
seed index (Flask's test client), the app served on 127.0.0.1 and Debian's Chromium.
Helpers that are not fixtures: tests/pages.py (HTML), tests/browsers.py (Chromium).

Markers (pyproject.toml): a test that uses a corpus fixture (CORPUS_FIXTURES) is marked
`corpus` automatically, and a test marked `corpus` that uses none gets a warning saying
so (and the corpus_dir fixture, so it skips without the corpus): the marker follows
what the test reads, both ways; the same holds for `browser` (BROWSER_FIXTURES). `slow`
marks the SciFact build. The fast loop: pytest -m "not corpus and not browser and not slow".

Every request of a test comes from one address (127.0.0.1) and many tests export again and
again, so the limits on costly requests (webui/costly.py) would refuse them after a few
seconds of work: the environment switches them off (OFSTED_COSTLY_SHARE=0) for every app
and server a test starts, unless the test sets them itself (tests/test_costly.py does, and
checks that they are on by default).
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from browsers import ARGS, CHROMIUM, Server
from indexer.index.build import build
from indexer.ingest.readers.pdf import read_pdf
from pages import SCRIPT_LETTER
from webui import create_app

CORPUS_FIXTURES = ("corpus_dir", "corpus_build", "corpus_documents")  # the lightest first
BROWSER_FIXTURES = ("browser",)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus"
os.environ["OFSTED_COSTLY_SHARE"] = "0"  # see above


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
def incremental_index(tmp_path_factory, seeds_dir):
    """Built in three steps (so several segments and deleted documents): two seeds, then all
    five, then one changed."""
    root = tmp_path_factory.mktemp("incremental")
    docs, index_dir = root / "docs", root / "index"
    docs.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    for path in seeds[:2]:
        shutil.copy(path, docs)
    build([str(docs)], str(index_dir), workers=1)
    for path in seeds[2:]:
        shutil.copy(path, docs)
    build([str(docs)], str(index_dir), workers=1)
    changed = docs / seeds[0].name
    changed.write_text(changed.read_text() + "\nA closing note about care leavers.\n")
    build([str(docs)], str(index_dir), workers=1)
    return index_dir


@pytest.fixture(scope="session")
def script_index(tmp_path_factory) -> Path:
    """An index of one small letter whose text holds a <script> tag."""
    root = tmp_path_factory.mktemp("script_index")
    (root / "letters").mkdir()
    (root / "letters" / "exampleshire-focused-visit.txt").write_text(SCRIPT_LETTER,
                                                                     encoding="utf-8")
    build([str(root / "letters")], str(root / "index"), workers=1)
    return root / "index"


@pytest.fixture(scope="session")
def app(seed_index):
    return create_app({"OFSTED_INDEX": str(seed_index), "TESTING": True})


@pytest.fixture(scope="session")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def script_client(script_index):
    return create_app({"OFSTED_INDEX": str(script_index), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def missing_client(tmp_path_factory):
    empty = tmp_path_factory.mktemp("no-index")
    return create_app({"OFSTED_INDEX": str(empty), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def server(seed_index):
    """The app over the seed index on 127.0.0.1 (its URL)."""
    running = Server(create_app({"OFSTED_INDEX": str(seed_index)}))
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


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


def _check_marker(item, marker: str, fixtures: tuple[str, ...]) -> None:
    """A test that uses one of `fixtures` gets `marker`; a test marked without using any
    is warned about and given the first fixture, so it skips where the data is missing."""
    uses = bool(set(fixtures) & set(getattr(item, "fixturenames", ())))
    if uses and item.get_closest_marker(marker) is None:
        item.add_marker(getattr(pytest.mark, marker))
    elif not uses and item.get_closest_marker(marker) is not None:
        item.warn(pytest.PytestWarning(
            f"marked {marker} but uses none of {', '.join(fixtures)}: use the fixture, or drop "
            f"the marker if the test does not need it"))
        item.fixturenames.append(fixtures[0])


def pytest_collection_modifyitems(config, items):
    for item in items:
        _check_marker(item, "corpus", CORPUS_FIXTURES)
        _check_marker(item, "browser", BROWSER_FIXTURES)
