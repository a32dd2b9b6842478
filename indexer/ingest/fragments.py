"""No fragments: tidy the passages of each section before they get their ids.

A passage of a few words rarely stands on its own. In order:
- judgement table cells ("Judgement | Grade", "Overall effectiveness | Good", a grade
  alone under its judgement heading) become
  rows of the report's judgement table (metadata), not passages;
- a second table header cell right under a short heading joins the heading
  ("Ofsted" + "Care Quality Commission");
- a bare conjunction left over from a split title ("and") is dropped;
- a list introduction or a label ("Immediately:", "Within three months:", "Lead
  inspector:") is joined to the passage it introduces, unless it only repeats the section's
  heading ("13. Priorities for further improvement:"), which is dropped;
- a short list item joins the item before it when that one leads into it (ends in ":",
  ";" or ",", or leaves a bracket open), when the item starts in lower case, or when both
  are "area: grade" items of one list;
- in a list section (areas for improvement, priority action, ...), an item whose colon
  asks for a complement ("Services to care leavers, including:", "monitoring of:") keeps
  the lower-case items printed under it as its sub-items: one recommendation, not three
  that lost their subject (Devon 2020, Cheshire East 2015).
What remains short is a complete item printed in a few words ("Foster carer
recruitment."). Passage ids are content hashes given afterwards, so only joined passages
change id.
"""
from __future__ import annotations

import re

from indexer.domain import taxonomy
from indexer.domain.inspection_types import GRADE_PATTERN
from indexer.models import Section

SHORT_WORDS = 3  # a passage of this many words or fewer is a fragment
LABEL_MAX_WORDS = 20  # a judgement label (table row header) is at most this long
INTRO_MAX_WORDS = 8  # "Within three months:" and the like
_GRADE_CELL = re.compile(
    rf"\s*(?:grade\s*\d\s*)?\(?\s*{GRADE_PATTERN}\s*\)?\s*(?:\(?\s*grade\s*\d\s*\)?)?\s*\.?\s*",
    re.IGNORECASE)
_HEADER_CELL = re.compile(r"\s*(?:key\s+)?(?:judge?ment|grade|judge?ment\s+grade)\s*",
                          re.IGNORECASE)
_GRADED_ITEM = re.compile(rf"[^:]{{2,120}}:\s*{GRADE_PATTERN}[\w ]*\.?", re.IGNORECASE)
_CONJUNCTION = re.compile(r"\s*(?:and|or|&)\s*", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# A colon after a word that needs a complement opens a list of sub-items; "the following"
# and timing labels ("Immediately:", "Within three months:") open separate items instead.
_SUB_LIST_LEAD = re.compile(
    r"\b(?:including|include|includes|of|for|by|to|that|in|on|with|as|around|about|through"
    r"|across|particularly|especially|where|when)\s*:(?:\s|$)", re.IGNORECASE)


def words(text: str) -> int:
    return len(_WORD.findall(text))


def is_grade(text: str) -> bool:
    """A judgement table cell holding a grade ("Good", "Grade 3 (Adequate)")."""
    return _GRADE_CELL.fullmatch(text) is not None


def is_fragment(text: str) -> bool:
    return words(text) <= SHORT_WORDS


def _is_label(text: str) -> bool:
    """Could be a table row header: short, not a sentence, not itself a grade."""
    return (0 < words(text) <= LABEL_MAX_WORDS and not re.search(r"[.:;!?]\s*$", text)
            and not _GRADE_CELL.fullmatch(text) and not _HEADER_CELL.fullmatch(text))


def _table_rows(section: Section, rows: list[dict]) -> None:
    """Move judgement table cells out of the section's passages into `rows`."""
    kept = []
    for passage in section.passages:
        text = passage.text
        if _HEADER_CELL.fullmatch(text):
            continue
        if _GRADE_CELL.fullmatch(text):
            if kept and _is_label(kept[-1].text):
                label = kept.pop().text
            else:
                label = section.heading
            rows.append({"heading": section.heading, "label": label.strip(),
                         "grade": text.strip(" .")})
        else:
            kept.append(passage)
    section.passages = kept


def _header_cell(section: Section) -> None:
    """A short heading over a short first cell is a two-cell table header."""
    if (section.passages and section.heading and words(section.heading) <= SHORT_WORDS
            and taxonomy.classify_heading(section.heading) is None
            and is_fragment(section.passages[0].text)
            and not section.passages[0].text.rstrip().endswith((":", ".", ";"))):
        section.heading = f"{section.heading} / {section.passages.pop(0).text.strip()}"
        section.key = taxonomy.classify_heading(section.heading) or section.key


def _leads_in(text: str) -> bool:
    return text.rstrip().endswith((":", ";", ",", " and", " or"))


def _joiner(previous: str, text: str) -> str | None:
    """How a short item joins the passage before it, or None if it stands alone: after a
    lead-in, inside an open bracket, in lower case, or as one more "area: grade" item."""
    if _leads_in(previous) or text[:1].islower() or previous.count("(") > previous.count(")"):
        return " "
    if _GRADED_ITEM.fullmatch(text) and _GRADED_ITEM.fullmatch(previous.split("; ")[-1]):
        return "; "
    return None


def _repeats_heading(text: str, section: Section) -> bool:
    """A numbered introduction that only repeats its section's heading."""
    return (re.match(r"\d{1,3}\.\s", text) is not None
            and taxonomy.classify_heading(text) == section.key)


def _join(section: Section) -> None:
    """Join introductions to what they introduce and short items to their lead-in."""
    out = []
    passages = [p for p in section.passages if not _CONJUNCTION.fullmatch(p.text)]
    index = 0
    while index < len(passages):
        passage = passages[index]
        text = passage.text.strip()
        following = passages[index + 1] if index + 1 < len(passages) else None
        if (following is not None and text.endswith(":") and words(text) <= INTRO_MAX_WORDS
                and _repeats_heading(text, section)):
            index += 1  # "13. Priorities for further improvement:" under that heading
            continue
        if (following is not None and text.endswith(":") and words(text) <= INTRO_MAX_WORDS):
            following.text = f"{text} {following.text.strip()}"
            if passage.page and not following.page:
                following.page = passage.page
            index += 1
            continue
        joiner = _joiner(out[-1].text, text) if out and is_fragment(text) else None
        if joiner is not None:
            out[-1].text = f"{out[-1].text.rstrip()}{joiner}{text}"
        else:
            out.append(passage)
        index += 1
    section.passages = out


def _sub_items(section: Section) -> None:
    """Join the lower-case sub-items of a list item to it ("Services to care leavers,
    including:" + "sufficiency of accommodation ..." + ...), separated by "; "."""
    out = []
    open_lead = False
    for passage in section.passages:
        text = passage.text.strip()
        if open_lead and out and text[:1].islower():
            previous = out[-1].text.rstrip()
            separator = " " if previous.endswith((";", ":", ",", " and", " or")) else "; "
            out[-1].text = f"{previous}{separator}{text}"
            continue
        open_lead = bool(_SUB_LIST_LEAD.search(text)) and "following" not in text.lower()
        out.append(passage)
    section.passages = out


def tidy(sections: list[Section]) -> list[dict]:
    """Tidy every non-boilerplate section in place; return the judgement table rows
    found, each {"heading", "label", "grade"}, in document order."""
    rows: list[dict] = []
    for section in sections:
        if section.key == "boilerplate":
            continue
        _table_rows(section, rows)
        _header_cell(section)
        if section.key in taxonomy.LIST_KEYS:
            _sub_items(section)
        _join(section)
    return rows
