"""Metadata of one report from its cleaned blocks and file name: title, authority and its
key, inspection type, inspection and publication dates, year, judgements and lead
inspector. Type patterns and judgement vocabulary live in indexer.domain.inspection_types.
"""
from __future__ import annotations

import re

from indexer.ingest import clean, dates
from indexer.domain.authorities import authority_key, resolve
from indexer.domain import inspection_types as types
from indexer.domain.taxonomy import SPACE_RUNS
from indexer.models import Block

HEAD_BLOCKS = 60  # blocks searched for the title, cover lines and dates
HEAD_LINES = 300
MAX_PREFIX = 100  # a title may follow a cover line in its paragraph, not a sentence
SHORT_ILACS_MAX_DAYS = 7
_WORD = (r"(?!(?:Team|Deputy|Her|His|Lead|HMI|Ofsted|Senior|Inspector\w*|and|Majesty|Care"
         r"|Commission|Quality|Council|Children|Services|Director|Social|Yours|Dear|The"
         r"|National|Chief|Regulation|Mr|Mrs|Ms|Miss|Dr|Professor)\b)")
_NAME = (rf"(?-i:{_WORD}[A-Z][a-z]+[A-Za-z'\-]*(?:\s+[A-Z]\.?(?=\s))?"
         rf"(?:\s+{_WORD}(?:Mc|Mac|O')?[A-Z][A-Za-z'\-]+){{1,2}})")
_HMI = r"(?:,?\s*(?:HMI\b|(?:Her|His) Majesty's Inspector\b(?!s|ate|\s+of\b)))"
_LEAD_AFTER_NAME = r"(?:HMI,?\s+(?:Ofsted,?\s+)?|Ofsted,?\s+(?:HMI,?\s+)?)lead\s+inspector"
_INSPECTOR_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    rf"({_NAME}),?\s+{_LEAD_AFTER_NAME}",
    rf"(?<!Ofsted )(?<!CQC )(?<!HMI )\b(?:lead|reporting) inspector\s*:?\s*({_NAME})",
    rf"(?:inspectors?(?:\s+for\s+(?:this|the)\s+visit)?\s+were|carried out by|conducted by)"
    rf"\s+(?:(?:(?:Her|His) Majesty's Inspectors?|HMI|\(HMI\)|Social Care|two of)[,\s]*)*"
    rf"({_NAME})",
    rf"Yours?\s+sincerely,?\s+(?:[^\n]*\n\s*){{0,3}}?({_NAME}){_HMI}",
    rf"(?m)^\s*({_NAME}){_HMI}\s*$",
))

_LEAD_AFTER = re.compile(_LEAD_AFTER_NAME, re.IGNORECASE)


def extract_metadata(blocks: list[Block], source: str) -> dict:
    """Read the metadata fields of one report (see the module docstring)."""
    texts = [_normalise(b.text) for b in blocks]
    head, full = _head(texts), "\n".join(texts)
    key, title, authority = _identify(head, [b.text for b in blocks[:HEAD_BLOCKS]
                                             if b.kind == "heading"])
    published = dates.published_date(head, source)
    span = dates.inspection_span("\n".join(head), published)
    if key == "ilacs_standard" and span and (span[1] - span[0]).days <= SHORT_ILACS_MAX_DAYS:
        key = "ilacs_short"
    authority = _council_area(authority, full)
    record = resolve(authority, dates.iso(span[0]) if span else dates.iso(published))
    overall, judgements = _judgements(key, head, full)
    year = (span[0].year if span else None) or (published.year if published else None)
    return {
        "title": title,
        "authority": authority,
        "authority_key": record.key if record else authority_key(authority),
        "authority_name": record.name if record else authority,
        "region": record.region if record else None,
        "la_urn": record.la_urn if record else None,
        "inspection_type": key,
        "inspection_type_label": title if key == "other" and title else types.label_for(key),
        "inspection_start": dates.iso(span[0]) if span else None,
        "inspection_end": dates.iso(span[1]) if span else None,
        "published": dates.iso(published),
        "year": year or _any_year("\n".join(head), full, source),
        "overall_judgement": overall,
        "judgements": judgements,
        "lead_inspector": lead_inspector(full),
    }


def _normalise(text: str) -> str:
    """clean's character and space rules, line by line (lines kept), with straight
    apostrophes (the title patterns of inspection_types are written with ')."""
    text = re.sub(r"[\u2018\u2019\u02bc`\u00b4]", "'", clean.characters(text))
    return "\n".join(clean.spaces(line) for line in text.split("\n"))


def _collapse(text: str) -> str:
    return SPACE_RUNS.sub(" ", text).strip()  # runs of white space as one space


# ---- title, type and authority -------------------------------------------------------

def _head(texts: list[str]) -> list[str]:
    """The opening paragraphs: the first blocks split at blank lines (a reader may leave
    a whole cover page in one block), at most HEAD_LINES lines in all."""
    head, lines = [], 0
    for text in texts[:HEAD_BLOCKS]:
        for paragraph in re.split(r"\n\s*\n", text):
            if paragraph.strip() and lines < HEAD_LINES:
                head.append("\n".join(paragraph.split("\n")[:HEAD_LINES - lines]))
                lines += paragraph.count("\n") + 1
    return head


def _any_year(head: str, full: str, source: str) -> int:
    """Last resort for `year`: any plausible year in the opening, the text, the name."""
    year = dates.first_year(head) or dates.first_year(full) or dates.first_year(source)
    if year is None:
        raise ValueError("no inspection date, publication date or year in the document")
    return year


def _segments(head: list[str]):
    """(paragraph index, offset, text, prefix) for each line start of each paragraph
    that is at most MAX_PREFIX characters in; the prefix is the text before that line."""
    for index, text in enumerate(head):
        lines = [line for line in text.split("\n") if line.strip()]
        for number in range(len(lines)):
            prefix = _collapse(" ".join(lines[:number]))
            if len(prefix) > MAX_PREFIX:
                break
            yield index, len(prefix), _collapse(" ".join(lines[number:])), prefix


def _find_title(head: list[str]):
    """Earliest title match: (block index, type key, match, text before it in its block)."""
    best, segments = None, list(_segments(head))
    for order, itype in enumerate(types.INSPECTION_TYPES):
        for pattern in types.compiled(itype.key):
            for index, offset, text, prefix in segments:
                for match in pattern.finditer(text):
                    before = _collapse(prefix + " " + text[:match.start()])
                    if len(before) > MAX_PREFIX or re.search(r"[.!?;]$", before):
                        continue
                    rank = (index, offset + match.start(), order)
                    if best is None or rank < best[0]:
                        best = (rank, itype.key, match, before)
                    break
    return (best[0][0],) + best[1:] if best else None


def _identify(head: list[str], headings: list[str]) -> tuple[str, str, str]:
    """(type key, printed title, authority as printed) from the opening paragraphs."""
    found = _find_title(head)
    if not found:
        title = _first_heading(headings) or _first_heading(head)
        return "other", title, _authority_mention("\n".join(head))
    index, key, match, before = found
    title = _clean_title(match.group(0))
    if key == "sif" and re.search(r"Review of the effectiveness of the Local Safeguarding",
                                  " ".join(head[index:index + 3])):
        title += " and Review of the effectiveness of the Local Safeguarding Children Board"
    authority = match.groupdict().get("authority") or before or _cover_line(head, index)
    return ("ilacs_standard" if key == "ilacs_short" else key), title, authority or ""


def _clean_title(text: str) -> str:
    return re.sub(r"(?<=[a-z])\d\b", "", _collapse(text)).strip(" ,.")


def _first_heading(texts: list[str]) -> str:
    for text in texts:
        text = _collapse(text)
        if 10 < len(text) < 160 and not dates.whole_date(text) and text[0].isupper():
            return _clean_title(text)
    return ""


def _looks_like_name(text: str) -> bool:
    text = _collapse(text)
    return (2 < len(text) <= 80 and not re.search(r"\d|@|www\.", text)
            and text[0].isupper() and not re.match(
                r"(Inspection|Dear|Age group|Published|Local area partnership report|Ofsted"
                r"|Care Quality|and$|Report)", text, re.IGNORECASE))


def _cover_line(head: list[str], index: int) -> str:
    """The authority printed on its own line just before (else just after) the title."""
    before = [t for t in head[max(0, index - 3):index] if _collapse(t) and
              not re.fullmatch(r"\d+", _collapse(t))]
    if before and _looks_like_name(before[-1]):
        return _collapse(before[-1])
    for text in head[index + 1:index + 3]:
        if _looks_like_name(text):
            return _collapse(text)
    return ""


def _authority_mention(text: str) -> str:
    match = re.search(r"(?:London Borough of|Royal Borough of) [A-Z][\w\-]+(?: (?:and|upon) "
                      r"[A-Z][\w\-]+)*|(?:[A-Z][\w\-]+ ){1,3}(?:County |City |Borough )?"
                      r"Council\b", text)
    return match.group(0) if match else ""


def _council_area(name: str, full: str) -> str:
    """The council area behind a trust, board or partnership name; tidied."""
    name = _clean_title(re.sub(r"^(?:the|a)\s+", "", _collapse(name), flags=re.I))
    name = re.sub(r",?\s*(?:Local Area Partnership|(?:Local )?Safeguarding Children'?s? "
                  r"(?:Board|Partnership))$", "", name, flags=re.I)
    trust = re.match(r"(.+?)\s+(?:Children(?:'s)?(?: and Families)?|Children'?s Services)"
                     r"\s+Trust$", name, re.I)
    if trust:
        return trust.group(1)
    if re.search(r"\b(?:for Children|Trust)$", name):
        behalf = re.search(r"on behalf of (?:the\s+)?((?:[A-Z][\w\-]+\s+){1,4}?)Council", full)
        return behalf.group(1).strip() if behalf else name
    return name


# ---- lead inspector ------------------------------------------------------------------

def lead_inspector(full: str) -> str | None:
    """The lead inspector's name, without "HMI"; patterns in order of trust. The first
    (a name before "HMI lead inspector") is searched only where its end is found: every
    match of it holds one, and its scan for names at every word is most of the cost."""
    for pattern in _INSPECTOR_PATTERNS:
        if pattern is _INSPECTOR_PATTERNS[0] and not _LEAD_AFTER.search(full):
            continue
        match = pattern.search(full)
        if match:
            return _collapse(match.group(1))
    return None


# ---- judgements ----------------------------------------------------------------------

def _judgements(key: str, head: list[str], full: str) -> tuple[str | None, dict]:
    if key.startswith("ilacs"):
        found = _cover_grades(head, types.ILACS_AREAS)
        return found.pop("overall", None), found
    if key == "sif":
        return _sif_judgements(head, full)
    if key == "lscb_review":
        lscb = _lscb_grade(full)
        return lscb, ({"lscb": lscb} if lscb else {})
    if key in ("lac_2013", "safeguarding_lac"):
        return _graded_sections(full)
    if key == "area_send":
        text = _collapse("\n".join(head))
        return next((o for o, p in types.SEND_OUTCOMES if re.search(p, text, re.I)), None), {}
    return None, {}


def _cover_grades(head: list[str], areas) -> dict:
    """Pair area labels with the grades that follow them on the cover, in order."""
    lines = []
    for text in head:
        if len(_collapse(text)) > 300:
            break
        lines.extend(line for line in text.split("\n") if line.strip())
    text = "\n".join(lines)
    marks = [(m.start(), m.end(), area) for area, label in areas
             for m in re.finditer(r"(?m)^\s*" + label.replace(" ", r"\s+"), text, re.I)]
    marks += [(m.start(), m.end(), None) for m in
              re.finditer(types.GRADE_PATTERN, text, re.I)]
    found, pending, last_end = {}, [], -1
    for start, end, area in sorted(marks):
        if start < last_end:
            continue
        last_end = end
        if area:
            pending.append(area)
        elif pending:
            found.setdefault(pending.pop(0), types.canonical_grade(text[start:end]))
    return found


def _sif_judgements(head: list[str], full: str) -> tuple[str | None, dict]:
    found = _cover_grades(head, types.SIF_AREAS)
    if not found:  # cover labels lost (seed 004): five bare grade lines in area order
        bare = [line for text in head[:20] for line in text.split("\n")
                if re.fullmatch(r"\s*" + types.GRADE_PATTERN + r"\s*", line, re.I)]
        if len(bare) == len(types.SIF_AREAS):
            found = {area: types.canonical_grade(line)
                     for (area, _), line in zip(types.SIF_AREAS, bare)}
    lscb = _lscb_grade(full)
    if lscb:
        found["lscb"] = lscb
    overall = re.search(r"overall judgement is (?:that children's services are\s+)?|"
                        r"Children'?s services in [^.\n]{2,80}?\s+(?:are|is)\s+(?=\S)|"
                        r"Children'?s services in [^.\n]{2,80}?\s+(?=require)", full, re.I)
    grade = types.canonical_grade(full[overall.end():overall.end() + 40]) if overall else None
    return grade, found


def _lscb_grade(full: str) -> str | None:
    match = re.search(r"(?:effectiveness of the (?:Local Safeguarding Children\s+Board|LSCB)"
                      r"(?:\s*\(LSCB\))?|The Local Safeguarding Children Board)\s+(?:is\s+)?"
                      r"(?=" + types.GRADE_PATTERN + ")", full, re.I)
    return types.canonical_grade(full[match.end():match.end() + 40], lscb=True) \
        if match else None


def _graded_sections(full: str) -> tuple[str | None, dict]:
    """2009-2013 reports: "Overall effectiveness ... Grade 4 (inadequate)"."""
    grades = {}
    for area, label in (("overall", r"Overall effectiveness"),
                        ("capacity_to_improve", r"Capacity to improve")):
        match = re.search(label + r"[^\n]{0,80}(?:\n[^\n]{0,80}){0,2}?\s*Grade\s*\d\s*\(("
                          + types.GRADE_PATTERN + r")\)", full, re.I)
        if match:
            grades[area] = types.canonical_grade(match.group(1))
    return grades.pop("overall", None), grades
