"""Pages and originals: a report knows the URL of its published original from a table
beside it (the corpus manifest, or an originals.csv of file name -> URL), and its report
page shows each passage's PDF page and links to the original."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from indexer.index.build import build
from indexer.ingest.originals import original_url
from indexer.ingest.parse import parse_file
from webui import create_app

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DORSET = (CORPUS / "jt39-ofsted-ilacs" / "inspection_reports" / "2532283_dorset"
          / "children's services inspection - 19 november 2021.pdf")
SEED = ROOT / "seeds" / "002_53d6ee554010a50c.txt"


def test_an_originals_table_gives_the_url_by_file_name(tmp_path):
    shutil.copy(SEED, tmp_path / "letter.txt")
    with open(tmp_path / "originals.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "url"])
        writer.writerow(["letter.txt", "https://files.ofsted.gov.uk/v1/file/2741234"])
    report = parse_file(str(tmp_path / "letter.txt"))
    assert report.original_url == "https://files.ofsted.gov.uk/v1/file/2741234"


def test_only_web_urls_are_taken_and_ambiguous_names_are_not(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        shutil.copy(SEED, tmp_path / folder / "letter.txt")
    shutil.copy(SEED, tmp_path / "other.txt")
    with open(tmp_path / "originals.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "url"])
        writer.writerow(["elsewhere/letter.txt", "https://example.org/1"])
        writer.writerow(["more/letter.txt", "https://example.org/2"])
        writer.writerow(["other.txt", "javascript:alert(1)"])
    assert original_url(str(tmp_path / "a" / "letter.txt"), "0" * 64) is None
    assert original_url(str(tmp_path / "other.txt"), "0" * 64) is None


def test_no_table_means_no_url(tmp_path):
    shutil.copy(SEED, tmp_path / "letter.txt")
    assert parse_file(str(tmp_path / "letter.txt")).original_url is None


@pytest.mark.corpus
@pytest.mark.usefixtures("corpus_dir")
def test_a_corpus_report_links_its_original_and_shows_pages(tmp_path, corpus_dir):
    """Dorset's 2021 ILACS report: the manifest's link is Ofsted's file 50172438; the PDF
    text (pymupdf) prints "Inspection dates: 27 September to 8 October 2021" on page 1
    and the heading "What needs to improve?" on page 2."""
    assert DORSET.exists(), f"{DORSET} is missing from the corpus"
    index_dir = tmp_path / "index"
    build([str(DORSET)], str(index_dir), workers=1)
    client = create_app({"OFSTED_INDEX": str(index_dir), "TESTING": True}).test_client()
    report = client.get("/api/search?q=&per_page=1").get_json()["hits"][0]
    assert report["original_url"] == "https://files.ofsted.gov.uk/v1/file/50172438"
    data = client.get(f"/api/reports/{report['report_id']}").get_json()
    assert data["original_url"] == "https://files.ofsted.gov.uk/v1/file/50172438"
    improve = next(s for s in data["sections"] if s["heading"].startswith("What needs to"))
    assert improve["passages"][0]["page"] == 2
    page = client.get(f"/reports/{report['report_id']}").get_data(as_text=True)
    assert '<a href="https://files.ofsted.gov.uk/v1/file/50172438"' in page
    assert '<span class="page-number" title="Page 2 of the PDF">p. 2</span>' in page
