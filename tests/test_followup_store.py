"""Follow-ups stored per index generation (indexer.answers.followup_store): computed after
a build, copied for the authorities a later build did not change, read by the pages, and
computed on first view when an index has no store."""
from __future__ import annotations

import json
import shutil
import sqlite3

from indexer.answers import authority_history
from indexer.answers.followup_store import FILE, Histories, precompute
from indexer.index import store
from indexer.index.build import build
from indexer.search.service import SearchIndex


def _stored(index) -> dict[str, str]:
    path = store.current_generation(index) / FILE
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT key, signature FROM history"))


def test_a_build_stores_every_history_and_copies_the_unchanged(seeds_dir, tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    for seed in sorted(seeds_dir.glob("*.txt")):
        if not seed.name.startswith("002_"):  # Derbyshire's 2018 focused visit comes later
            shutil.copy(seed, docs / seed.name)
    build([str(docs)], str(index), workers=1)
    first = precompute(str(index), SearchIndex(index).records())
    counts = ("authorities", "computed", "copied")
    assert {k: first[k] for k in counts} == {"authorities": 3, "computed": 3, "copied": 0}
    # every passage and recommendation vector is the one the build stored: none embedded
    assert first["vectors_stored"] > 0 and first["vectors_embedded"] == 0
    before = _stored(index)
    shutil.copy(next(seeds_dir.glob("002_*.txt")), docs)
    build([str(docs)], str(index), workers=1)
    records = SearchIndex(index).records()
    second = precompute(str(index), records)
    assert {k: second[k] for k in counts} == {"authorities": 3, "computed": 1, "copied": 2}
    after = _stored(index)
    assert after["durham"] == before["durham"] and after["derbyshire"] != before["derbyshire"]
    stored = Histories().get(store.current_generation(index), records, "derbyshire")
    assert stored == json.loads(json.dumps(authority_history.history(records, "derbyshire")))
    assert [len(i["recommendations"]) for i in stored["inspections"]] == [7, 16, 3]


def test_an_index_without_a_store_computes_on_first_view(seed_index):
    index = SearchIndex(seed_index)
    generation = store.current_generation(seed_index)
    (generation / FILE).unlink(missing_ok=True)
    data = Histories().get(generation, index.records(), "staffordshire")
    assert data["key"] == "staffordshire" and data["reports"] == 1
    assert "staffordshire" in _stored(seed_index)  # and keeps it for the next process
