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


def _corpus_like(tmp_path: Path, rows: list[tuple], manifest: list[tuple]) -> Path:
    """A folder laid out as the corpus: MANIFEST.csv (no URL column), metadata/*.xlsx
    written with openpyxl, and report files under inspection_reports/<urn>_<name>/."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["urn", "local_authority", "inspection_link", "inspection_start_date",
                  "publication_date"])
    for row in rows:
        sheet.append(list(row))
    (tmp_path / "metadata").mkdir()
    book.save(tmp_path / "metadata" / "overview.xlsx")
    with open(tmp_path / "MANIFEST.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "sha256", "la_urn", "publication_date_from_filename"])
        for file, urn, day in manifest:
            path = tmp_path / file
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SEED, path)
            writer.writerow([file, "", urn, day])
    return tmp_path


def test_a_metadata_workbook_gives_the_url_by_urn_and_publication_date(tmp_path):
    from datetime import datetime
    root = _corpus_like(tmp_path, [
        ("80485", "liverpool", "https://files.ofsted.gov.uk/v1/file/50000222", "02/08/16",
         "03/08/16"),
        ("80498", "haringey", "https://files.ofsted.gov.uk/v1/file/50024897", "30/01/18",
         datetime(2018, 1, 30)),
        ("80500", "twice", "https://files.ofsted.gov.uk/v1/file/1", "01/02/20", "01/02/20"),
        ("80500", "twice", "https://files.ofsted.gov.uk/v1/file/2", "01/02/20", "01/02/2020"),
    ], [
        ("r/80485_liverpool/jtai - 03 august 2016.txt", "80485", "03 august 2016"),
        ("r/80498_haringey/jtai - 30 january 2018.txt", "80498", "30 january 2018"),
        ("r/80498_haringey/review - 03 july 2009.txt", "80498", "03 july 2009"),
        ("r/80500_twice/jtai - 01 february 2020.txt", "80500", "01 february 2020"),
    ])
    found = {name: original_url(str(root / name), "0" * 64) for name in (
        "r/80485_liverpool/jtai - 03 august 2016.txt", "r/80498_haringey/jtai - 30 january 2018.txt",
        "r/80498_haringey/review - 03 july 2009.txt", "r/80500_twice/jtai - 01 february 2020.txt")}
    assert list(found.values()) == ["https://files.ofsted.gov.uk/v1/file/50000222",
                                    "https://files.ofsted.gov.uk/v1/file/50024897",
                                    None,  # an older report of the authority: not guessed
                                    None]  # two links for one (URN, date): neither


def test_an_unreadable_workbook_gives_no_url_and_no_error(tmp_path):
    root = _corpus_like(tmp_path, [], [("r/1_a/x - 01 may 2020.txt", "1", "01 may 2020")])
    (root / "metadata" / "overview.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (root / "metadata" / "broken.xlsx").write_text("plain text")
    assert original_url(str(root / "r/1_a/x - 01 may 2020.txt"), "0" * 64) is None
    assert parse_file(str(root / "r/1_a/x - 01 may 2020.txt")).original_url is None


@pytest.mark.corpus
def test_the_corpus_workbooks_give_jtai_and_send_originals(corpus_dir):
    """Every area SEND report and 12 of the 16 JTAI reports are in their folder's overview
    workbook (the latest inspection of each authority); the focused visits have no table."""
    counts: dict[str, list[int]] = {}
    for folder in ("d2i-ofsted-jtai", "d2i-ofsted-area-send", "d2i-ofsted-focused-visits"):
        with open(corpus_dir / folder / "MANIFEST.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        urls = [original_url(str(corpus_dir / folder / r["file"]), r["sha256"]) for r in rows]
        assert all(u is None or u.startswith("https://files.ofsted.gov.uk/v1/file/") for u in urls)
        counts[folder] = [sum(u is not None for u in urls), len(urls)]
    assert counts == {"d2i-ofsted-jtai": [12, 16], "d2i-ofsted-area-send": [10, 10],
                      "d2i-ofsted-focused-visits": [0, 96]}
    liverpool = next(corpus_dir.glob("d2i-ofsted-jtai/inspection_reports/80485_*/*.pdf"))
    assert original_url(str(liverpool), "") == "https://files.ofsted.gov.uk/v1/file/50000222"
