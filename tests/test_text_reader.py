"""The .txt / .md / .html reader: structure from markup, and clear refusals of bad input."""
import pytest

from indexer.errors import UnreadableFile
from indexer.ingest.parse import parse_file
from indexer.ingest.readers import read_path

LETTER = """12 May 2022

Dear Ms Smith

Focused visit to Exampleshire County Council children's services

This letter summarises the findings of a focused visit to Exampleshire County Council children's services on 4 and 5 April 2022. The inspectors were Jane Doe, HMI, and John Roe, HMI.

Overview

Leaders have a clear understanding of the service.

What needs to improve in this area of social work practice

- The quality of plans.

Findings

- Management oversight is {finding}.
- Children are seen alone.

Yours sincerely

Jane Doe
Her Majesty's Inspector
"""


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n  ", "empty file"),
    ("binary.txt", bytes(range(256)) * 8, "binary file"),
    ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg", "unsupported file type"),
])
def test_bad_text_files_are_refused_with_reason(tmp_path, name, data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_path(write(tmp_path, name, data))


def test_windows_1252_text_is_decoded(tmp_path):
    data = LETTER.format(finding="weak – “x”").encode("cp1252")
    assert b"\x96" in data  # really not UTF-8
    texts = [b.text for b in read_path(write(tmp_path, "letter.txt", data)).blocks]
    assert "Management oversight is weak – “x”." in texts


def test_markdown_and_bullets_become_structure(tmp_path):
    report = parse_file(write(tmp_path, "letter.md", LETTER.format(finding="**not** effective")))
    findings = [s for s in report.sections if s.key == "findings"][0]
    assert [p.text for p in findings.passages] == ["Management oversight is not effective.",
                                                    "Children are seen alone."]
    assert report.authority_key == "exampleshire"
    assert report.inspection_type == "focused_visit"


def test_html_file_structure_and_script_dropped(tmp_path):
    html = """<html><head><title>x</title><script>alert(1)</script></head><body>
    <p>12 May 2022</p><p>Dear Ms Smith</p>
    <h1>Focused visit to Exampleshire County Council children&rsquo;s services</h1>
    <p>This letter summarises the findings of a focused visit on 4 and 5 April 2022.</p>
    <h2>Findings</h2><ul><li>Management oversight is &lt;b&gt;weak&lt;/b&gt;.</li>
    <li>Children are seen alone.</li></ul></body></html>"""
    report = parse_file(write(tmp_path, "letter.html", html))
    findings = [s for s in report.sections if s.key == "findings"][0]
    assert [p.text for p in findings.passages] == ["Management oversight is <b>weak</b>.",
                                                    "Children are seen alone."]
    assert not any("alert(1)" in p.text for _, p in report.passages())


def test_script_written_in_a_text_report_stays_text(tmp_path):
    report = parse_file(write(tmp_path, "letter.txt",
                              LETTER.format(finding="<script>alert(1)</script> weak")))
    texts = [p.text for _, p in report.passages()]
    assert "Management oversight is <script>alert(1)</script> weak." in texts


def test_text_that_is_not_a_report_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="not an inspection report"):
        parse_file(write(tmp_path, "notes.md", "# Notes\n\nSome notes about a parser.\n"))
