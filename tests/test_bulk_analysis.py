"""indexer.index.bulk_analysis gives exactly the postings Whoosh's analyzers give (terms,
positions, frequencies, weights, encoded values) for every text field of the schema, on the
seeds, on real corpus passages and on odd input; any other analyzer is left to Whoosh."""
from __future__ import annotations

from collections import defaultdict

import pytest
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import TEXT

from indexer.index import bulk_analysis
from indexer.index.build import _documents_of
from indexer.index.schema import make_schema
from indexer.ingest.parse import parse_file

SCHEMA = make_schema()
TEXT_FIELDS = ("text", "heading", "title", "exact", "exact_heading")
ODD = [
    "", "   ", "\n\t", "the of and", "the children", "Children’s and children's childrens’",
    "multi-agency MultiAgency multi agency co-ordinated on-going in-house well-being",
    "s47 s.47 S. 20 s 47 section 47 s47a s1234 as47 s47s47 S.47b.",
    "café Zürich naïve ﬁnance İstanbul Straße ΑΘΗΝΑ", "2019-20 2019–20 10,000 3.5 £1,200",
    "<script>alert('x')</script> &amp; <b>bold</b>", "don't won’t 's ’s '", "a-b-c-d-e-f x--y",
    "__init__ foo_bar _ ‐‑ - ‘quoted’ “double”", "word " * 50 + "not effective not",
    "supercalifragilistic" * 20, "Ⅻ ² ½ ١٢٣ 一二三 emoji 😀 text", "self-harm self harm selfharm",
    "it is the end", "The LSCB › Areas for improvement ▪ bullet – dash",
]


def whoosh_positions(field, value: str) -> dict[bytes, list[int]]:
    found = defaultdict(list)
    for token in field.analyzer(value, positions=True, boosts=True, mode="index"):
        if not token.stopped:
            found[token.text.encode("utf-8")].append(token.pos)
    return dict(found)


def assert_same(field_name: str, value: str) -> None:
    field = SCHEMA[field_name]
    chain = bulk_analysis.for_field(field)
    assert chain is not None
    poses = chain.positions(value)
    assert poses == whoosh_positions(field, value)
    assert list(poses) == list(whoosh_positions(field, value))  # first-occurrence order
    assert bulk_analysis.word_values(poses, field.format.field_boost) == list(field.index(value))


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("field_name", ["text", "exact", "heading"])
def test_odd_input_analyses_as_whoosh_does(field_name, value):
    assert_same(field_name, value)


def test_every_seed_chunk_analyses_as_whoosh_does(seeds_dir):
    values = 0
    for path in sorted(seeds_dir.iterdir()):
        for doc in _documents_of(parse_file(str(path)).to_dict()):
            for name in TEXT_FIELDS:
                assert_same(name, doc[name])
                values += 1
    assert values > 1000


def test_real_passages_analyse_as_whoosh_does(corpus_dir):
    pdfs = sorted(corpus_dir.glob("*/inspection_reports/**/*.pdf"))[::20]
    assert len(pdfs) >= 10
    for path in pdfs:
        report = parse_file(str(path)).to_dict()
        for section in report["sections"]:
            assert_same("heading", section["heading"])
            for passage in section["passages"]:
                assert_same("text", passage["text"])
                assert_same("exact", passage["text"])


def test_the_comparison_can_fail():
    """Whoosh's positions for one text are not the bulk positions of another."""
    field = SCHEMA["text"]
    assert bulk_analysis.for_field(field).positions("the children") == {b"children": [1]}
    assert whoosh_positions(field, "children") != {b"children": [1]}


def test_values_are_new_objects_each_time():
    """Whoosh pickles a block's values as one list: shared objects would change its bytes."""
    chain = bulk_analysis.for_field(SCHEMA["text"])
    one = bulk_analysis.word_values(chain.positions("children"), 1.0)
    two = bulk_analysis.word_values(chain.positions("children"), 1.0)
    assert one == two and one[0][3] is not two[0][3]


def test_other_analyzers_are_left_to_whoosh():
    assert bulk_analysis.for_field(TEXT(analyzer=StandardAnalyzer())) is None
    assert bulk_analysis.for_field(SCHEMA["chunk_id"]) is None
    assert bulk_analysis.for_field(SCHEMA["text"]) is not None
