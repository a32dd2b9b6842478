"""Quoted phrases are exact: over the 235 real PDFs, the number of reports the search
reports for "a phrase" equals a count made independently from the PDFs' text.

How the independent count is made (nothing of ours is used: no reader, no analyzer):
1. every PDF under ../shared/corpus is opened with PyMuPDF and its pages' plain text
   (`page.get_text()`) joined with spaces;
2. the text is folded: accents removed (NFKD), lower case, apostrophes dropped
   ("children’s" -> "childrens"), then every run of non-word characters (spaces, line
   breaks, hyphens, punctuation) becomes one space;
3. a report contains the phrase when " <folded phrase> " occurs in " <folded text> ".
To make it comparable with the index: PDFs are keyed by sha256 (the index keeps one report
per identical file) and only files the index accepted are counted; the search asks for
every section, boilerplate included (hidden by default, and the raw text has it).
Phrases are chosen so that no occurrence is split by a page break or a line-end hyphen:
there the reader rightly drops running headers ("staying \\n<page header>\\n put"), and
guesses whether a line-end hyphen is a compound ("life-\\nstory" is read as "lifestory",
so "life story work" counts 87 reports against 90 in the raw text).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import pytest

from indexer.domain.taxonomy import SECTION_KEYS
from indexer.models import SearchRequest
from indexer.search.service import SearchIndex

# stop words, plurals against singulars, hyphens against spaces, near misses
PHRASES = [
    "drift and delay", "drift or delay", "private fostering", "private fostering arrangements",
    "child protection plans", "child protection plan", "the voice of the child",
    "edge of care", "out of hours", "the quality of practice is", "not effective",
    "multi-agency safeguarding hub", "looked after children", "looked-after children",
    "child-centred", "corporate parenting", "missing from home", "signs of safety",
]


def fold(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"['’]", "", text.lower())
    return " " + re.sub(r"\W+", " ", text).strip() + " "


@pytest.fixture(scope="module")
def pdf_texts(corpus_dir) -> dict[str, str]:
    """sha256 -> folded plain text of every PDF in the corpus."""
    fitz = pytest.importorskip("pymupdf")
    texts = {}
    for path in sorted(corpus_dir.rglob("*.pdf")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in texts or not data.startswith(b"%PDF"):
            continue
        with fitz.open(stream=data, filetype="pdf") as doc:
            texts[digest] = fold(" ".join(page.get_text() for page in doc))
    return texts


@pytest.fixture(scope="module")
def corpus_index(corpus_build) -> SearchIndex:
    return SearchIndex(corpus_build[0])


def searched_reports(index: SearchIndex, phrase: str) -> tuple[int, set[str]]:
    """(the count of reports the search reports, the sha256 of every report it lists)."""
    reports = index.generation().reports
    page, found, everywhere = 1, set(), {"section": list(SECTION_KEYS)}
    while True:
        results = index.search(SearchRequest(query=f'"{phrase}"', filters=everywhere,
                                             per_page=100, page=page))
        found |= {reports[hit.report_id]["sha256"] for hit in results.hits}
        if page * 100 >= results.total:
            return results.reports, found
        page += 1


@pytest.mark.corpus
@pytest.mark.parametrize("phrase", PHRASES)
def test_phrase_count_equals_independent_count(phrase, pdf_texts, corpus_index):
    indexed = {r["sha256"] for r in corpus_index.generation().reports.values()}
    wanted = fold(phrase)
    independent = {d for d, text in pdf_texts.items() if d in indexed and wanted in text}
    count, listed = searched_reports(corpus_index, phrase)
    assert independent, f"{phrase!r} should occur in the corpus"
    assert (count, listed) == (len(independent), independent)


@pytest.mark.corpus
def test_near_misses_are_not_matches(corpus_index):
    """Stop words and plurals count: each pair names different sets of reports."""
    for a, b in [("drift and delay", "drift or delay"),
                 ("child protection plans", "child protection plan")]:
        assert searched_reports(corpus_index, a)[1] != searched_reports(corpus_index, b)[1]
    assert searched_reports(corpus_index, "looked-after children") == \
        searched_reports(corpus_index, "looked after children")
