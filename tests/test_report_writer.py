"""The report store a build writes (indexer/index/report_writer.py): an update links the
previous base and copies only the small delta; every sequence of adds, replacements and
removals holds exactly the reports of a build from scratch, in the order they were added;
past its share the delta is folded into a new base; optimising folds it too; nothing of a
build that stops before its commit looks like a store
(docs/decisions/0052-report-store-delta.md)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer.index import integrity, report_store, report_writer, store
from indexer.index.build import build
from indexer.index.optimise import optimise
from indexer.index.report_store import DELTA, FILE
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex


def step(docs: Path, index: Path) -> tuple[Path, dict]:
    build([str(docs)], str(index), workers=1)
    generation = store.current_generation(index)
    return generation, report_store.load(generation)


def fresh(docs: Path, where: Path) -> dict:
    build([str(docs)], str(where), workers=1)
    return report_store.load(where)


def edit(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.fixture()
def docs(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(seeds_dir, folder)
    return folder


def test_adds_replacements_and_removals_hold_a_full_builds_reports_in_order(tmp_path, docs):
    """Two seeds, then the rest one at a time into the delta; then a report of the base and
    one of the delta replaced, one of each removed: after each step the same reports as a
    build from scratch, in the order they were added, the base linked, never rewritten."""
    seeds = sorted(docs.glob("*.txt"))
    held = tmp_path / "held"
    held.mkdir()
    for path in seeds[2:]:
        shutil.move(path, held / path.name)
    index = tmp_path / "index"
    first, reports = step(docs, index)
    base = (first / FILE).stat().st_ino
    assert not (first / DELTA).exists()
    order = list(reports)
    for n, path in enumerate(seeds[2:]):
        shutil.move(held / path.name, path)
        generation, reports = step(docs, index)
        assert reports == fresh(docs, tmp_path / f"fresh-{n}")
        added = [rid for rid in reports if rid not in order]
        assert len(added) == 1 and list(reports) == order + added
        order += added
        assert (generation / FILE).stat().st_ino == base and (generation / DELTA).is_file()
    by_source = {Path(r["source"]).name: rid for rid, r in reports.items()}
    edit(seeds[0], "A replaced closing note on fostering.")  # in the base
    edit(seeds[3], "A replaced closing note on adoption.")  # in the delta
    generation, reports = step(docs, index)
    assert reports == fresh(docs, tmp_path / "fresh-replaced")
    moved = [by_source[seeds[0].name], by_source[seeds[3].name]]
    assert list(reports) == [rid for rid in order if rid not in moved] + moved
    seeds[1].unlink()  # in the base
    seeds[4].unlink()  # in the delta
    generation, reports = step(docs, index)
    assert reports == fresh(docs, tmp_path / "fresh-removed")
    gone = {by_source[seeds[1].name], by_source[seeds[4].name]}
    assert list(reports) == [rid for rid in order if rid not in moved and rid not in gone] + moved
    assert (generation / FILE).stat().st_ino == base
    shared = report_store.open_reports(generation)
    assert len(shared) == 3 and by_source[seeds[1].name] not in shared
    assert shared.get(by_source[seeds[4].name]) is None
    assert shared.metas() == [{k: v for k, v in r.items() if k != "sections"}
                              for r in reports.values()]
    for name in report_store.COLUMNS:
        assert shared.column(name) == {rid: r.get(name) if name != "authority_label" else
                                       r.get("authority_name") or r.get("authority")
                                       for rid, r in reports.items()}
    shared.close()
    assert report_store.totals(generation) == report_store.totals(
        store.current_generation(tmp_path / "fresh-removed"))


def test_the_delta_is_checksummed_and_its_damage_rebuilds_the_store(tmp_path, docs):
    seeds = sorted(docs.glob("*.txt"))
    index = tmp_path / "index"
    build([str(docs)], str(index), workers=1)
    edit(seeds[2], "One more closing line.")
    generation, reports = step(docs, index)
    recorded = integrity.recorded(generation)
    assert {FILE, DELTA} <= set(recorded)
    assert integrity.verify(generation).intact
    data = bytearray((generation / DELTA).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (generation / DELTA).write_bytes(bytes(data))
    verdict = integrity.verify(generation)
    assert [d.part for d in verdict.essential()] == ["reports"]
    summary = build([str(docs)], str(index), workers=1)
    assert summary.full_rebuild and summary.full_rebuild.startswith(
        "the index is damaged (reports-delta.sqlite: ")
    assert report_store.load(index) == fresh(docs, tmp_path / "fresh")


def test_past_its_share_the_delta_is_folded_into_a_new_base(tmp_path, docs, monkeypatch):
    index = tmp_path / "index"
    first, _ = step(docs, index)
    base = (first / FILE).stat().st_ino
    seeds = sorted(docs.glob("*.txt"))
    edit(seeds[1], "A closing line kept in the delta.")
    kept, reports = step(docs, index)
    assert (kept / DELTA).is_file() and (kept / FILE).stat().st_ino == base
    monkeypatch.setattr(report_writer, "FOLD_MIN_BYTES", 0)  # the seeds' base is tiny
    edit(seeds[2], "A closing line that folds the delta.")
    folded, reports = step(docs, index)
    assert not (folded / DELTA).exists()
    assert (folded / FILE).stat().st_ino != base
    assert reports == fresh(docs, tmp_path / "fresh")
    assert list(reports)[-2:] == [list(report_store.load(kept))[-1], list(reports)[-1]]
    assert not any(p.name.endswith(".partial") for p in folded.iterdir())
    assert integrity.verify(folded).intact


def test_the_share_counts_the_delta_and_the_bases_dropped_reports():
    mb = 1 << 20
    assert not report_writer.should_fold(1 * mb, 640 * mb, 0, 28_000)
    assert not report_writer.should_fold(39 * mb, 640 * mb, 0, 28_000)
    assert report_writer.should_fold(41 * mb, 640 * mb, 0, 28_000)
    assert report_writer.should_fold(1 * mb, 640 * mb, 28_000 // 16 + 100, 28_000)
    assert not report_writer.should_fold(7 * mb, 64 * mb, 0, 3_000)  # under FOLD_MIN_BYTES
    assert report_writer.should_fold(9 * mb, 64 * mb, 0, 3_000)


def test_optimising_folds_the_delta(tmp_path, docs):
    index = tmp_path / "index"
    build([str(docs)], str(index), workers=1)
    edit(sorted(docs.glob("*.txt"))[0], "A closing line before optimising.")
    before, reports = step(docs, index)
    assert (before / DELTA).is_file()
    optimise(str(index))
    after = store.current_generation(index)
    assert not (after / DELTA).exists()
    assert report_store.load(after) == reports and list(report_store.load(after)) == list(reports)
    assert integrity.verify(after).intact
    found = SearchIndex(index).search(parse_params(ArgParams({"q": "closing line"})))
    assert found.total > 0


def test_a_store_not_committed_does_not_look_like_one(tmp_path, docs, seed_index):
    """A build stopped before its commit (killed) leaves the delta's partial copy only:
    no generation with it is complete, and the previous generation's files are as they were."""
    previous = store.current_generation(seed_index)
    before = {p.name: p.read_bytes() for p in previous.iterdir() if p.name.startswith("reports")}
    building = store.new_generation(tmp_path / "index")
    (building / "whoosh").mkdir()
    writable = report_writer.Writable.copy(building, previous)
    first = next(iter(report_store.load(previous)))
    dropped = writable.pop(first)
    assert dropped["report_id"] == first and first not in writable
    writable[first + "-again"] = dropped
    assert len(writable) == 5 and list(writable.values())[-1]["report_id"] == first + "-again"
    assert sorted(p.name for p in building.iterdir()) == [DELTA + ".partial", "whoosh"]
    assert store.reports_file(building) is None
    writable.abandon()
    assert {p.name: p.read_bytes() for p in previous.iterdir()
            if p.name.startswith("reports")} == before


def test_the_base_is_linked_only_after_the_delta_is_flushed_and_named(tmp_path, docs,
                                                                      monkeypatch):
    """os.fsync, os.replace and os.link recorded in order (the standard library's): the
    delta is flushed before its rename, and the base (what makes the store look complete)
    is put in place after both."""
    index = tmp_path / "index"
    build([str(docs)], str(index), workers=1)
    edit(sorted(docs.glob("*.txt"))[0], "A closing line for the order of things.")
    events = []
    real = {name: getattr(os, name) for name in ("fsync", "replace", "link")}

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real["fsync"](fd)

    def replace(src, dst, **kwargs):
        events.append(("replace", str(dst)))
        return real["replace"](src, dst, **kwargs)

    def link(src, dst, **kwargs):
        events.append(("link", str(dst)))
        return real["link"](src, dst, **kwargs)

    for name, wrapper in (("fsync", fsync), ("replace", replace), ("link", link)):
        monkeypatch.setattr(os, name, wrapper)
    build([str(docs)], str(index), workers=1)
    monkeypatch.undo()
    names = [(kind, Path(path).name) for kind, path in events]
    flushed = names.index(("fsync", DELTA + ".partial"))
    named = names.index(("replace", DELTA))
    linked = names.index(("link", FILE))
    assert flushed < named < linked


@pytest.mark.corpus
def test_real_reports_added_one_at_a_time_hold_a_full_builds_reports(tmp_path, corpus_dir):
    """Real PDFs: six built at once, six more added one build each, one of the first six
    removed and one of the added ones: the store equals a build from scratch."""
    pdfs = sorted((corpus_dir / "d2i-ofsted-focused-visits").glob("inspection_reports/**/*.pdf"))
    assert len(pdfs) >= 12
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    named = [(pdf, docs / f"{n:02d}-{pdf.name}") for n, pdf in enumerate(pdfs[:12])]
    for pdf, target in named[:6]:
        shutil.copy(pdf, target)
    step(docs, index)
    for pdf, target in named[6:]:
        shutil.copy(pdf, target)
        generation, reports = step(docs, index)
    assert (generation / DELTA).is_file() and len(reports) == 12
    named[2][1].unlink()
    named[9][1].unlink()
    generation, reports = step(docs, index)
    assert len(reports) == 10
    assert reports == fresh(docs, tmp_path / "fresh")
    assert report_store.totals(generation) == report_store.totals(
        store.current_generation(tmp_path / "fresh"))
