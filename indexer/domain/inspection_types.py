"""The inspection-type taxonomy as data: one record per kind of Ofsted children's services
document (key, display label, years in use, title patterns, description), plus the
judgement vocabulary (grades and graded areas) that the metadata extractor reads.

How the patterns are used (see indexer.ingest.metadata): each pattern is searched, case-
insensitively, in the whitespace-collapsed text of one opening paragraph (from each of
its line starts), with curly apostrophes made straight; at most a short cover line may
precede the match in its paragraph. Its first word is written case-sensitive
(``(?-i:Focused)``) so that the same words inside a sentence ("the findings of a
focused visit to ...") do not count as a title. The earliest match in the document wins;
ties go to the type listed first. A named group ``authority`` captures the authority
when the title names it. ILACS short and standard share their patterns: the printed
report does not say which it was, so the extractor infers it from the inspection length
(short: at most 7 calendar days from first to last day; standard: longer). A document
that matches nothing is ``other`` and keeps its printed title as its label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class InspectionType:
    key: str
    label: str
    years: str  # years in use, e.g. "2009-2012" or "2018-"
    patterns: tuple[str, ...]
    description: str


_AUTH = r"(?:the\s+)?(?P<authority>[^.;:]{2,90}?)"
_CS = r"(?:\s+local\s+authority)?\s+children'?s\s+services"
_ILACS = (
    r"(?-i:Inspection) of (?:local authority\s+)?children'?s(?: social care)? services\s*$",
    r"(?-i:Inspection) of (?!services for|looked after|safeguarding|progress)" + _AUTH + _CS
    + r"\s*$",
    r"(?-i:Inspection) of (?:the\s+)?(?P<authority>[^.;:]{2,60}?\s(?:Children(?:'s)?"
    r"(?: and Families)?|Children'?s Services) Trust)\s*$",
)

INSPECTION_TYPES: tuple[InspectionType, ...] = (
    InspectionType(
        "aui_cra", "Annual unannounced inspection of contact, referral and assessment",
        "2009-2012",
        (r"(?-i:Annual) unannounced inspection of contact,? referral and assessment"
         r"(?: arrangements)?(?: (?:within|in|at|for))?\s+" + _AUTH + _CS,
         r"(?-i:Annual) unannounced inspection of contact,? referral and assessment"),
        "Letter on a two-day unannounced visit to the front door (contact, referral and "
        "assessment); strengths and areas for development, no grades."),
    InspectionType(
        "safeguarding_lac",
        "Inspection of safeguarding and looked after children services", "2009-2012",
        (r"(?-i:Inspection) of safeguarding and looked after children(?:'?s)?\s+services"
         r"(?:\s+" + _AUTH + r")?\s*$",),
        "Announced inspection graded 1-4 (outstanding to inadequate, with 'adequate') "
        "for safeguarding and for looked after children, each with capacity to improve."),
    InspectionType(
        "joint_area_review", "Joint area review", "2005-2009",
        (r"(?-i:Inspection) of progress made in the provision\s+of safeguarding services"
         r"\s+in\s+" + _AUTH + r"\s*$",
         r"(?-i:Joint area review)(?:\s+(?:of|in)\s+" + _AUTH + r"\s*$)?"),
        "Joint inspection of a local area by Ofsted and partner inspectorates, including "
        "the 2009 progress inspections that followed a joint area review."),
    InspectionType(
        "lac_2013", "Inspection of looked after children services", "2013",
        (r"(?-i:Inspection) of looked after children\s+services(?:\s+" + _AUTH + r")?\s*$",),
        "Short-lived 2013 inspection of services for looked after children; overall "
        "effectiveness and capacity to improve graded 1-4."),
    InspectionType(
        "sif", "Single inspection framework (SIF) inspection", "2013-2018",
        (r"(?-i:Inspection|Re-inspection) of services for children in need of help and"
         r"\s+protection,?"
         r"\s+children looked after and care leavers",),
        "Inspection of services for children in need of help and protection, children "
        "looked after and care leavers, usually combined with the review of the LSCB."),
    InspectionType(
        "lscb_review", "Review of the Local Safeguarding Children Board", "2013-2018",
        (r"(?-i:Review) of the effectiveness of the Local Safeguarding Children\s+Board",),
        "Review of the effectiveness of the Local Safeguarding Children Board when "
        "published on its own (otherwise it is part of the SIF report)."),
    InspectionType(
        "ilacs_standard", "ILACS standard inspection", "2018-", _ILACS,
        "Inspection of local authority children's services (ILACS), two weeks on site; "
        "graded judgements and overall effectiveness (no overall grade from 2026)."),
    InspectionType(
        "ilacs_short", "ILACS short inspection", "2018-", _ILACS,
        "ILACS inspection of one week for authorities previously judged good or "
        "outstanding; same report layout, told apart only by the inspection length."),
    InspectionType(
        "focused_visit", "ILACS focused visit", "2018-",
        (r"(?-i:Focused) visit to\s+" + _AUTH + _CS,
         r"(?-i:Focused) visit to\s+" + _AUTH + r"\s*$"),
        "Letter on a two-day visit under ILACS looking at one area of practice; no "
        "grades."),
    InspectionType(
        "monitoring_visit", "Monitoring visit", "2014-",
        (r"(?-i:Monitoring) visit (?:to|of)\s+" + _AUTH + _CS,
         r"(?-i:Monitoring) visit (?:to|of)\s+" + _AUTH + r"\s*$"),
        "Letter on a visit to an authority judged inadequate, checking its progress; "
        "no grades."),
    InspectionType(
        "jtai", "Joint targeted area inspection (JTAI)", "2016-",
        (r"(?-i:Joint targeted area inspection) of (?:the )?multi-agency response to .+"
         r"\sin\s+" + _AUTH + r"\s*$",
         r"(?-i:Joint targeted area inspection) of\s+" + _AUTH + r"\s*$",
         r"(?-i:Joint targeted area inspection)"),
        "Joint letter from Ofsted, CQC, HMICFRS (and HMI Probation) on the multi-agency "
        "response to one theme in a local area; no grades."),
    InspectionType(
        "area_send", "Area SEND inspection", "2016-",
        (r"(?-i:Area SEND) inspection of\s+" + _AUTH + r"\s+Local Area Partnership",
         r"(?-i:Joint local area SEND|Local area SEND) (?:re)?inspection in\s+" + _AUTH
         + r"\s*$",
         r"(?-i:Area SEND|Joint local area SEND) (?:re)?inspection"),
        "Ofsted and CQC inspection of a local area partnership's special educational "
        "needs and/or disabilities arrangements; one of three outcomes from 2023."),
    InspectionType(
        "other", "Other inspection", "", (),
        "Anything else; the printed title is kept as the label."),
)

_BY_KEY = {t.key: t for t in INSPECTION_TYPES}


@dataclass(frozen=True)
class Framework:
    """An inspection framework (or family of documents): the types published under it."""

    key: str
    label: str
    types: tuple[str, ...]


FRAMEWORKS: tuple[Framework, ...] = (
    Framework("ilacs", "ILACS (2018-)", ("ilacs_standard", "ilacs_short", "focused_visit")),
    Framework("sif", "Single inspection framework (2013-2018)", ("sif", "lscb_review")),
    Framework("jtai", "Joint targeted area inspections", ("jtai",)),
    Framework("send", "Area SEND inspections", ("area_send",)),
    Framework("monitoring", "Monitoring visits (SIF and ILACS)", ("monitoring_visit",)),
    Framework("safeguarding_2009", "Safeguarding and looked after children (2009-2013)",
              ("aui_cra", "safeguarding_lac", "lac_2013")),
    Framework("joint_area_review", "Joint area reviews (2005-2009)", ("joint_area_review",)),
    Framework("other", "Other documents", ("other",)),
)
_FRAMEWORK_OF = {t: f.key for f in FRAMEWORKS for t in f.types}


def framework_of(type_key: str) -> str:
    """The framework key of an inspection type key ("other" when unknown)."""
    return _FRAMEWORK_OF.get(type_key, "other")

# Canonical grades. "requires improvement" alone is canonical only for the LSCB, whose
# framework grade has no "to be good"; local authority areas use the long form.
GRADE_WORDS = (r"outstanding|good|requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate"
               r"|adequate")  # printed grades, as a regex alternation (readers use it too)
GRADE_PATTERN = r"\b(?:" + GRADE_WORDS + r")\b"

# Graded areas on report covers, in printed order: (area key, label pattern).
ILACS_AREAS: tuple[tuple[str, str], ...] = (
    ("impact_of_leaders", r"The impact of leaders"),
    ("help_and_protection", r"The experiences and progress of\s+children who need help"),
    ("in_care", r"The experiences and progress of\s+children in care and\s+care\s+leavers"),
    ("in_care", r"The experiences and progress of\s+children in care\b"),
    ("care_leavers", r"The experiences and progress of\s+(?:children\s+)?care\s+leavers"),
    ("overall", r"Overall effectiveness"),
)
SIF_AREAS: tuple[tuple[str, str], ...] = (
    ("help_and_protection", r"1\.?\s+Children who need help and protection"),
    ("in_care", r"2\.?\s+Children looked after and achieving\s+permanence"),
    ("adoption", r"2\.1\.?\s+Adoption performance"),
    ("care_leavers", r"2\.2\.?\s+Experiences and progress of care leavers"),
    ("leadership", r"3\.?\s+Leadership,? management and governance"),
)
# Every overall judgement a report can carry (canonical grades, then area SEND outcomes).
GRADES = ("outstanding", "good", "requires improvement to be good", "requires improvement",
          "adequate", "inadequate")
# Area SEND (2023 framework) outcomes, kept as the overall judgement.
SEND_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("widespread and/or systemic failings", r"widespread and/or systemic failings"),
    ("inconsistent experiences and outcomes", r"lead to inconsistent experiences"),
    ("positive experiences and outcomes", r"typically lead to positive experiences"),
)


def label_for(key: str) -> str:
    """Display label of a type key; unknown keys are returned unchanged."""
    found = _BY_KEY.get(key)
    return found.label if found else key


def get(key: str) -> InspectionType:
    return _BY_KEY[key]


@lru_cache(maxsize=None)
def compiled(key: str) -> tuple[re.Pattern, ...]:
    """The type's patterns, compiled case-insensitively."""
    return tuple(re.compile(p, re.IGNORECASE) for p in _BY_KEY[key].patterns)


def canonical_grade(text: str, lscb: bool = False) -> str | None:
    """Lower-case canonical grade of a printed grade phrase, or None."""
    match = re.search(GRADE_PATTERN, text, re.IGNORECASE)
    if not match:
        return None
    grade = re.sub(r"\s+", " ", match.group(0).lower())
    if grade.startswith("require"):
        return "requires improvement" if lscb else "requires improvement to be good"
    return grade
