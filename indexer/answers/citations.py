"""Citations for passages, and the reference formats of exports (RIS, BibTeX).

The citation style (docs/decisions/0013-citations-and-feeds.md) is Harvard-like, the way
UK social-care papers cite Ofsted letters:

    Ofsted (2021) Inspection of Dorset local authority children's services. Published
    19 November 2021, p. 3. Available at: https://files.ofsted.gov.uk/v1/file/50172438
    (Accessed: 30 November 2026). Passage: <permalink>.

The year is the publication year (the report's year when no publication date is stated);
", p. N" appears only when the passage's PDF page is known. The citation leads with
Ofsted's published original when it is known, the passage's permalink in this service
after it; when the original is not known the permalink is the address cited.
RIS and BibTeX references give the pages of the matching passages (SP/EP, `pages`).
"""
from __future__ import annotations

import re
from datetime import date

from indexer.domain.slugs import slug

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
ORIGINAL_URL_KEYS = ("original_url", "source_url", "url")  # whichever the report records


def parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def long_date(value) -> str:
    """'2018-02-27' -> '27 February 2018'; unparseable values are shown as given."""
    day = value if isinstance(value, date) else parse_date(value)
    if day is None:
        return value or ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def original_url(report: dict) -> str | None:
    """The published original's address, when the report record carries one."""
    return next((report[k] for k in ORIGINAL_URL_KEYS if report.get(k)), None)


def passage_pages(report: dict) -> dict[str, int]:
    """passage_id -> PDF page, for the passages whose page the parser recorded."""
    return {p["passage_id"]: p["page"] for s in report.get("sections", [])
            for p in s.get("passages", []) if p.get("page")}


def cited_year(report: dict) -> int:
    published = parse_date(report.get("published"))
    return published.year if published else int(report.get("year") or 0)


def full_title(report: dict) -> str:
    """The printed title, with the authority added when the title does not name it."""
    title = re.sub(r"\s+", " ", report.get("title", "")).strip().rstrip(". ")
    authority = (report.get("authority") or "").strip()
    if authority and authority.lower() not in title.lower():
        return f"{title}: {authority}"
    return title


def citation(report: dict, permalink: str, page: int | None = None,
             accessed: date | None = None) -> str:
    """One passage's citation in the documented style."""
    return citer(report, accessed)(permalink, page)


def citer(report: dict, accessed: date | None = None):
    """citation() for many passages of one report: the report's part is worked out once
    (exports cite thousands of passages); returns (permalink, page) -> citation."""
    accessed = accessed or date.today()
    published = (f"Published {long_date(report['published'])}" if report.get("published")
                 else "Publication date not stated")
    head = f"Ofsted ({cited_year(report)}) {full_title(report)}. {published}"
    original = original_url(report)
    accessed_text = f" (Accessed: {long_date(accessed)})."

    def cite(permalink: str, page: int | None = None) -> str:
        where = f", p. {page}" if page else ""
        if original:
            return (f"{head}{where}. Available at: {original}{accessed_text} "
                    f"Passage: {permalink}.")
        return f"{head}{where}. Available at: {permalink}{accessed_text}"
    return cite


def page_range(notes: list[dict]) -> tuple[int, int] | None:
    """(first, last) PDF page of a report's matching passages, None when none is known."""
    pages = [n["page"] for n in notes if n.get("page")]
    return (min(pages), max(pages)) if pages else None


def note_text(note: dict) -> str:
    """One matching passage as a reference note: 'Heading (p. N): text (permalink)'."""
    where = f" (p. {note['page']})" if note.get("page") else ""
    return f"{note['heading']}{where}: {note['text']} ({note['permalink']})"


def _ris_line(tag: str, value) -> str:
    text = re.sub(r"\s+", " ", str(value)).strip()
    return f"{tag}  - {text}"


def ris_entry(report: dict, url: str, notes: list[dict], found_by: str = "") -> str:
    """One RIS record (a report, TY RPRT) with its matching passages as N1 notes
    (`notes`: {"heading", "text", "permalink", "page"}), their pages as SP/EP, the
    original's URL first when known, and `found_by` (the search) as the last note."""
    lines = [_ris_line("TY", "RPRT"), _ris_line("AU", "Ofsted"),
             _ris_line("TI", full_title(report)), _ris_line("PY", cited_year(report))]
    if report.get("published"):
        lines.append(_ris_line("DA", report["published"].replace("-", "/")))
    pages = page_range(notes)
    if pages:
        lines += [_ris_line("SP", pages[0]), _ris_line("EP", pages[1])]
    lines += [_ris_line("PB", "Ofsted"), _ris_line("CY", "Manchester"),
              _ris_line("KW", report.get("authority", "")),
              _ris_line("KW", report.get("inspection_type_label", ""))]
    lines += [_ris_line("UR", link) for link in (original_url(report), url) if link]
    lines += [_ris_line("N1", note_text(note)) for note in notes]
    if found_by:
        lines.append(_ris_line("N1", found_by))
    lines.append(_ris_line("ID", report["report_id"]))
    return "\r\n".join(lines + ["ER  - ", ""])


BIB_SPECIALS = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}",
                              "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                              "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"})


def bib_text(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().translate(BIB_SPECIALS)


def bib_key(report: dict) -> str:
    return "ofsted-" + slug(report["report_id"])


def bib_comment(text: str) -> str:
    """A BibTeX @comment (how the file was made), ignored by BibTeX and reference managers."""
    return "@comment{" + bib_text(text) + "}\n"


def bib_entry(report: dict, url: str, notes: list[dict], found_by: str = "") -> str:
    """One BibTeX @techreport for a report; its matching passages joined into `note`,
    their pages as `pages`, the original's URL as `url` when known (the permalink in
    `howpublished`), `found_by` (the search) as `annote`. The corporate author and the
    title are double-braced so BibTeX keeps their case."""
    published = parse_date(report.get("published"))
    fields = [("author", "{{Ofsted}}"), ("title", "{{" + bib_text(full_title(report)) + "}}"),
              ("institution", "{Ofsted}"), ("year", "{%d}" % cited_year(report))]
    if published:
        fields.append(("month", MONTHS[published.month - 1][:3].lower()))
    fields.append(("type", "{" + bib_text(report.get("inspection_type_label") or "Report") + "}"))
    pages = page_range(notes)
    if pages:
        fields.append(("pages", "{%d--%d}" % pages if pages[0] != pages[1] else "{%d}" % pages[0]))
    original = original_url(report)
    fields.append(("url", "{" + (original or url) + "}"))
    if original:
        fields.append(("howpublished", "{Searchable text: \\url{" + url + "}}"))
    if notes:
        fields.append(("note", "{" + " \\par ".join(bib_text(note_text(n)) for n in notes) + "}"))
    if found_by:
        fields.append(("annote", "{" + bib_text(found_by) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@techreport{{{bib_key(report)},\n{body}\n}}\n"
