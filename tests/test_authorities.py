"""Authority records (indexer/domain/data/authorities.csv): the data is consistent, printed
names resolve to one record (by date across a reorganisation), searches and filters by any
alias find the authority, and the build lists a report whose authority has no record."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from indexer.index import report_store
from indexer.index.build import build
from indexer.domain import authorities
from indexer.domain.authorities import REGIONS, authority_key, records, resolve
from indexer.models import SearchRequest
from indexer.search.service import SearchIndex

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_every_record_has_a_region_and_links_both_ways():
    table = records()
    assert len(table) >= 153 + 4  # today's authorities plus those replaced since 2009
    for record in table.values():
        assert record.region in REGIONS, record.key
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", record.key), record.key
        for other in record.successors:
            assert record.key in table[other].predecessors, (record.key, other)
            assert record.until, record.key
        for other in record.predecessors:
            assert record.key in table[other].successors, (record.key, other)
    urns = [r.la_urn for r in table.values() if r.la_urn]
    assert len(urns) == len(set(urns))


def test_no_name_means_two_authorities_at_once():
    claims: dict[str, list] = {}
    for record in records().values():
        for name in {record.key, authority_key(record.name), *map(authority_key, record.aliases)}:
            claims.setdefault(name, []).append(record)
    for name, found in claims.items():
        for a in found:
            for b in found:
                if a is not b:  # periods [start, until) must not overlap
                    assert (a.until and b.start and a.until <= b.start) or \
                        (b.until and a.start and b.until <= a.start), (name, a.key, b.key)


@pytest.mark.parametrize("printed, when, key", [
    ("Bristol City of", "2019-03-01", "bristol"),
    ("Knowsley council", None, "knowsley"),
    ("Hull", "2020-01-01", "kingston-upon-hull"),
    ("London Corporation", None, "city-of-london"),
    ("Dorset County Council", "2012-05-01", "dorset-county-council"),
    ("Dorset", "2015-06-01", "dorset-county-council"),
    ("Dorset", "2021-09-27", "dorset"),
    ("Bournemouth, Christchurch & Poole", "2024-12-02", "bournemouth-christchurch-and-poole"),
    ("Northamptonshire County Council", "2019-01-01", "northamptonshire"),
    ("Buckinghamshire County Council", "2014-05-01", "buckinghamshire"),
    ("Cumbria", "2022-01-01", "cumbria"),
])
def test_printed_names_resolve_to_one_record(printed, when, key):
    assert resolve(printed, when).key == key


def test_an_unknown_name_resolves_to_nothing():
    assert resolve("Atlantis Borough Council", "2020-01-01") is None
    assert resolve("", None) is None


def test_reorganised_authorities_name_their_successors():
    table = records()
    assert set(table["northamptonshire"].successors) == {"north-northamptonshire",
                                                         "west-northamptonshire"}
    assert set(table["cumbria"].successors) == {"cumberland", "westmorland-and-furness"}
    assert set(table["bournemouth-christchurch-and-poole"].predecessors) == {
        "bournemouth", "poole", "dorset-county-council"}


# ---- search and build -----------------------------------------------------------------

@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def test_a_filter_by_any_alias_finds_the_authority(index):
    by_key = index.search(SearchRequest(filters={"authority": ["durham"]}))
    assert by_key.total > 0
    for alias in ("Durham County Council", "County Durham", "durham-county-council"):
        results = index.search(SearchRequest(filters={"authority": [alias]}))
        assert results.total == by_key.total, alias
    hit = by_key.hits[0]
    assert (hit.authority, hit.authority_key, hit.region, hit.la_urn) == (
        "County Durham", "durham", "North East", "80465")
    labels = {f.value: f.label for f in by_key.facets["authority"]}
    assert labels["durham"] == "County Durham"


def test_a_field_query_by_alias_finds_the_authority(index):
    by_key = index.search(SearchRequest(query="authority:durham"))
    by_alias = index.search(SearchRequest(query='authority:"Durham County Council"'))
    assert by_key.total > 0 and by_alias.total == by_key.total


def test_an_authority_without_a_record_is_listed_by_the_build(tmp_path, seeds_dir):
    source = next(p for p in sorted(seeds_dir.iterdir())
                  if "Staffordshire" in p.read_text(encoding="utf-8"))
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(source, folder / "staffordshire.txt")
    text = source.read_text(encoding="utf-8").replace("Staffordshire", "Atlantis")
    (folder / "atlantis.txt").write_text(text, encoding="utf-8")
    summary = build([str(folder)], str(tmp_path / "index"), workers=1)
    assert summary.reports == 2
    assert summary.unknown_authorities == [{"source": "atlantis.txt", "authority": "Atlantis"}]


# ---- the real corpus --------------------------------------------------------------------

@pytest.mark.corpus
def test_every_manifest_urn_maps_to_one_authority_and_back(corpus_build):
    """Each manifest la_urn is one authority key in the built index, and that key's
    record carries the same URN (so every key maps to one URN)."""
    index_dir, summary = corpus_build
    assert summary.unknown_authorities == []
    data = report_store.load(index_dir)
    by_source = {r["sha256"]: r for r in data.values()}
    keys_per_urn: dict[str, set] = {}
    for manifest in sorted(CORPUS.glob("*/MANIFEST.csv")):
        with open(manifest, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                report = by_source.get(row["sha256"])
                if report is not None:
                    keys_per_urn.setdefault(row["la_urn"], set()).add(report["authority_key"])
    assert len(keys_per_urn) >= 130
    assert {urn: keys for urn, keys in keys_per_urn.items() if len(keys) != 1} == {}
    table = authorities.records()
    wrong = {urn: sorted(keys) for urn, keys in keys_per_urn.items()
             if table[next(iter(keys))].la_urn != urn}
    assert wrong == {}
