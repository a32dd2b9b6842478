"""The /api/search answer cache (webui/answer_cache.py): the same bytes and headers as
an uncached answer, a new generation never served an old answer, errors never kept, and
its size bounded. Real indexes of the seeds, Flask's test client."""
from __future__ import annotations

import shutil

from indexer.index.build import build
from indexer.models import SearchRequest
from webui import create_app
from webui.answer_cache import key_of

URLS = ["/api/search?q=management+oversight", "/api/search?q=CSE&year=2018",
        "/api/search?q=children&sort=newest&page=2&per_page=5", "/api/search",
        "/api/search?q=neglekt&expand=0", "/api/search?q=oversight+Derbyshire",
        "/api/search?q=%22drift+and+delay%22&section=areas_for_improvement"]


def _app(index, entries=256):
    return create_app({"OFSTED_INDEX": str(index), "TESTING": True,
                       "OFSTED_ANSWER_CACHE": entries})


def test_remembered_answers_are_the_answers(seed_index):
    cached, plain = _app(seed_index), _app(seed_index, entries=0)
    client, reference = cached.test_client(), plain.test_client()
    for url in URLS:
        expected = reference.get(url)
        for _ in range(2):  # computed, then remembered
            got = client.get(url)
            assert (got.status_code, got.get_data()) == (200, expected.get_data()), url
            assert dict(got.headers) == dict(expected.headers)
    assert len(cached.extensions["answer_cache"]) == len(URLS)
    assert len(plain.extensions["answer_cache"]) == 0


def test_errors_are_not_remembered(seed_index):
    app = _app(seed_index)
    client = app.test_client()
    for url in ("/api/search?q=section:", "/api/search?year=1850", "/api/search?zzz=1",
                "/api/search?q=children&page=999"):
        assert [client.get(url).status_code for _ in range(2)] == [400, 400]
    assert len(app.extensions["answer_cache"]) == 0


def test_a_new_generation_is_never_answered_from_the_old_one(seeds_dir, tmp_path):
    some = tmp_path / "some"
    some.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    shutil.copy(seeds[0], some)
    build([str(some)], str(tmp_path / "index"), workers=1)
    client = _app(tmp_path / "index").test_client()
    before = [client.get("/api/search?q=children").get_json() for _ in range(2)]
    for path in seeds[1:]:
        shutil.copy(path, some)
    build([str(some)], str(tmp_path / "index"), workers=1)
    after = client.get("/api/search?q=children").get_json()
    fresh = _app(tmp_path / "index", entries=0).test_client().get("/api/search?q=children")
    assert before[0] == before[1] and after == fresh.get_json()
    assert after["reports"] > before[0]["reports"]


def test_the_cache_is_bounded(seed_index):
    app = _app(seed_index, entries=3)
    client = app.test_client()
    for url in URLS:
        assert client.get(url).status_code == 200
    assert len(app.extensions["answer_cache"]) == 3


def test_every_request_field_is_in_the_key():
    stamp = ("gen-1", 1.0)
    base = SearchRequest("children", {"year": [2018]}, [], 1, 10, "relevance", True)
    changed = [SearchRequest("Children", {"year": [2018]}, [], 1, 10, "relevance", True),
               SearchRequest("children", {"year": [2019]}, [], 1, 10, "relevance", True),
               SearchRequest("children", {"authority": [2018]}, [], 1, 10, "relevance", True),
               SearchRequest("children", {"year": [2018]}, [(2015, 2016)], 1, 10, "relevance",
                             True),
               SearchRequest("children", {"year": [2018]}, [], 2, 10, "relevance", True),
               SearchRequest("children", {"year": [2018]}, [], 1, 20, "relevance", True),
               SearchRequest("children", {"year": [2018]}, [], 1, 10, "newest", True),
               SearchRequest("children", {"year": [2018]}, [], 1, 10, "relevance", False),
               SearchRequest("children", {"year": [2018]}, [], 1, 10, "relevance", True,
                             "words")]
    keys = {key_of(stamp, r) for r in changed} | {key_of(("gen-2", 1.0), base)}
    assert key_of(stamp, base) not in keys and len(keys) == len(changed) + 1
    assert key_of(stamp, base) == key_of(stamp, SearchRequest("children", {"year": [2018]},
                                                              [], 1, 10))
