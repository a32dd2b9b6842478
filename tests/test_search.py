"""Search over a real index of the seeds: counts, facets, highlighting, sorting, errors."""
from __future__ import annotations

import pytest

from indexer.errors import BadRequest
from indexer.models import SearchRequest
from indexer.search.highlight import Highlighter
from indexer.search.service import SearchIndex


@pytest.fixture(scope="module")
def index(seed_index):
    return SearchIndex(seed_index)


def search(index, query="", **kwargs):
    return index.search(SearchRequest(query=query, **kwargs))


def facet(results, name):
    return {f.value: (f.count, f.selected) for f in results.facets[name]}


def test_phrase_matches_and_highlights_exactly(index):
    results = search(index, '"drift and delay"')
    assert (results.total, results.reports) == (1, 1)
    passage = results.hits[0].passages[0]
    assert passage.snippet_html == (
        "Management oversight and the supervision of staff does not consistently review "
        "progress of plans to avoid <mark>drift and delay</mark> for all children.")
    assert passage.url == ("/reports/derbyshire-focused-visit-2018-02-27"
                           "?q=%22drift+and+delay%22#" + passage.passage_id)


def test_phrase_does_not_light_up_its_words_elsewhere(index):
    results = search(index, '"management oversight"', per_page=50)
    assert (results.total, results.reports) == (5, 2)
    for hit in results.hits:
        html = hit.passages[0].snippet_html
        assert html.lower().count("<mark>management oversight</mark>") >= 1
        assert "<mark>management</mark>" not in html.lower()


def test_words_are_all_required_and_stemmed(index):
    assert search(index, "management oversight", mode="words").total == 9
    assert search(index, "oversight", mode="words").total == 12
    assert search(index, "oversight NOT management").total == 3
    assert search(index, "childrens", mode="words").total == search(
        index, "children’s", mode="words").total


def test_facet_counts_follow_the_documented_rule(index):
    everything = search(index, "oversight")
    assert facet(everything, "authority") == {
        "derbyshire": (10, False), "durham": (1, False), "staffordshire": (1, False)}
    only = search(index, "oversight", filters={"authority": ["derbyshire"]})
    assert only.total == 10 and only.reports == 2
    # the selected facet still counts its other values (OR within a facet) ...
    assert facet(only, "authority") == {
        "derbyshire": (10, True), "durham": (1, False), "staffordshire": (1, False)}
    # ... while other facets count only within the selection (AND across facets)
    assert sum(c for c, _ in facet(only, "year").values()) == 10
    both = search(index, "oversight", filters={"authority": ["derbyshire", "durham"]})
    assert both.total == 11


def test_boilerplate_is_hidden_unless_asked_for(index):
    assert search(index, "sincerely").total == 0
    assert search(index, "sincerely").hits == []
    assert search(index, "sincerely", filters={"section": ["boilerplate"]}).total > 0
    assert search(index, "Matlock").total == 0


def test_fielded_queries(index):
    strengths = search(index, "section:strengths", per_page=50)
    assert strengths.total == 6 and {h.section for h in strengths.hits} == {"strengths"}
    ranged = search(index, "year:2009-2011 assessments", per_page=100)
    assert {h.year for h in ranged.hits} == {2009, 2010, 2011}
    assert search(index, "authority:Derbyshire oversight").total == 10


def test_sorting_by_date(index):
    newest = search(index, "assessment", sort="newest", per_page=100)
    dates = [h.date for h in newest.hits]
    assert dates == sorted(dates, reverse=True)
    oldest = search(index, "assessment", sort="oldest", per_page=100)
    assert [h.date for h in oldest.hits] == sorted(dates)


def test_paging_is_exact(index):
    first = search(index, "children", per_page=10)
    second = search(index, "children", per_page=10, page=2)
    assert len(first.hits) == len(second.hits) == 10
    ids = {p.passage_id for h in first.hits + second.hits for p in h.passages}
    assert len(ids) == 20
    last_page = -(-first.total // 10)
    assert len(search(index, "children", per_page=10, page=last_page).hits) == (
        first.total - 10 * (last_page - 1))
    with pytest.raises(BadRequest, match="beyond the last page"):
        search(index, "children", per_page=10, page=last_page + 1)


def test_spelling_suggestions(index):
    assert search(index, "saftey").suggestion == "safety"
    assert search(index, "chronolgies").suggestion == "chronologies"
    assert search(index, "chronologies").suggestion is None


@pytest.mark.parametrize("kwargs,message", [
    ({"authority": ["atlantis"]}, "unknown authority"),
    ({"section": ["nonsense"]}, "unknown section"),
    ({"inspection_type": ["nonsense"]}, "unknown inspection type"),
    ({"framework": ["nonsense"]}, "unknown framework 'nonsense' .known: ilacs, sif, jtai"),
    ({"judgement": ["awful"]}, "unknown judgement 'awful'"),
])
def test_unknown_filter_values_are_refused(index, kwargs, message):
    with pytest.raises(BadRequest, match=message):
        search(index, "children", filters=kwargs)


def test_script_in_documents_and_queries_is_escaped(script_index):
    letter = SearchIndex(script_index)
    plain = search(letter, "zebra")
    assert plain.total == 1
    assert [p.snippet_html for p in plain.hits[0].passages] == [
        "Inspectors found &lt;script&gt;alert(1)&lt;/script&gt; in case records about "
        "<mark>zebra</mark> crossings."]
    scripted = search(letter, "<script>alert(1)</script> zebra")
    assert scripted.total == 1
    snippet = scripted.hits[0].passages[0].snippet_html
    assert "<script" not in snippet and snippet.startswith("Inspectors found &lt;")
    assert search(index=letter, query="<script>alert(1)</script> children").total == 0


def test_a_very_long_passage_still_highlights(tmp_path, seeds_dir):
    """Whoosh's own highlighter stops at 32,768 characters; ours reads the whole passage.
    A paragraph this long is split into passages of at most MAX_PASSAGE_CHARS (decision
    0032): the last one still has the match, and a passage of an index built before,
    highlighted directly, too."""
    from indexer.ingest.clean import MAX_PASSAGE_CHARS
    from indexer.index.build import build

    letter = next(seeds_dir.glob("002_*")).read_text(encoding="utf-8")
    long_bullet = "- " + "Plans are reviewed regularly by managers. " * 1200 + "Zebrafish appear last.\n"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "long.txt").write_text(
        letter.replace("Findings\n", "Findings\n\n" + long_bullet, 1), encoding="utf-8")
    build([str(tmp_path / "docs")], str(tmp_path / "ix"), workers=1)
    results = SearchIndex(tmp_path / "ix").search(SearchRequest(query="zebrafish"))
    assert results.total == 1
    passage = results.hits[0].passages[0]
    assert len(passage.text) <= MAX_PASSAGE_CHARS
    assert "<mark>Zebrafish</mark> appear last." in passage.snippet_html
    long_text = long_bullet[2:].strip()
    assert len(long_text) > 40_000
    assert "<mark>Zebrafish</mark> appear last." in Highlighter(terms={"zebrafish"}).snippet(long_text)


# --- no dead ends ----------------------------------------------------------------------

@pytest.mark.parametrize("query, words", [
    # the authority's name is not in the passage: it becomes a filter
    ("Derbyshire systemic practice model", "systemic models of practice"),
    ("Staffordshire 'First Response' contact and referral service",
     "'First Response' service, which deals with all incoming work"),
    # one word of seven is missing ("team"): passages with most of the words
    ("police sergeants seconded as multi-agency team managers",
     "the police have seconded six police sergeants"),
])
def test_natural_queries_find_the_passage_they_describe_in_the_top_three(seed_index, query,
                                                                          words):
    results = SearchIndex(seed_index).search(SearchRequest(query=query, per_page=3))
    texts = [p.text for hit in results.hits for p in hit.passages]
    assert any(words in text for text in texts), texts


def test_an_authority_name_filters_and_says_how_to_search_everywhere(seed_index):
    index = SearchIndex(seed_index)
    results = index.search(SearchRequest(query="Derbyshire systemic practice model"))
    assert results.authority_in_query == {
        "key": "derbyshire", "label": "Derbyshire", "words": "Derbyshire",
        "searched": "systemic practice model", "everywhere_query": '"Derbyshire" systemic practice model'}
    assert results.query == "Derbyshire systemic practice model"
    assert {hit.authority for hit in results.hits} == {"Derbyshire"}
    assert results.match == "all"
    assert [f.value for f in results.facets["authority"] if f.selected] == ["derbyshire"]
    everywhere = index.search(SearchRequest(query='"Derbyshire" systemic practice model'))
    assert everywhere.authority_in_query is None


def test_names_alone_lowercase_or_already_filtered_are_words(seed_index):
    index = SearchIndex(seed_index)
    assert index.search(SearchRequest(query="Derbyshire")).authority_in_query is None
    assert index.search(SearchRequest(query="derbyshire neglect")).authority_in_query is None
    filtered = SearchRequest(query="Durham neglect", filters={"authority": ["derbyshire"]})
    assert index.search(filtered).authority_in_query is None


def test_most_words_mode_ranks_by_how_many_words_a_passage_has(seed_index):
    index = SearchIndex(seed_index)
    query = "police sergeants seconded as multi-agency team managers"
    results = index.search(SearchRequest(query=query, per_page=50, mode="words"))
    assert results.match == "most" and results.total >= 2
    assert index.search(SearchRequest(query="police sergeants", mode="words")).match == "all"
    # hybrid: passages with most of the words are matches (minimum should match)
    assert index.search(SearchRequest(query=query, per_page=50)).match == "all"
    # operators, fields and single words say exactly what they want: no fallback
    for strict in ("police AND zebra", "zebra section:findings", "zebra"):
        answer = index.search(SearchRequest(query=strict, mode="words"))
        assert (answer.total, answer.match) == (0, "all")


def test_an_authority_named_whose_reports_lack_the_words_keeps_scoping(seed_index):
    index = SearchIndex(seed_index)
    inside = index.search(SearchRequest(query="systemic practice model",
                                        filters={"authority": ["durham"]}))
    assert inside.total == 0  # County Durham's report has none of it
    for mode in ("words", "hybrid"):  # not the words across England (tests/test_relax.py)
        results = index.search(SearchRequest(query="Durham systemic practice model", mode=mode))
        assert (results.authority_in_query["key"], results.total) == ("durham", 0)


def test_most_words_keeps_the_filters_typed_in_the_query(seed_index):
    index = SearchIndex(seed_index)
    query = "police sergeants seconded as multi-agency team managers"
    results = index.search(SearchRequest(query=query + " year:2013", per_page=50))
    assert results.match == "most" and results.total > 0
    assert {hit.year for hit in results.hits} == {2013}
