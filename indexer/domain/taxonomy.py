"""The section taxonomy: which printed headings map to which canonical section key.

This is data, kept in one place. Each key has a label, a description and the regular
expressions (matched case-insensitively against the whole cleaned heading) that select it.
The first key whose pattern matches wins, so more specific keys come first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SectionKind:
    key: str
    label: str
    description: str
    patterns: tuple[str, ...]


SECTION_KINDS: tuple[SectionKind, ...] = (
    SectionKind(
        "boilerplate", "Boilerplate",
        "Address blocks, signatures, copy lists, contents, standard 'what the judgements "
        "mean' text and Ofsted footers. Never returned unless asked for.",
        (r"contents", r"what the inspection judge?ments mean.*",
         r"(the )?inspection judge?ments and what they mean", r"local authority / integrated care board", r"yours sincerely",
         r"copy(:| to).*", r"letter", r"signature", r"(t|e|w|textphone|telephone|tel)\s*:.*",
         r".*www\.\S+.*", r".*@ofsted\.gov\.uk.*", r"(her|his) majesty'?s inspector.*"),
    ),
    SectionKind(
        "priority_action", "Priority action",
        "Areas for priority action; priority and immediate action.",
        (r"(areas? for )?priority (and immediate )?action.*", r"immediate action.*"),
    ),
    SectionKind(
        "areas_for_development", "Areas for development",
        "Areas for development (2009-2012 letters).",
        (r"areas? (for|of) development.*",),
    ),
    SectionKind(
        "areas_for_improvement", "Areas for improvement",
        "What needs to improve, areas for improvement, recommendations, next steps.",
        (r"(the )?(local authority'?s? |lscb'?s? )?areas? for improvement.*",
         r"what needs to improve.*", r"what does the .{0,60}need to (improve|do better).*",
         r"recommendations?", r"next steps", r"what needs to be better.*",
         r"priorities for (further )?improvement.*"),
    ),
    SectionKind(
        "strengths", "Strengths",
        "Strengths, key strengths, what the partnership does well.",
        (r"(key |main )?strengths", r"what is the area partnership doing that is effective.*",
         r"areas? of strength.*", r".*\bhas the following strengths.*", r"[\w ]{0,40} strengths",
         r"(the )?(local authority|lscb|partnership)'s strengths"),
    ),
    SectionKind(
        "meets_requirements", "Meets requirements",
        "Practice that meets statutory requirements: 'satisfactory practice', 'meets the "
        "requirements of statutory guidance', 'delivered satisfactorily'.",
        (r"satisfactory practice", r".*meets? the requirements of statutory guidance.*",
         r".*delivered satisfactorily.*"),
    ),
    SectionKind(
        "key_findings", "Key findings",
        "Summary of key findings, headline findings, executive summary, inspection outcome.",
        (r"(summary of )?key findings.*", r"summary of (the )?findings", r"headline findings", r"executive summary",
         r"summary", r"record of main findings", r"inspection outcome", r"main judgements?",
         r"overall effectiveness.*", r"this local authority is .*because.*"),
    ),
    SectionKind(
        "overview", "Overview",
        "Overview, and the summary for children and young people.",
        (r"overview", r"summary for children and young people", r"introduction",
         r"(key )?judge?ments?", r"the overall judge?ment is .*",
         r"overall judge?ment on progress.*",
         r"children.s services in .* (are|is|require|requires) .*"),
    ),
    SectionKind(
        "context", "Context",
        "About the inspection and the area: information about this inspection / area, "
        "children living in this area, the inspection team, previous inspections.",
        (r"information about th(is|e) .*", r"about (this|the) inspection", r"inspection team",
         r"the inspection team", r"children (living|looked after) in this area",
         r"child protection in this area", r"other ofsted inspections",
         r"other information about this area", r"previous ofsted inspections?",
         r"service information", r"local area partnership details",
         r"(the )?local (area|authority) (area )?(context|details)", r"context"),
    ),
    SectionKind(
        "findings", "Findings",
        "Findings and judgement narratives: findings, main / inspection findings, the "
        "experiences and progress of ..., the impact of leaders, leadership, management "
        "and governance, the LSCB, case studies.",
        (r"(main |inspection |detailed )?findings.*", r"the experiences and progress of.*",
         r"the impact of leaders.*", r"leadership,? management and governance.*",
         r"(the )?(local safeguarding children board|lscb).*",
         r"inspection judge?ments? about.*", r"(case|practice) study.*",
         r"(children|young people) who need help and protection.*",
         r"(children|young people) looked after.*", r"care leavers.*",
         r"quality of provision", r"capacity to improve", r"local leadership",
         r"what is it like to be a child.*", r"outcomes for .*", r"safeguarding.*",
         r"the graded judge?ment (about|for).*", r"help and protection.*",
         r"the effectiveness of .*", r"key strengths and weaknesses.*",
         r"grade \d.*"),
    ),
)

LIST_KEYS = frozenset({"strengths", "areas_for_development", "areas_for_improvement",
                       "priority_action", "meets_requirements"})  # sections that are lists
DEFAULT_KEY = "findings"  # untitled text between the letter opening and a known heading
OPENING_KEY = "overview"  # the untitled opening paragraphs of a letter or report

SECTION_KEYS: tuple[str, ...] = tuple(k.key for k in SECTION_KINDS)
SECTION_LABELS: dict[str, str] = {k.key: k.label for k in SECTION_KINDS}
HIDDEN_BY_DEFAULT: frozenset[str] = frozenset({"boilerplate"})

_COMPILED = [
    (kind.key, re.compile("|".join(f"(?:{p})" for p in kind.patterns), re.IGNORECASE))
    for kind in SECTION_KINDS
]


# Closing formulas: from one of these to the next heading everything is boilerplate
# (closing sentences, "Yours sincerely", signatures, copy lists).
BOILERPLATE_PASSAGES = re.compile(
    r"^(yours sincerely|yours faithfully|copy:|cc:|a handwritten signature"
    r"|any areas for (development|priority action)( and priority action)? identified above"
    r"|ofsted will take the findings .* into account"
    r"|ofsted will take the findings from this"
    r"|this letter will be published on the ofsted website"
    r"|if you would like a copy of this document in a different format"
    r"|the office for standards in education, children's services and skills \(ofsted\) regulates"
    r"|© crown copyright|you may reuse this information"
    r"|interested in our work\? you can subscribe)",
    re.IGNORECASE)
# Letterhead and contact lines: removed wherever they appear outside a letter's opening
# (PDF extraction sometimes places the first page's letterhead mid-text, even glued to
# the start of a paragraph).
LETTERHEAD = re.compile(
    r"^(?:(?:ofsted\s+)?(?:piccadilly gate|agora)\b[\w ,]*?(?:m1 2wd|ng1 6hj)\s*"
    r"|(?:t:?\s*0300 ?123 ?(?:1231|4234)\s*)?(?:textphone:?\s*0161 ?618 ?8524\s*)?"
    r"(?:e:\s*)?enquiries@ofsted\.gov\.uk\s*(?:w:\s*)?(?:www\.gov\.uk/ofsted|www\.ofsted\.gov\.uk)?\s*"
    r"|(?:t|w|e|textphone|telephone|tel):?\s*(?:0300 ?123 ?(?:1231|4234)|0161 ?618 ?8524"
    r"|www\.\S*ofsted\S*|enquiries@ofsted\.gov\.uk)\s*"
    r"|(?:ofsted|piccadilly gate|store st(?:reet)?|manchester|m1 2wd)\s*$)+",
    re.IGNORECASE)


def strip_letterhead(text: str) -> str:
    """The text without a leading Ofsted letterhead or contact line ("" if that was all)."""
    match = LETTERHEAD.match(text)
    return text[match.end():].strip() if match else text


OPENING_END = re.compile(r"^dear\b", re.IGNORECASE)  # a letter's address block ends here


_GLUED_MARKER = re.compile(r"(?<=[a-z?:)])\d{1,2}$")  # a footnote marker glued to the end
_NUMBERING = re.compile(r"^(section \d+:?|\d+\.)\s*", re.IGNORECASE)
# Runs of white space, but a single plain space (as \s+ -> " " gives, without rewriting
# every space: every line of a report is classified, paragraphs included)
SPACE_RUNS = re.compile(r"[^\S ]\s*| \s+")


def _normalise(heading: str) -> str:
    text = heading.replace("’", "'").strip()
    if text[-1:].isdecimal():  # \d: a Unicode decimal digit (the marker's lookbehind scans)
        text = _GLUED_MARKER.sub("", text)
    text = _NUMBERING.sub("", text)
    return SPACE_RUNS.sub(" ", text).strip(" :?.")


# Part headings: a report in parts (SIF: the local authority, then the LSCB) prints them
# alone or as a prefix ("The local authority - Summary of findings"); they are context
# for every section beneath them (Section.path), not sections themselves.
PART_HEADING = re.compile(
    r"(?:section \d+:?\s*)?"
    r"(the local authority|(?:the effectiveness of )?the local safeguarding children board"
    r"(?: \(lscb\))?|the lscb"
    r"|the local safeguarding children partnership)(?:\s+[-–]\s+(.+))?", re.IGNORECASE)
INTRODUCES = re.compile(r"\bbecause:?$", re.IGNORECASE)  # joins the heading before it
TOPIC_MAX_WORDS = 6  # a sub-heading this short that names a topic keeps its list's key


def split_part(heading: str) -> tuple[str, str]:
    """(part heading or "", the rest of the heading): "The local authority - Summary of
    findings" -> ("The local authority", "Summary of findings")."""
    match = PART_HEADING.fullmatch(re.sub(r"\s+", " ", heading.replace("’", "'")).strip())
    if not match:
        return "", heading
    return match.group(1), (match.group(2) or "").strip()


def classify_heading(heading: str) -> str | None:
    """Return the section key whose pattern matches the whole heading, or None."""
    text = _normalise(heading)
    for key, pattern in _COMPILED:
        if pattern.fullmatch(text):
            return key
    return None


# The part a passage belongs to (the `part` facet), from the first heading of its path:
# key -> label. "none": a report not printed in parts, or a section before the first part.
PART_LABELS = {
    "local_authority": "The local authority",
    "lscb": "The Local Safeguarding Children Board (LSCB)",
    "lscp": "The Local Safeguarding Children Partnership",
    "none": "Not in a part",
}


def part_key(path: list[str]) -> str:
    """The part key of a section whose heading path is `path` ("none" outside parts)."""
    part = split_part(path[0])[0].lower() if path else ""
    if not part:
        return "none"
    if part == "the local authority":
        return "local_authority"
    return "lscp" if "partnership" in part else "lscb"
