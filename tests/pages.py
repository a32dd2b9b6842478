"""Helpers of the web tests: a letter whose text holds a <script> tag, and readers of the
HTML the pages serve (their links, the result count)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

SCRIPT_LETTER = """\
Piccadilly Gate Store Street Manchester M1 2WD www.gov.uk/ofsted

22 March 2019

Ms A Director County Hall Exampleshire EX1 1AA

Dear Ms Director,

Focused visit to Exampleshire County Council children's services

This letter summarises the findings of a focused visit to Exampleshire County Council \
children's services on 5 and 6 March 2019. The inspectors were Pat Example, HMI, and \
Sam Sample, HMI.

Overview

Leaders know their services well and plans are improving steadily.

Findings

- Inspectors found <script>alert(1)</script> in case records about zebra crossings.
- Managers check plans regularly & record decisions.

Yours sincerely

Pat Example
Her Majesty's Inspector
"""


class Links(HTMLParser):
    """Collects <a> elements: their attributes and text."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append({**dict(attrs), "text": ""})

    def handle_data(self, data):
        for link in self._open:
            link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            link = self._open.pop()
            link["text"] = re.sub(r"\s+", " ", link["text"]).strip()
            self.links.append(link)


def links(html: str, css_class: str | None = None) -> list[dict]:
    parser = Links()
    parser.feed(html)
    return [a for a in parser.links
            if css_class is None or css_class in (a.get("class") or "").split()]


def result_count(html: str) -> str:
    match = re.search(r'<p class="result-count" id="result-count"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no result count on the page"
    return match.group(1).strip()
