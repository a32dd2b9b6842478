"""The passages nearest in meaning found from a shortlist of sign codes (indexer.search.
shortlist), on real indexes of the seeds with the size threshold lowered so that the
approximate path runs: the shortlist is every row within the distance of the nearest few,
the z statistics from moments equal those of every cosine, a search's total and facets
count what it lists, and below the threshold nothing changes."""
from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage

from indexer.index import mapped, vector_sketch, vectors
from indexer.models import SearchRequest
from indexer.search import hybrid, shortlist
from indexer.search.service import SearchIndex
from tests.test_vector_sketch import unpacked

APPROXIMATE = dataclasses.replace(hybrid.FUSION, approximate_from=0, shortlist=40)
QUERIES = ["children", "care leavers", "young people leaving care get help with somewhere to live"]


def with_moments(index_dir, target):
    """A copy of the index whose every segment has moments (a seed segment is far below
    vector_sketch.MOMENTS_FROM rows), written by the function a build calls."""
    shutil.copytree(index_dir, target, symlinks=True)
    generation = (target / "current").resolve()
    ix = FileStorage(str(generation / "whoosh"), supports_mmap=False).open_index()
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            folder = generation / mapped.DIR / mapped.segment_id(leaf)
            rows = vectors.open_rows(folder)
            vector_sketch.write(folder, np.asarray(rows.codes), np.asarray(rows.scales),
                                vectors.stored(leaf)[1], moments_from=0)
    ix.close()
    return target


@pytest.fixture(scope="module", params=["seeds", "seeds with moments", "incremental",
                                        "incremental with moments"])
def index(request, seed_index, incremental_index, tmp_path_factory):
    """Indexes with one segment and with several and deleted passages, each with and
    without moments (a segment without them has its cosines computed)."""
    source = seed_index if request.param.startswith("seeds") else incremental_index
    if request.param.endswith("moments"):
        source = with_moments(source, tmp_path_factory.mktemp("moments") / "index")
    return SearchIndex(source)


def run(index: SearchIndex, request: SearchRequest, fusion=APPROXIMATE, matches=False):
    with index._lease() as generation, generation.checkout() as reader:
        answer = index._search(generation, reader, request)
        answer.fusion = fusion
        return answer.matches() if matches else answer.run()


def meaning(index: SearchIndex, query: str, fusion=APPROXIMATE):
    """(the generation's Vectors, allowed mask, what Vectors.meaning gives) of a query over
    every visible passage."""
    generation = index.generation()
    table = generation.table
    allowed = table.live & ~table.mask_for("section", ["boilerplate"])
    sections = sorted(v for v in table.columns["section"].values
                      if v is not None and v != "boilerplate")
    found = generation.vectors.meaning(hybrid.query_vector(query), allowed, sections, table,
                                       fusion)
    return generation.vectors, allowed, found


@pytest.mark.parametrize("query", QUERIES)
def test_the_statistics_are_those_of_every_allowed_cosine(index, query):
    vectors_, allowed, (cosines, _, statistics) = meaning(index, query)
    assert isinstance(cosines, shortlist.Cosines) and statistics is not None
    every = vectors_.cosines(hybrid.query_vector(query), allowed)
    exact = every[every > -1.0].astype(np.float64)
    assert statistics[0] == pytest.approx(exact.mean(), abs=1e-6)
    assert statistics[1] == pytest.approx(exact.std(), rel=1e-5)
    docs = np.arange(every.size)
    assert np.array_equal(cosines[docs], np.minimum(every, cosines.max()))


@pytest.mark.parametrize("query", QUERIES)
def test_the_shortlist_is_every_row_as_near_as_the_nearest_few(index, query):
    vectors_, allowed, (cosines, near, _) = meaning(index, query)
    signs = np.concatenate([unpacked(s.signs) for s in vectors_.sketches.sketches])
    codes, _ = vectors.quantise(hybrid.query_vector(query))
    distances = (signs != (codes[0] > 0)).sum(axis=1)
    allowed_distances = np.sort(distances[allowed])
    within = allowed_distances[APPROXIMATE.shortlist - 1]
    expected = np.flatnonzero(allowed & (distances <= within))
    chosen = shortlist._shortlist(cosines, vectors_.sketches, allowed, APPROXIMATE.shortlist)
    assert np.array_equal(chosen, expected) and chosen.size >= APPROXIMATE.shortlist
    every = vectors_.cosines(hybrid.query_vector(query), allowed)
    best = np.sort(every[chosen])[::-1]
    bar = max(best[min(APPROXIMATE.neighbours, best.size) - 1], APPROXIMATE.floor)
    assert np.array_equal(near, chosen[every[chosen] >= bar])
    assert cosines.max() == best[0]


@pytest.mark.parametrize("query", QUERIES)
def test_the_rows_within_the_nearest_are_counted_exactly_however_the_sample_falls(index,
                                                                                  query):
    """shortlist._nearest against counting every allowed row, for any number wanted, with
    allowed rows the sample never sees, and with sampled rows nearer than the rest (its
    guess too near: every row is then counted)."""
    vectors_, allowed, _ = meaning(index, query)
    signs = np.concatenate([unpacked(s.signs) for s in vectors_.sketches.sketches])
    codes, _ = vectors.quantise(hybrid.query_vector(query))
    distances = (signs != (codes[0] > 0)).sum(axis=1).astype(np.uint16)
    rows = np.arange(distances.size)
    nearer = distances.copy()
    nearer[rows % 3 == 0] //= 4  # every third row (a sample's) nearer than it is
    for near, mask in ((distances, allowed), (distances, allowed & (rows % 2 == 1)),
                       (nearer, allowed)):
        for wanted in (1, 2, 7, 40, int(mask.sum()), distances.size + 1):
            ordered = np.sort(near[mask])
            within = min(int(ordered[min(wanted, ordered.size) - 1]), 256)
            expected = np.flatnonzero(mask & (near <= within))
            assert np.array_equal(shortlist._nearest(near, mask, wanted, 256), expected)


def listed(index: SearchIndex, query: str, **filters) -> tuple:
    """(the first page, every hit of every page) of a search on the approximate path."""
    first = run(index, SearchRequest(query=query, per_page=100, filters=filters))
    hits = list(first.hits)
    for page in range(2, -(-first.total // 100) + 1):
        hits += run(index, SearchRequest(query=query, per_page=100, page=page,
                                         filters=filters)).hits
    return first, hits


@pytest.mark.parametrize("query", QUERIES)
def test_the_total_and_facets_count_what_is_listed(index, query):
    results, hits = listed(index, query)
    assert results.mode == "hybrid" and results.total == len(hits)
    assert len({(h.report_id, h.passages[0].passage_id) for h in hits}) == len(hits)
    assert results.total == sum(f.count for f in results.facets["year"])
    assert {"meaning", "both"} & {h.matched for h in hits}
    for year in results.facets["year"]:
        narrowed, some = listed(index, query, year=[int(year.value)])
        assert narrowed.total == year.count == len(some)
        assert {h.year for h in some} == {int(year.value)}


def test_a_shortlist_of_every_row_gives_the_exact_answer(index):
    whole = dataclasses.replace(APPROXIMATE, shortlist=10**6)
    for query in QUERIES:
        request = SearchRequest(query=query, per_page=30)
        exact, approximate = run(index, request, hybrid.FUSION), run(index, request, whole)
        assert [(h.report_id, h.passages[0].passage_id) for h in approximate.hits] == \
            [(h.report_id, h.passages[0].passage_id) for h in exact.hits]
        assert [h.score for h in approximate.hits] == pytest.approx(
            [h.score for h in exact.hits], rel=1e-6)
        assert approximate.total == exact.total and approximate.facets == exact.facets


def test_below_the_size_or_with_an_authority_every_cosine_is_computed(index):
    cosines, _, statistics = meaning(index, "children", hybrid.FUSION)[2]
    assert isinstance(cosines, np.ndarray) and statistics is None  # 200,000 passages: far
    found = run(index, SearchRequest(query="Derbyshire care leavers"), matches=True)
    assert found.authority_words is not None and isinstance(found.fused.cosines, np.ndarray)


@pytest.mark.corpus
def test_the_judged_queries_rank_alike_with_the_shortlist_on_the_corpus(corpus_build):
    """Forced on the real corpus (17,213 passages; a shortlist of 4,096 of them), every
    kind of judged query keeps its nDCG@10 within 0.01 of the exact path's."""
    from bench import relevance
    runner = relevance.Runner(corpus_build[0])
    forced = dataclasses.replace(relevance.HYBRID, name="shortlist", fusion=dataclasses.replace(
        hybrid.FUSION, approximate_from=0, shortlist=4096))
    exact, approximate = (relevance.evaluate(runner, relevance.HYBRID),
                          relevance.evaluate(runner, forced))
    for kind in exact:
        assert approximate[kind]["ndcg@10"] == pytest.approx(exact[kind]["ndcg@10"], abs=0.01)
