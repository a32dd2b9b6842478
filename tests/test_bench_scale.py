"""The scale benchmark's own machinery at a tiny size: the generator is deterministic and
writes documents that parse as intended, the runner and the SQLite baseline answer the
query set, and the numpy ranking path agrees with Whoosh. No timing is asserted."""
from __future__ import annotations

import json
import random
from pathlib import Path

import bleach
import pytest

ROOT = Path(__file__).resolve().parents[1]

from bench.scale.authorities import AUTHORITIES, printed_name
from bench.scale import exactness, generate, run, sqlite_fts, tantivy_fts
from bench.scale.queries import QUERIES
from bench.scale.templates import LAYOUTS
from indexer.index.build import build
from indexer.search.highlight import mark, sanitise
from indexer.ingest.metadata import authority_key
from indexer.ingest.parse import parse_file

SIZE = 400  # passages
KEYS = {authority_key(printed_name(area)) for area in AUTHORITIES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale_corpus")
    return out, generate.generate(SIZE, out, source=None, seeds_dir=ROOT / "seeds")


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory) -> tuple[Path, Path, object]:
    index = tmp_path_factory.mktemp("scale_index")
    summary = build([str(corpus[0])], str(index), workers=1)
    db = index / "baseline.db"
    sqlite_fts.build(sqlite_fts.docs_of(index), db)
    tantivy_fts.build(sqlite_fts.docs_of(index), index / "tantivy", threads=1)
    return index, db, summary


def test_same_seed_same_bytes(corpus, tmp_path):
    out, manifest = corpus
    again = generate.generate(SIZE, tmp_path, source=None, seeds_dir=ROOT / "seeds")
    assert again == manifest
    names = sorted(p.name for p in out.glob("*.txt"))
    assert names == sorted(p.name for p in tmp_path.glob("*.txt"))
    assert all((out / n).read_bytes() == (tmp_path / n).read_bytes() for n in names)


def test_another_seed_another_corpus(corpus, tmp_path):
    generate.generate(SIZE, tmp_path, source=None, seeds_dir=ROOT / "seeds", seed=7)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) != \
        sorted(p.name for p in corpus[0].glob("*.txt"))


def test_files_parse_as_intended(corpus):
    out, manifest = corpus
    passages = 0
    for path in sorted(out.glob("*.txt")):
        report = parse_file(str(path))
        kind = path.stem.split("_", 1)[1].rsplit("_", 1)[0]
        assert report.inspection_type.startswith(kind if kind != "ilacs" else "ilacs_")
        assert report.inspection_start.replace("-", "") == path.stem.rsplit("_", 1)[1]
        assert report.year == int(path.stem.rsplit("_", 1)[1][:4])
        assert report.authority_key in KEYS
        passages += sum(len(s.passages) for s in report.sections)
    assert passages == manifest["expected_passages"] >= SIZE
    assert set(manifest["overheads"]) == set(LAYOUTS)


def test_build_yields_the_requested_passages(built, corpus):
    assert built[2].chunks == corpus[1]["expected_passages"]
    assert built[2].skipped == []


def test_runner_measures_ours_sqlite_and_tantivy(built):
    index, db, _ = built
    results = run.in_process(index, {"sqlite": db, "tantivy": index / "tantivy"},
                             rounds=1, whoosh_rounds=1)
    for key in ("ours_cold", "ours_warm", "sqlite_cold", "sqlite_warm", "tantivy_cold",
                "tantivy_warm", "whoosh_alone"):
        assert results[key]["n"] == len(QUERIES)
        assert results[key]["p50"] <= results[key]["p95"] <= results[key]["max"]
    assert set(results["per_query_ms"]) == {q.name for q in QUERIES}
    assert len(QUERIES) >= 30 and len({q.kind for q in QUERIES}) >= 10


def test_sqlite_counts_follow_the_facet_rule(built):
    _, db, _ = built
    answer = sqlite_fts.Baseline(db).search(QUERIES[0])
    assert sum(answer["facets"]["year"].values()) == answer["total"] > 0
    assert "boilerplate" not in answer["facets"]["section"]
    assert 0 < len(answer["hits"]) <= 10


def test_tantivy_does_the_same_job(built):
    """tantivy's answers follow the facet rule and find what SQLite finds for words both
    stem alike; phrases are marked in its snippets."""
    index, db, _ = built
    theirs, sqlite = tantivy_fts.Baseline(index / "tantivy"), sqlite_fts.Baseline(db)
    for query in QUERIES:
        answer, selected = theirs.search(query), theirs.filters(query)
        for facet in (f for f, values in selected.items() if not values):
            assert sum(answer["facets"][facet].values()) == answer["total"], query.name
        assert answer["reports"] <= answer["total"]
        if not selected["section"]:
            assert "boilerplate" not in answer["facets"]["section"], query.name
        assert len(answer["hits"]) == min(10, max(0, answer["total"] - 10 * (
            int(query.params.get("page", 1)) - 1))), query.name
    by_name = {q.name: q for q in QUERIES}
    for name in ("children", "neglect", "neglect in Leeds", "children year 2019"):
        assert theirs.search(by_name[name])["total"] == sqlite.search(by_name[name])["total"]
    phrase = theirs.search(by_name["drift and delay"])
    assert phrase["total"] > 0
    assert all("<b>drift</b> <b>and</b> <b>delay</b>" in snippet.lower()
               for _, snippet in phrase["hits"])


def test_numpy_ranking_is_whoosh_ranking(built):
    problems = exactness.check(str(built[0]))
    assert {text: p for text, p in problems.items()
            if p is not None and not p.startswith("same scores")} == {}


def test_fast_sanitise_returns_what_bleach_returns():
    rng = random.Random(5)
    pieces = list("ab <>&\"';/\t\n\r\x00\x0b\x85\u00a0\ufffe\U0001f600—") + [
        "<mark>", "</mark>", "&amp;", "&lt;", "&#x27;", "&nbsp;", "<b>", "<script>"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        for fragment in (text, mark(text, [(0, min(2, len(text)))])):
            assert sanitise(fragment) == bleach.clean(fragment, tags={"mark"}, attributes={},
                                                      strip=True)


def test_the_index_alone_is_built_without_the_follow_ups(corpus, tmp_path, capsys):
    from bench.scale import build_index

    assert build_index.main([str(corpus[0]), str(tmp_path / "ix")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["chunks"] == corpus[1]["expected_passages"]
    assert printed["followups"] == "skipped"
    generation = (tmp_path / "ix" / "current").resolve()
    assert (generation / "whoosh").is_dir() and not (generation / "followups.sqlite").exists()


def test_versus_times_two_checkouts_and_tantivy_query_by_query(built, capsys):
    from bench.scale import versus

    index, _, _ = built
    versus.main(["--index", str(index), "--code", str(ROOT), "--code", str(ROOT),
                 "--tantivy", str(index / "tantivy"), "--rounds", "1",
                 "--only", "children", "--only", "neglect"])
    out = capsys.readouterr().out
    assert "our checkouts' totals alike: True" in out
    assert len([line for line in out.splitlines() if " wall p50 " in line]) == 3
    saved = json.loads(Path(out.split("results: ")[1].strip()).read_text())
    assert saved["found"]["tantivy"]["per_query"].keys() == {"children", "neglect"}


def test_first_phrases_names_the_slowest_of_the_mix(built, capsys):
    from bench.scale import first_phrases

    index, _, _ = built
    first_phrases.main([str(index), "--phrases", "6", "--common", "0.05", "--mapped-only"])
    printed = json.loads(capsys.readouterr().out)
    assert printed["phrases"] == 6 and printed["totals_differ"] == 0
    slowest = printed["slowest"]
    assert len(slowest) == 6 and len({words for words, _ in slowest}) == 6
    times = [ms for _, ms in slowest]
    assert times == sorted(times, reverse=True) and times[0] == printed["mapped"]["max"]


def test_first_phrases_compares_with_the_pairs_hidden(built, capsys):
    """`--before positions`: the same mix with the common-word pairs hidden, interleaved;
    the same totals both ways."""
    from bench.scale import first_phrases

    index, _, _ = built
    first_phrases.main([str(index), "--phrases", "6", "--common", "0.05",
                        "--before", "positions"])
    out = capsys.readouterr().out
    printed = json.loads(out.split("\nfirst-time phrases")[0])
    assert printed["totals_differ"] == 0
    assert printed["positions"]["n"] == printed["mapped"]["n"] == 6
    assert "first-time phrases wall: before (positions) p50" in out
