"""Ofsted's listing pages, read as the scrape tools read them (JT-39 and data-to-insight's
`ofsted_ilacs_scrape` script): the search of local authority children's services lists each
authority as a link whose href holds `/provider/` (`/provider/44/<URN>`), 100 a page
(`&start=N&rows=100`); an authority's provider page lists each published report as an
`a.publication-link` whose `span.nonvisual` reads "Children's services inspection, PDF -
19 November 2021". Each report becomes a `Publication` with the file name those tools
give it (`<urn>_<authority>/<label> - <date>.pdf`, lower case).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup

REPORTS_SITE = "https://reports.ofsted.gov.uk"
FILES_HOST = "files.ofsted.gov.uk"
SEARCH = ("/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12"
          "&start={start}&rows={rows}")  # level 3 / 12: local authority children's services
ROWS = 100  # the most results Ofsted's search returns a page
MAX_PAGES = 10  # 153 authorities today: two pages
PROVIDER = "/provider/44/{urn}"  # 44: local authority children's services
_NONVISUAL = re.compile(r"^(?P<label>.*?)\s*,?\s*\bpdf\b\s*-\s*(?P<date>\d{1,2}\s+\w+\s+\d{4})\s*$",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Provider:
    urn: str
    name: str  # as the listing prints it ("Birmingham City Council")
    url: str


@dataclass(frozen=True)
class Publication:
    url: str
    label: str  # the kind of report as listed ("Children's services inspection")
    published: str | None  # ISO date from the listing, when it gives one
    name: str  # file name: "<label> - <date>.pdf", lower case, as the scrape tools save it


def search_url(base: str, page: int) -> str:
    return base.rstrip("/") + SEARCH.format(start=page * ROWS, rows=ROWS)


def provider_url(base: str, urn: str) -> str:
    return base.rstrip("/") + PROVIDER.format(urn=urn)


def providers(html: str, page_url: str) -> list[Provider]:
    """Every provider linked from a search page, once each, in page order."""
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, Provider] = {}
    for link in soup.find_all("a", href=lambda h: h and "/provider/" in h):
        url = urljoin(page_url, link["href"])
        urn = url.rstrip("/").rsplit("/", 1)[-1]
        name = " ".join(link.get_text(" ").split())
        if urn.isdigit() and name:
            found.setdefault(urn, Provider(urn=urn, name=name, url=url))
    return list(found.values())


def publications(html: str, page_url: str) -> list[Publication]:
    """Every report a provider page lists, newest first as the page orders them."""
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, Publication] = {}
    for link in soup.find_all("a", class_="publication-link", href=True):
        hidden = link.select_one("span.nonvisual")
        text = " ".join((hidden or link).get_text(" ").split())
        url = urljoin(page_url, link["href"])
        if text and url not in found:
            found[url] = _publication(url, text)
    return list(found.values())


def _publication(url: str, text: str) -> Publication:
    parsed = _NONVISUAL.match(text)
    if not parsed:
        return Publication(url=url, label=text, published=None, name=f"{text.lower()}.pdf")
    label, date = parsed["label"].strip(" ,"), " ".join(parsed["date"].split())
    return Publication(url=url, label=label, published=_iso(date),
                       name=f"{label.lower()} - {date.lower()}.pdf")


def _iso(date: str) -> str | None:
    try:
        return datetime.strptime(date, "%d %B %Y").date().isoformat()
    except ValueError:
        return None
