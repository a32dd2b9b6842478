"""Common-word pairs (indexer/index/pairs.py) hold exactly the places where two common
words of a segment stand one after the other, as Whoosh's position lists give them, in
every segment of a build, an incremental build and an optimised (merged) index; quoted
phrases read through them (indexer/index/phrase_docs.py) match and score as Whoosh's own
phrase matchers do, and as the words' positions followed one by one."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from bench.scale import add_pairs, exactness
from indexer.index import integrity, mapped, pairs, phrase_docs
from indexer.index.analysis import make_exact_analyzer
from indexer.index.optimise import optimise
from indexer.search.request import ArgParams, parse_params
from indexer.search.service import SearchIndex
from tests.test_positions import _hits, _whoosh_keys

ABSENT = ['"the the the"', '"of of"', '"children children and"']
PLAIN = ["care leavers", "looked after children", "young people leaving care",
         "children in care"]  # vocabulary alternatives: unquoted phrases over `text`


def _expected(leaf, arrays) -> dict[int, list[int]]:
    """pair id -> keys (docnum << 32 | position) in live documents where its words stand
    one after the other, from Whoosh's position lists of the segment's common words."""
    common, nterms = set(arrays.pairs.words.tolist()), arrays.terms.size
    found: dict[int, list[int]] = {}
    for field in pairs.FIELDS:
        at: dict[int, list[int]] = {}  # key -> slots of the common words standing there
        for f, btext in leaf.all_terms():
            slot = arrays._slot(f, btext, leaf.doc_frequency(f, btext)) if f == field else None
            if slot in common:
                for k in _whoosh_keys(leaf, 0, f, btext).tolist():
                    at.setdefault(k, []).append(slot)
        for k, slots in at.items():
            for slot in slots:  # `text` stacks a joined compound on its first part
                for after in at.get(k + 1, []):
                    found.setdefault(slot * nterms + after, []).append(k)
    found = {p: _live(leaf, sorted(keys)) for p, keys in found.items()}
    return {p: keys for p, keys in found.items() if keys}


def _written(arrays) -> dict[int, list[int]]:
    kept, found = arrays.pairs, {}
    for index, pair in enumerate(kept.terms.tolist()):
        first, end = int(kept.starts[index]), int(kept.starts[index + 1])
        docs = np.asarray(kept.docnums[first:end])
        counts, places = kept.positions.at(index, first, docs.size, np.arange(docs.size))
        found[pair] = ((np.repeat(docs.astype(np.int64), counts) << 32) + places).tolist()
    return found


def _live(leaf, keys: list[int]) -> list[int]:
    """The keys of live documents (deleted ones stay in a segment's arrays, as in
    docnums.npy, and Whoosh's lists may leave them out)."""
    return [k for k in keys if not leaf.is_deleted(k >> 32)]


def _check(index_dir) -> int:
    """Compare every segment's pairs with Whoosh's positions; how many pairs were checked."""
    generation = SearchIndex(index_dir).generation()
    checked = 0
    for leaf, _ in generation.searcher.reader().leaf_readers():
        arrays = generation.mapped[leaf.segment().segment_id()]
        assert arrays.pairs is not None and arrays.pairs.words.size
        expected = _expected(leaf, arrays)
        written = {p: _live(leaf, keys) for p, keys in _written(arrays).items()}
        assert {p: keys for p, keys in written.items() if keys} == expected
        checked += len(expected)
    return checked


def test_every_pair_of_the_seed_index_is_where_whoosh_puts_its_words(seed_index):
    assert _check(seed_index) > 1000


def test_every_pair_of_an_incremental_index_is_where_whoosh_puts_its_words(incremental_index):
    assert len(SearchIndex(incremental_index).generation().mapped) > 1
    assert _check(incremental_index) > 100


def test_an_optimised_index_writes_the_pairs_of_its_merged_segment(incremental_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(incremental_index, copy, symlinks=True)
    assert optimise(str(copy)).segments_after == 1
    assert _check(copy) > 1000


def _phrases(index_dir, count: int = 40) -> list[str]:
    """Quoted phrases of 2-4 words standing together in the index's passages."""
    generation = SearchIndex(index_dir).generation()
    reader, analyzer = generation.searcher.reader(), make_exact_analyzer()
    found = {}
    for docnum in range(0, reader.doc_count_all(), 7):
        words = [t.text for t in analyzer(generation.searcher.stored_fields(docnum)["text"])]
        n = 2 + docnum % 3
        if len(words) >= n:
            found.setdefault('"' + " ".join(words[docnum % (len(words) - n + 1):][:n]) + '"')
        if len(found) == count:
            break
    return list(found)


@pytest.mark.parametrize("fixture", ["seed_index", "incremental_index"])
def test_quoted_phrases_match_and_score_as_whooshs_own_matchers(fixture, request):
    index_dir = request.getfixturevalue(fixture)
    texts = list(dict.fromkeys(_phrases(index_dir) + ABSENT + PLAIN + [
        '"children and young people"', '"of the"']))
    problems = exactness.check(str(index_dir), texts)
    assert len(problems) == len(texts) > 40
    assert {t: p for t, p in problems.items()
            if p is not None and not p.startswith("same scores")} == {}


@pytest.mark.parametrize("fixture", ["seed_index", "incremental_index"])
def test_pairs_hidden_or_positions_hidden_the_same_hits(fixture, request):
    """The same searches with the pairs hidden (words' positions, read in the documents
    holding every word) and with every mapped position hidden (Whoosh's position lists
    followed as before): the same totals, hits, scores and snippets."""
    index_dir = request.getfixturevalue(fixture)
    search_index = SearchIndex(index_dir)
    generation = search_index.generation()
    saved = {s: (a.pairs, a.positions) for s, a in generation.mapped.items()}
    for q in _phrases(index_dir, 12) + ABSENT[:1] + PLAIN:
        answers = []
        for hide in (None, "pairs", "positions"):
            for segid, arrays in generation.mapped.items():
                arrays.pairs = None if hide else saved[segid][0]
                arrays.positions = None if hide == "positions" else saved[segid][1]
            generation.cache.entries.clear()
            try:
                found = search_index.search(parse_params(ArgParams({"q": q, "per_page": "50"})))
            finally:
                for segid, arrays in generation.mapped.items():
                    arrays.pairs, arrays.positions = saved[segid]
            answers.append((found.total, _hits(found)))
        assert answers[0] == answers[1] == answers[2], q


def test_the_vocabulary_alternatives_read_pairs_of_text(seed_index):
    """"care experienced young people" (an alternative of "care leavers") is covered by
    pairs of `text` in every segment: its documents come from pairs, not followed words."""
    generation = SearchIndex(seed_index).generation()
    for leaf, _ in generation.searcher.reader().leaf_readers():
        arrays = generation.mapped[leaf.segment().segment_id()]
        words = [b"young", b"peopl"]
        slots = [arrays._slot("text", w, leaf.doc_frequency("text", w)) for w in words]
        assert [(p.start, p.width) for p in phrase_docs._cover(arrays, slots)] == [(0, 2)]


def test_a_phrase_of_two_common_words_is_one_pair(seed_index):
    """Its documents are the pair's postings: no position is read."""
    generation = SearchIndex(seed_index).generation()
    leaf = generation.searcher.reader().leaf_readers()[0][0]
    arrays = generation.mapped[leaf.segment().segment_id()]
    slots = [arrays._slot("exact", w, leaf.doc_frequency("exact", w)) for w in (b"of", b"the")]
    pieces = phrase_docs._cover(arrays, slots)
    assert [(p.start, p.width) for p in pieces] == [(0, 2)]
    three = slots + [arrays._slot("exact", b"local", leaf.doc_frequency("exact", b"local"))]
    assert sum(p.width for p in phrase_docs._cover(arrays, three)) >= 3


def test_pairs_added_to_an_older_generation_are_what_a_build_writes(incremental_index, tmp_path):
    """bench.scale.add_pairs (pairs.write, in chunks of 7 documents here) on a copy
    without the files writes the same bytes as the build did."""
    generation = (incremental_index / "current").resolve()
    copy = tmp_path / "index"
    shutil.copytree(generation, copy / generation.name)
    (copy / "current").symlink_to(generation.name)
    for path in (copy / generation.name / mapped.DIR).glob("*/" + pairs.PREFIX + "*"):
        path.unlink()
    assert add_pairs.add((copy / "current").resolve(), chunk_docs=7)["mb_written"] >= 0
    segments = sorted((generation / mapped.DIR).iterdir())
    assert len(segments) > 1
    for segment in segments:
        names = sorted(p.name for p in segment.glob(pairs.PREFIX + "*"))
        assert len(names) == 7
        for name in names:
            assert (copy / generation.name / mapped.DIR / segment.name / name).read_bytes() \
                == (segment / name).read_bytes()


def test_pairs_of_fewer_fields_are_written_again_in_a_linked_copy(incremental_index, tmp_path,
                                                                   monkeypatch):
    """A generation whose pairs were written with fewer fields (before `text`, decision
    0050), hard-linked into a copy: bench.scale.add_pairs writes the copy's pairs as a
    build does now, leaves the linked original's files as they were, and records the new
    checksums; a second run writes nothing."""
    generation = (incremental_index / "current").resolve()
    older = tmp_path / "older"
    shutil.copytree(generation, older / generation.name)
    (older / "current").symlink_to(generation.name)
    monkeypatch.setattr(pairs, "FIELDS", ("exact", "exact_heading"))  # the older version's
    for path in (older / generation.name / mapped.DIR).glob("*/" + pairs.PREFIX + "*"):
        path.unlink()
    add_pairs.add((older / "current").resolve())
    monkeypatch.undo()
    integrity.record(older / generation.name)
    before = {p: p.read_bytes() for p in (older / generation.name).rglob("*") if p.is_file()}
    copy = tmp_path / "copy" / generation.name
    shutil.copytree(older / generation.name, copy, copy_function=os.link)
    assert add_pairs.add(copy)["mb_written"] > 0
    assert {p: p.read_bytes() for p in before} == before  # the original, as it was
    for segment in sorted((generation / mapped.DIR).iterdir()):
        for name in sorted(p.name for p in segment.glob(pairs.PREFIX + "*")):
            assert (copy / mapped.DIR / segment.name / name).read_bytes() \
                == (segment / name).read_bytes()
    assert integrity.verify(copy).intact
    assert add_pairs.add(copy)["mb_written"] == 0
