"""Steady updates (docs/decisions/0042-steady-updates.md): the merge policy's ceiling and
segment count, one-report adds, replacements and removals that score exactly as a full
build of the same files (live statistics), and optimising, on a generated corpus."""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from bench.scale import generate, same_build
from indexer.index import live_stats, merging, report_store
from indexer.index.build import build
from indexer.index.optimise import optimise
from indexer.index.store import current_generation, read_json
from indexer.search.service import SearchIndex

ROOT = Path(__file__).resolve().parents[1]


def replay(adds: int, sizes: list[int], seed: int = 7) -> tuple[list[int], list[int], int]:
    """The policy over `adds` one-report updates: the passages of old segments each one
    merged, the segment count after each, and the passages added."""
    rng, merged, counts, added = random.Random(seed), [], [], 0
    for _ in range(adds):
        new = rng.choice([38, 38, 38, 20, 60, 100, 150, 400])
        added += new
        count = merging.plan(sizes, new)
        merged.append(sum(sizes[len(sizes) - count:]) if count else 0)
        sizes = sizes[:len(sizes) - count] + [new + merged[-1]]
        counts.append(len(sizes))
    return merged, counts, added


def test_no_update_merges_more_than_the_ceiling_and_big_segments_stay():
    merged, counts, added = replay(3000, [50_000, 50_000])
    assert max(merged) <= merging.MOST
    assert max(merged) > merging.MOST // 2  # it does merge (segments grow towards the cap)
    # at most one segment per MOST / 2 passages added, plus a few young ones
    assert counts[-1] <= 2 + added / (merging.MOST / 2) + 12
    assert max(counts[:300]) <= 20
    assert merging.plan([50_000, 50_000], 38) == 0


def test_the_policy_merges_the_newest_segments_of_similar_size():
    assert merging.plan([5000, 40, 40], 40) == 0  # two: not yet
    assert merging.plan([5000, 40, 40, 40], 40) == 3
    assert merging.plan([5000, 300, 80, 40], 40) == 3
    assert merging.plan([5000, 2000, 900, 40, 40, 40], 40) == 3
    assert merging.plan([100, 100, 100], 0) == 0  # a removal only: nothing to merge into
    assert merging.plan([1000, 1000, 1000, 1000], 3000) == 3  # the ceiling: 3,000 passages


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("steady_corpus")
    generate.generate(900, out, source=None, seeds_dir=ROOT / "seeds")
    return sorted(p for p in out.iterdir() if p.suffix == ".txt")


def whoosh_segments(index: Path) -> list[tuple[int, int]]:
    ix = whoosh_index.open_dir(str(current_generation(index) / "whoosh"))
    return [(s.doc_count_all(), s.doc_count()) for s in ix._segments()]


@pytest.fixture(scope="module")
def updated(corpus, tmp_path_factory) -> tuple[Path, Path, list[list[tuple[int, int]]]]:
    """Half the files built at once, the rest added one build each, then two files changed
    and one removed: the index, its folder and its segments after each add."""
    root = tmp_path_factory.mktemp("steady")
    docs, index = root / "docs", root / "index"
    docs.mkdir()
    half = len(corpus) // 2
    for path in corpus[:half]:
        shutil.copy(path, docs)
    build([str(docs)], str(index), workers=2)
    seen = []
    for path in corpus[half:]:
        shutil.copy(path, docs)
        assert build([str(docs)], str(index), workers=2).added == 1
        seen.append(whoosh_segments(index))
    for path in (docs / corpus[1].name, docs / corpus[half + 1].name):
        path.write_text(path.read_text() + "\nA changed closing sentence on fostering.\n")
    (docs / corpus[3].name).unlink()
    summary = build([str(docs)], str(index), workers=2)
    assert (summary.updated, summary.removed) == (2, 1)
    return index, docs, seen


@pytest.fixture(scope="module")
def changed(corpus, tmp_path_factory) -> tuple[Path, Path]:
    """Half the files built at once, then one of them changed and one removed: the old
    passages stay, deleted, in the full build's segments (too big to merge)."""
    root = tmp_path_factory.mktemp("changed")
    docs, index = root / "docs", root / "index"
    docs.mkdir()
    for path in corpus[: len(corpus) // 2]:
        shutil.copy(path, docs)
    build([str(docs)], str(index), workers=2)
    path = docs / corpus[1].name
    path.write_text(path.read_text() + "\nA changed closing sentence on fostering.\n")
    (docs / corpus[3].name).unlink()
    summary = build([str(docs)], str(index), workers=2)
    assert (summary.updated, summary.removed) == (1, 1)
    return index, docs


def full_build(docs: Path, target: Path) -> Path:
    build([str(docs)], str(target), workers=2)
    return target


def test_adds_merge_young_segments_and_keep_the_order(updated, corpus):
    index, _, seen = updated
    assert max(len(s) for s in seen) < len(seen) // 2  # adds were merged
    assert any(len(after) < len(before) for before, after in zip(seen, seen[1:]))
    assert all(total <= merging.MOST for s in seen for total, _ in s[1:])
    # passages stand in the order their reports were added (merges keep the order):
    # the first half, the rest one by one, then the two changed ones
    generation = SearchIndex(str(index), deadline=None).generation()
    sources = [fields["source"] for _, fields in generation.searcher.reader().iter_docs()]
    half, changed = len(corpus) // 2, {corpus[1].name, corpus[len(corpus) // 2 + 1].name}
    expected = ([p.name for p in corpus[:half] if p.name not in changed | {corpus[3].name}]
                + [p.name for p in corpus[half:] if p.name not in changed] + sorted(changed))
    assert [Path(source).name for source in dict.fromkeys(sources)] == expected


def test_an_updated_index_holds_a_full_builds_reports_in_the_order_added(updated, corpus,
                                                                          tmp_path):
    """Hundreds of adds, then replacements in the base and in the delta and a removal: the
    report store (a base linked since the first build, a delta: decision 0052) holds
    exactly the full build's reports, in the order they were added."""
    index, docs, _ = updated
    generation = current_generation(index)
    assert (generation / report_store.DELTA).is_file()
    reports = report_store.load(generation)
    assert reports == report_store.load(full_build(docs, tmp_path / "full"))
    half, changed = len(corpus) // 2, {corpus[1].name, corpus[len(corpus) // 2 + 1].name}
    expected = ([p.name for p in corpus[:half] if p.name not in changed | {corpus[3].name}]
                + [p.name for p in corpus[half:] if p.name not in changed] + sorted(changed))
    assert [Path(r["source"]).name for r in reports.values()] == expected


def test_an_updated_index_scores_as_a_full_build(updated, tmp_path):
    """Adds, merges of segments holding deleted passages, replacements and a removal: the
    same chunks and exactly the same scores; the changed reports' passages come last,
    so passages of equal score may stand in another order (ties=True)."""
    index, docs, _ = updated
    found = same_build.compare(str(full_build(docs, tmp_path / "full")), str(index), ties=True)
    assert len(found) > 50
    assert {name: problem for name, problem in found.items() if problem} == {}


def test_deleted_passages_do_not_count(changed, tmp_path):
    index, docs = changed
    assert any(alive < total for total, alive in whoosh_segments(index))  # deletions kept
    recorded = read_json(current_generation(index) / live_stats.FILE, {})
    assert recorded and all(entry["docs"] > 0 for entry in recorded.values())
    found = same_build.compare(str(full_build(docs, tmp_path / "full")), str(index))
    assert {name: problem for name, problem in found.items() if problem} == {}
    # what the live statistics correct: Whoosh's own figures count the deleted passages
    generation = SearchIndex(str(index), deadline=None).generation()
    searcher, reader = generation.searcher, generation.searcher.reader()
    assert reader.doc_count_all() > searcher.doc_count()
    assert reader.doc_frequency("text", b"children") > searcher.doc_frequency("text", b"children")
    assert (reader.field_length("text") / reader.doc_count_all()
            != searcher.avg_field_length("text"))


def test_optimising_leaves_one_segment_that_answers_alike(changed, tmp_path):
    index, docs = changed
    copy = tmp_path / "copy"
    shutil.copytree(index, copy, symlinks=True)
    done = optimise(str(copy))
    assert done.segments_before == len(whoosh_segments(index)) and done.segments_after == 1
    assert whoosh_segments(copy) == [(done.passages, done.passages)]
    assert read_json(current_generation(copy) / live_stats.FILE, None) == {}
    found = same_build.compare(str(full_build(docs, tmp_path / "full")), str(copy))
    assert {name: problem for name, problem in found.items() if problem} == {}
    # and the next update goes on from the optimised index
    assert build([str(docs)], str(copy), workers=2).unchanged == len(list(docs.iterdir()))


def test_the_optimise_command(changed, tmp_path):
    index, _ = changed
    copy = tmp_path / "copy"
    shutil.copytree(index, copy, symlinks=True)
    ran = subprocess.run([sys.executable, "-m", "indexer", "optimise", "--index", str(copy)],
                         capture_output=True, text=True, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    assert f"segments {len(whoosh_segments(index))} -> 1" in ran.stdout
    missing = subprocess.run([sys.executable, "-m", "indexer", "optimise", "--index",
                              str(tmp_path / "none")], capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2 and "error:" in missing.stderr
    assert "Traceback" not in missing.stderr
