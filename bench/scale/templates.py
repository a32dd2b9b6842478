"""Document templates of the synthetic corpus, one per inspection type, in the plain-text
format of seeds/*.txt (letterhead, date, address, "Dear ...", title line, dated opening
paragraph, headings on their own lines, "- " bullets, "Yours sincerely").

A template is an opening, a layout of body sections (heading, paragraphs or bullets,
which sentence pool fills them, how many passages) and a closing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LETTERHEAD = ("Piccadilly Gate Store Street Manchester M1 2WD www.gov.uk/ofsted\n\n"
              "T 0300 123 1231 Textphone 0161 618 8524 enquiries@ofsted.gov.uk")


@dataclass(frozen=True)
class Part:
    heading: str
    style: str  # "para" | "bullet"
    pool: str  # sentence pool (section key) that fills it
    passages: tuple[int, int]  # fewest, most


@dataclass
class Doc:
    """Everything a template needs; `body` is filled by the generator, one list per Part."""

    type_key: str
    council: str  # as printed: "Leeds Council", "London Borough of Hackney"
    start: date
    end: date
    published: date
    inspectors: tuple[str, str]
    recipient: str  # "Ms Jane Smith"
    body: list[list[str]] = field(default_factory=list)


THEMES = ("children living with domestic abuse", "child sexual exploitation",
          "children at risk of criminal exploitation", "children who are neglected",
          "children aged 7 to 15 years living with neglect")
FOCUS = ("the local authority's arrangements for children in need and children subject "
         "to a child protection plan", "the local authority's arrangements for care leavers",
         "the local authority's arrangements for the front door",
         "the local authority's arrangements for children in care")

LAYOUTS: dict[str, tuple[Part, ...]] = {
    "aui_cra": (
        Part("Strengths", "bullet", "strengths", (2, 6)),
        Part("The service meets the requirements of statutory guidance in the following areas",
             "bullet", "meets_requirements", (3, 9)),
        Part("Areas for development", "bullet", "areas_for_development", (2, 6))),
    "sif": (
        Part("Summary", "para", "key_findings", (3, 6)),
        Part("Recommendations", "bullet", "areas_for_improvement", (4, 10)),
        Part("Children who need help and protection", "para", "findings", (12, 24)),
        Part("Children looked after and achieving permanence", "para", "findings", (12, 24)),
        Part("Leadership, management and governance", "para", "findings", (8, 16)),
        Part("Information about this inspection", "para", "context", (2, 4))),
    "monitoring_visit": (
        Part("Overview", "para", "overview", (1, 3)),
        Part("Findings and evaluation of progress", "para", "findings", (8, 18))),
    "focused_visit": (
        Part("Overview", "para", "overview", (1, 3)),
        Part("What needs to improve in this area of social work practice", "bullet",
             "areas_for_improvement", (2, 5)),
        Part("Findings", "bullet", "findings", (8, 20))),
    "jtai": (
        Part("Headline findings", "para", "key_findings", (2, 4)),
        Part("Key strengths", "bullet", "strengths", (3, 7)),
        Part("Areas for improvement", "bullet", "areas_for_improvement", (3, 7)),
        Part("Main findings", "para", "findings", (6, 14))),
    "ilacs": (
        Part("What needs to improve?", "bullet", "areas_for_improvement", (3, 6)),
        Part("The experiences and progress of children who need help and protection: good",
             "para", "findings", (10, 20)),
        Part("The experiences and progress of children in care: good", "para", "findings",
             (8, 16)),
        Part("The experiences and progress of care leavers: good", "para", "findings", (4, 8)),
        Part("The impact of leaders on social work practice with children and families: good",
             "para", "findings", (6, 12))),
}
TYPES_BY_YEAR = (  # (layout, first year, last year, weight)
    ("aui_cra", 2009, 2012, 4), ("sif", 2013, 2018, 2), ("monitoring_visit", 2014, 2026, 2),
    ("jtai", 2016, 2026, 1), ("focused_visit", 2018, 2026, 4), ("ilacs", 2018, 2026, 2),
)


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _span(doc: Doc) -> str:
    if doc.start.month == doc.end.month:
        return f"{doc.start.day} and {_d(doc.end)}" if (doc.end - doc.start).days == 1 \
            else f"{doc.start.day} to {_d(doc.end)}"
    return f"{_d(doc.start)} to {_d(doc.end)}"


def _letter_head(doc: Doc, title: str) -> str:
    salutation = doc.recipient.split()[0] + " " + doc.recipient.split()[-1]
    return (f"{LETTERHEAD}\n\n{_d(doc.published)}\n\n{doc.recipient}\nDirector of Children's "
            f"Services\n{doc.council}\n\nDear {salutation}\n\n{title}\n\n")


def opening(doc: Doc) -> str:
    a, b = doc.inspectors
    council, when = doc.council, _span(doc)
    if doc.type_key == "aui_cra":
        return _letter_head(doc, "Annual unannounced inspection of contact, referral and "
                            f"assessment arrangements within {council} children's services") + (
            "This letter summarises the findings of the recent unannounced inspection of "
            "contact, referral and assessment arrangements within local authority children's "
            f"services in {council} which was conducted on {when}.\n\n")
    if doc.type_key in ("focused_visit", "monitoring_visit"):
        kind = "focused visit" if doc.type_key == "focused_visit" else "monitoring visit"
        return _letter_head(doc, f"{kind.capitalize()} to {council} children's services") + (
            f"This letter summarises the findings of a {kind} to {council} children's services "
            f"on {when}. The inspectors were {a}, HMI, and {b}, HMI.\n\n"
            f"Inspectors evaluated {FOCUS[doc.start.day % len(FOCUS)]}.\n\n")
    if doc.type_key == "jtai":
        theme = THEMES[doc.start.day % len(THEMES)]
        return _letter_head(doc, "Joint targeted area inspection of the multi-agency response "
                            f"to {theme} in {council}") + (
            f"Between {when}, Ofsted, the Care Quality Commission and HMI Constabulary "
            f"carried out a joint inspection of the multi-agency response to {theme} in "
            f"{council}.\n\n")
    title = ("Inspection of services for children in need of help and protection, children "
             "looked after and care leavers" if doc.type_key == "sif"
             else f"Inspection of {council} children's services")
    return (f"{council}\n\n{title}\n\nInspection dates: {when}\n\n"
            f"Lead inspector: {a}, Her Majesty's Inspector\n\n")


def closing(doc: Doc) -> str:
    if doc.type_key in ("sif", "ilacs"):
        return ""
    return ("Ofsted will take the findings from this visit into account when planning your "
            f"next inspection or visit.\n\nYours sincerely,\n\n{doc.inspectors[0]}\n"
            "Her Majesty's Inspector\n")


def render(doc: Doc) -> str:
    """The whole file."""
    parts = [opening(doc)]
    for part, passages in zip(LAYOUTS[doc.type_key], doc.body):
        prefix = "- " if part.style == "bullet" else ""
        parts.append(part.heading + "\n\n" + "\n\n".join(prefix + p for p in passages) + "\n\n")
    parts.append(closing(doc))
    return "".join(parts)
