"""Recommendations: which passages of a report ask for something to improve, and whom
each is addressed to (docs/decisions/0033-recommendations-and-follow-ups.md).

A recommendation is a passage of a list section that asks for improvement (priority
action, areas for improvement or development), one per item as printed (sub-items stay
with their lead: indexer.ingest.fragments). Left out: Ofsted's standard text ("send the
written statement of action to ProtectionOfChildren@ofsted..."), list lead-ins ("the
local authority should take the following action."), labels and table cells, and the
narrative findings under an area SEND report's "What does the area partnership need to
do better?" (its recommendations follow under "Areas for improvement"), and a joint
inspection letter's "Next steps" (Ofsted's standard request for a statement of action).
The 2016-18 joint targeted area inspection letters print their areas for improvement as
paragraphs of findings, each naming a weakness: each paragraph is one recommendation
(the hand-read truth of bench/data/followup_truth counts them so), addressed by its subject.
"""
from __future__ import annotations

import re

from indexer.domain import taxonomy

RECOMMENDATION_SECTIONS = ("priority_action", "areas_for_improvement", "areas_for_development")
ADDRESSEES = ("local_authority", "lscb", "partnership", "police", "health", "trust",
              "area_partnership")
ADDRESSEE_LABELS = {"local_authority": "Local authority", "lscb": "LSCB",
                    "partnership": "Safeguarding partnership", "police": "Police",
                    "health": "Health", "trust": "Trust",
                    "area_partnership": "Local area partnership"}

STANDARD_TEXT = re.compile(
    r"written statement of (?:proposed )?action|@ofsted\.gov\.uk|is the principal authority",
    re.IGNORECASE)
_LEAD_IN = re.compile(
    r"(?:take|address|consider) the following|the following (?:areas?|actions?|"
    r"recommendations?|priorities)|(?:should|must|needs? to)(?: also)?(?: improve| address)?:$",
    re.IGNORECASE)
_TABLE_CELL = re.compile(r"[^.;:]{0,120}\b(?:council|board|\(?icb\)?|trust)\s*", re.IGNORECASE)
_FINDINGS_HEADING = re.compile(r"what does the area partnership need to do better", re.I)
# a joint inspection letter's closing "Next steps": Ofsted's standard request for a written
# statement of action ("The response should set out the actions for the partnership ...")
_NEXT_STEPS = re.compile(r"\s*next steps\b", re.I)
_NUMBER = re.compile(r"^\s*\d{1,3}\.\s*")
_SHOULD = re.compile(r"(.{3,120}?)\b(?:should|must|needs? to|is required to)\b", re.IGNORECASE)
_SUBJECT_END = re.compile(r"\b(?:should|must|needs? to|need to|have|has|is|are|do|does)\b",
                          re.IGNORECASE)
# whom a recommendation's subject names, tried in order (the NHS trusts are health)
# "health needs" are children's, not a health body's ("decisions to meet children's needs,
# including their emotional and mental health needs, are timely": Milton Keynes 2019)
_AGENCIES = (
    ("lscb", r"\b\w*scb\b|safeguarding children(?:'s)? board|\bthe board\b"),
    ("police", r"police|constabulary|\bmps\b|\bofficers\b"),
    ("health", r"\bnhs\b|health(?! needs)|\bccgs?\b|\bicbs?\b|clinical commissioning|\bgps?\b|nurs|"
               r"midwi|camhs|hospital|paediatric|dentist"),
    ("trust", r"\btrust\b"),
    ("partnership", r"partners|partnership|agencies|multi-agency|\blscp\b|\blsp\b|\bmasa\b"),
    ("local_authority", r"council|local authority|children'?s services?|social work|social care"
                        r"|managers|leaders|\bcsc\b"),
)

# a joint inspection's finding whose subject names no body ("The voice of the child is not
# captured by either paediatric or A&E practitioners"): the one of these its first sentence
# names (health as a service, not a condition: "mental ill health" names no health service;
# adult mental health services are a partner of the finding's, not its addressee), unless
# it names the council's side too ("a joint visit involving children's social care and the
# police"): a finding on working together is the partnership's (tests/data/section_truth.toml)
_NAMED_IN_FINDING = (
    ("police", r"police|constabulary|call takers"),
    ("health", r"\bnhs\b|(?<!mental )health (?:practitioners|professionals|visitors|services?"
               r"|staff|partners|providers?|teams?)|\bccgs?\b|\bicbs?\b|\bgps?\b|nurs|midwi|camhs|"
               r"hospital|paediatric|a&e|emergency department"),
)
_COUNCIL_SIDE = r"children's (?:social care|services)|social work|local authority|council"


def is_recommendation(section: dict, text: str) -> bool:
    """Whether a passage of a recommendation section is itself a recommendation."""
    if section["key"] not in RECOMMENDATION_SECTIONS:
        return False
    heading = section.get("heading") or ""
    if _FINDINGS_HEADING.search(heading) or _NEXT_STEPS.match(heading):
        return False
    plain = _NUMBER.sub("", text.replace("’", "'")).strip()
    if STANDARD_TEXT.search(plain) or _LEAD_IN.search(plain):
        return False
    if (len(plain.split()) <= 6 and not plain.endswith(".")
            and taxonomy.classify_heading(plain) is not None):
        return False  # a label printed as a list item ("Areas for priority action")
    return not (len(plain.split()) <= 15 and _TABLE_CELL.fullmatch(plain))


def _subject(text: str) -> str:
    """The words before the recommendation's verb, else its first twelve words."""
    plain = _NUMBER.sub("", text.replace("’", "'"))
    first = re.split(r"(?<=[.;:])\s", plain, maxsplit=1)[0]
    match = _SUBJECT_END.search(first)
    if match and match.start() > 0:
        return first[:match.start()]
    return " ".join(first.split()[:12])


def addressee(report: dict, section: dict, text: str) -> str:
    """Whom the recommendation is addressed to (one of ADDRESSEES): the part of the
    report it is printed in (the LSCB's), the kind of inspection (area SEND: the local
    area partnership), a body named before "should" ("The Metropolitan Police Service
    should ..."), in a joint inspection the body its subject names ("Health services
    under-utilise ..."), or when its subject names none the one body, police or health
    services, its first sentence names ("... captured by paediatric or A&E practitioners"),
    else the inspection's default: the partnership in a joint
    inspection, otherwise the local authority."""
    part = taxonomy.part_key(section.get("path") or [])
    if part in ("lscb", "lscp"):
        return "lscb" if part == "lscb" else "partnership"
    kind = report.get("inspection_type") or ""
    if kind.startswith("area_send") or kind == "send":
        return "area_partnership"
    plain = _NUMBER.sub("", text.replace("’", "'"))
    named = _SHOULD.match(plain)
    joint = kind in ("jtai", "joint_area_review")
    subject = named.group(1) if named else (_subject(plain) if joint else "")
    for name, pattern in _AGENCIES:
        if re.search(pattern, subject.lower()):
            return name
    if joint and not named:
        first = re.split(r"(?<=[.;:])\s", plain, maxsplit=1)[0].lower()
        bodies = [name for name, pattern in _NAMED_IN_FINDING if re.search(pattern, first)]
        if len(bodies) == 1 and not re.search(_COUNCIL_SIDE, first):
            return bodies[0]
    if kind == "lscb_review":
        return "lscb"
    return "partnership" if joint else "local_authority"


def recommendations(report: dict) -> list[dict]:
    """The report's recommendations in document order: {"section", "section_label",
    "heading", "path", "passage_id", "text", "page", "addressee"}; `report` is a stored
    report (Report.to_dict())."""
    found = []
    for section in report.get("sections", []):
        for passage in section.get("passages", []):
            if not is_recommendation(section, passage["text"]):
                continue
            found.append({
                "section": section["key"],
                "section_label": taxonomy.SECTION_LABELS.get(section["key"], section["key"]),
                "heading": section["heading"], "path": list(section.get("path") or []),
                "passage_id": passage["passage_id"], "text": passage["text"],
                "page": passage.get("page"),
                "addressee": addressee(report, section, passage["text"]),
            })
    return found
