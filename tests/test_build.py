"""Builds: incremental by content hash, bad files skipped with reasons, atomic swaps
that survive a killed build, and the whole real corpus."""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.index import report_store, store
from indexer.index.build import build
from indexer.models import SearchRequest
from indexer.search.service import SearchIndex

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def seed_copy(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(seeds_dir, folder)
    return folder


def total(index_dir, query, **filters) -> int:
    return SearchIndex(index_dir).search(SearchRequest(query=query, **filters)).total


def test_incremental_rebuilds(tmp_path, seed_copy):
    index_dir = tmp_path / "index"
    first = build([str(seed_copy)], str(index_dir), workers=1)
    assert (first.added, first.updated, first.removed, first.skipped) == (5, 0, 0, [])
    generation = store.current_generation(index_dir)

    again = build([str(seed_copy)], str(index_dir), workers=1)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert store.current_generation(index_dir) == generation  # nothing rewritten

    focused = next(seed_copy.glob("002_*"))
    focused.write_text(focused.read_text(encoding="utf-8").replace(
        "Senior leaders understand their service well.",
        "Senior leaders understand their service thoroughly."), encoding="utf-8")
    changed = build([str(seed_copy)], str(index_dir), workers=1)
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (0, 1, 0, 4)
    assert total(index_dir, '"understand their service thoroughly"') == 1
    assert total(index_dir, '"understand their service well"') == 0
    assert changed.chunks == first.chunks

    next(seed_copy.glob("003_*")).unlink()
    removed = build([str(seed_copy)], str(index_dir), workers=1)
    assert (removed.added, removed.updated, removed.removed, removed.reports) == (0, 0, 1, 4)
    assert total(index_dir, "Staffordshire") == 0
    assert total(index_dir, "Durham") > 0


def test_a_copied_file_is_skipped_as_a_duplicate(tmp_path, seed_copy):
    original = next(seed_copy.glob("002_*"))
    shutil.copy(original, seed_copy / "zz-copy.txt")
    summary = build([str(seed_copy)], str(tmp_path / "index"), workers=1)
    assert summary.reports == 5
    assert summary.skipped == [{"path": str(seed_copy / "zz-copy.txt"),
                                "reason": f"same content as {original}"}]


def test_a_parser_change_rebuilds_everything(tmp_path, seed_copy):
    index_dir = tmp_path / "index"
    build([str(seed_copy)], str(index_dir), workers=1)
    generation = store.current_generation(index_dir)
    store.write_json(generation / "format.json", "an older parser")
    (seed_copy / next(seed_copy.glob("003_*")).name).unlink()
    summary = build([str(seed_copy)], str(index_dir), workers=1)
    assert summary.full_rebuild and summary.added == 4 and summary.removed == 1
    assert summary.reports == 4 and store.current_generation(index_dir) != generation
    assert build([str(seed_copy)], str(index_dir), workers=1).full_rebuild is None


def test_bad_files_are_skipped_with_reasons(tmp_path, seed_copy, corpus_dir):
    (seed_copy / "empty.txt").write_bytes(b"")
    (seed_copy / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (seed_copy / "random.pdf").write_bytes(os.urandom(4096))
    real_pdf = next((corpus_dir / "d2i-ofsted-focused-visits").rglob("*.pdf"))
    data = real_pdf.read_bytes()
    (seed_copy / "truncated.pdf").write_bytes(data[: len(data) // 3])
    quirk = next((corpus_dir / "jt39-ofsted-ilacs" / "quirks").rglob("*.pdf"))
    shutil.copy(quirk, seed_copy / "html-saved-as.pdf")
    (seed_copy / "notes.csv").write_text("a,b\n")
    summary = build([str(seed_copy)], str(tmp_path / "index"), workers=2)
    reasons = {Path(s["path"]).name: s["reason"] for s in summary.skipped}
    assert summary.added == 5 and summary.reports == 5
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert summary.not_reports == [{"path": str(seed_copy / "html-saved-as.pdf"), "reason":
                                    "not an inspection report: an HTML page saved under a "
                                    ".pdf name ('Report not found - Find an Inspection Report"
                                    " - Ofsted') (rename it .html if it is a report)"}]
    assert summary.ignored == [{"path": str(seed_copy / "notes.csv"),
                                "reason": "unsupported file type"}]
    assert reasons["random.pdf"] == "not a PDF: no %PDF header"
    assert reasons["truncated.pdf"] == "truncated PDF: no end-of-file marker"
    assert set(reasons) == {"empty.txt", "binary.txt", "random.pdf", "truncated.pdf"}
    assert summary.exit_code == 1


def test_files_that_are_not_reports_are_listed_and_do_not_fail_the_build(tmp_path, seed_copy):
    """A README and a source note beside the reports: listed as not_reports, exit 0; the
    next build does not parse them again (nothing changed: no new generation); a report
    replaced by a note leaves the index."""
    (seed_copy / "README.md").write_text("# Sample documents\n\nFive letters, for tests.\n")
    (seed_copy / "SOURCE.md").write_text("# Source\n\nCopied from the project's seeds.\n")
    index_dir = tmp_path / "index"
    first = build([str(seed_copy)], str(index_dir), workers=1)
    assert (first.added, first.skipped, first.exit_code) == (5, [], 0)
    assert [Path(n["path"]).name for n in first.not_reports] == ["README.md", "SOURCE.md"]
    assert all(n["reason"].startswith("not an inspection report") for n in first.not_reports)
    generation = store.current_generation(index_dir)
    again = build([str(seed_copy)], str(index_dir), workers=1)
    assert (again.unchanged, again.not_reports, again.exit_code) == (5, first.not_reports, 0)
    assert store.current_generation(index_dir) == generation
    report = sorted(seed_copy.glob("0*"))[0]
    report.write_text("# Notes\n\nNothing to see here.\n")
    third = build([str(seed_copy)], str(index_dir), workers=1)
    assert (third.removed, third.reports, third.exit_code) == (1, 4, 0)
    assert str(report) in [n["path"] for n in third.not_reports]


def test_killed_build_leaves_old_index_serving(tmp_path, seeds_dir, corpus_dir):
    index_dir = tmp_path / "index"
    build([str(seeds_dir)], str(index_dir), workers=1)
    served = store.current_generation(index_dir)
    before = total(index_dir, "oversight")
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", str(corpus_dir / "d2i-ofsted-focused-visits"),
         "--index", str(index_dir)], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(index_dir.glob(".building-*")) and time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before it could be killed"
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert list(index_dir.glob(".building-*")), "the kill came after the build finished"
    wait_until_lock_free(index_dir)
    assert store.current_generation(index_dir) == served
    assert total(index_dir, "oversight") == before

    summary = build([str(seeds_dir)], str(index_dir), workers=1)
    assert summary.reports == 5
    assert not list(index_dir.glob(".building-*"))


def wait_until_lock_free(index_dir: Path, seconds: float = 30.0) -> None:
    """The killed build's parse workers hold the inherited build lock until the kernel has
    torn each one down, a moment after the parent is reaped; a build started inside that
    moment is refused, rightly ("another build is running")."""
    deadline = time.monotonic() + seconds
    with open(index_dir / ".build.lock", "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                assert time.monotonic() < deadline, "the killed build's workers kept the lock"
                time.sleep(0.05)
            else:
                fcntl.flock(handle, fcntl.LOCK_UN)
                return


def test_missing_index_is_reported(tmp_path):
    from indexer.errors import IndexMissing

    with pytest.raises(IndexMissing, match="python -m indexer build"):
        SearchIndex(tmp_path / "nothing").search(SearchRequest(query="x"))


@pytest.mark.corpus
def test_whole_corpus_builds(corpus_build, corpus_dir):
    _, summary = corpus_build
    assert (summary.skipped, summary.exit_code) == ([], 0)
    others = {str(Path(n["path"]).relative_to(corpus_dir)): n["reason"]
              for n in summary.not_reports}
    assert sorted(others) == [
        "QUIRKS.md", "README.md", "d2i-ofsted-area-send/SOURCE.md",
        "d2i-ofsted-focused-visits/SOURCE.md", "d2i-ofsted-jtai/SOURCE.md",
        "jt39-ofsted-ilacs/SOURCE.md",
        "jt39-ofsted-ilacs/quirks/80429_birmingham/children's services inspection - "
        "19 october 2012.pdf", "maysont-la-outcomes-2023/SOURCE.md"]
    assert all(r.startswith("not an inspection report") for r in others.values())
    assert summary.reports == 235
    assert summary.pages > 2500
    assert summary.chunks > 15000


def test_an_update_shares_segments_and_updates_the_vocabulary_exactly(tmp_path, seed_copy):
    """An incremental build hard-links the previous generation's segment files (the previous
    generation still answers as before) and updates the vocabulary from the passages removed
    and added: the same vocabulary.json, in the same order, as a build from scratch."""
    index_dir, seeds = tmp_path / "index", sorted(seed_copy.iterdir())
    held = tmp_path / "held"
    held.mkdir()
    for path in seeds[3:]:
        shutil.move(path, held / path.name)
    build([str(seed_copy)], str(index_dir), workers=2)
    before = store.current_generation(index_dir)
    old_total = total(index_dir, "children")
    for path in held.iterdir():
        shutil.move(path, seed_copy / path.name)
    seeds[0].write_text(seeds[0].read_text(encoding="utf-8") + "\nA note on zyxwords.\n",
                        encoding="utf-8")
    seeds[1].unlink()
    updated = build([str(seed_copy)], str(index_dir), workers=2)
    assert (updated.added, updated.updated, updated.removed) == (2, 1, 1)
    after = store.current_generation(index_dir)
    shared = {p.name for p in (before / "whoosh").glob("*.seg")} & \
        {p.name for p in (after / "whoosh").glob("*.seg")}
    assert shared and all(os.path.samefile(before / "whoosh" / name, after / "whoosh" / name)
                          for name in shared)
    from whoosh import index as whoosh_index
    with whoosh_index.open_dir(str(before / "whoosh")).searcher() as old:
        assert old.doc_count() == sum(len(s["passages"]) for r in report_store.load(
            before).values() for s in r["sections"])
    assert total(index_dir, "children") != old_total

    fresh = build([str(seed_copy)], str(tmp_path / "fresh"), workers=1)
    vocabulary = store.read_json(after / "vocabulary.json", {})
    expected = store.read_json(store.current_generation(fresh.index) / "vocabulary.json", {})
    assert vocabulary["zyxwords"] == 1
    assert list(vocabulary.items()) == list(expected.items())
