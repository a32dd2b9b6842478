"""Authority histories: every authority in the index with its inspections, judgements
and recommendations, each recommendation followed into the authority's later inspections
(docs/decisions/0019-authority-follow-up.md).

Follow-up ("What later inspections said"): a recommendation's key terms (weighted as for
"similar passages", indexer.search.similar) are looked for in every non-boilerplate
passage of the same authority's later inspections; a passage is a follow-up when the terms
it shares carry at least MIN_SHARE of the recommendation's weight and number at least
MIN_TERMS. Up to FOLLOW_UPS are kept, best first, or none ("not found in a later
inspection in this index").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

from indexer.errors import NotFound
from indexer.domain import authorities as records_data
from indexer.domain.recommendations import recommendations as ingest_recommendations
from indexer.domain.taxonomy import HIDDEN_BY_DEFAULT, SECTION_LABELS
from indexer.search.highlight import Highlighter

FOLLOW_UPS = 3
MIN_SHARE = 0.35  # share of the recommendation's key-term weight a follow-up must carry
MIN_TERMS = 3  # key terms a follow-up must share
# The four-point scale drawn in the grade chart, best first; older names on the same step.
GRADES = ("outstanding", "good", "requires improvement to be good", "inadequate")
GRADE_STEP = {"requires improvement": "requires improvement to be good",
              "adequate": "requires improvement to be good"}

Terms = Callable[[str], list[tuple[float, str]]]  # text -> [(weight, stemmed term)]
# (report ids, terms) -> {(report_id, passage_id): the terms that passage holds}
Holds = Callable[[list[str], set[str]], dict[tuple[str, str], set[str]]]


def when(report: dict) -> str:
    """The date an inspection is placed at: its first day, else publication, else year."""
    return report.get("inspection_start") or report.get("published") or str(report.get("year"))


def chart_grade(judgement: str | None) -> str | None:
    grade = GRADE_STEP.get(judgement or "", judgement)
    return grade if grade in GRADES else None


def _record(key: str):
    return records_data.records().get(key)


def _name(record, report: dict) -> str:
    return record.name if record else report.get("authority_name") or report["authority"]


def _region(record, report: dict) -> str | None:
    return report.get("region") or (record.region if record else None) or None


def _inspection(report: dict) -> dict:
    return {k: report.get(k) for k in (
        "report_id", "title", "inspection_type", "inspection_type_label", "inspection_start",
        "inspection_end", "published", "year", "overall_judgement", "judgements")}


def by_authority(reports: dict[str, dict]) -> dict[str, list[dict]]:
    """authority key -> its reports without their sections (metas), oldest first."""
    grouped: dict[str, list[dict]] = {}
    metas = reports.metas() if hasattr(reports, "metas") else reports.values()
    for report in metas:
        grouped.setdefault(report["authority_key"], []).append(report)
    return {key: sorted(items, key=when) for key, items in grouped.items()}


def summaries(reports: dict[str, dict]) -> list[dict]:
    """Every authority: key, name, region (when its record has one), number of reports,
    latest inspection, latest overall judgement; by name."""
    rows = []
    for key, items in by_authority(reports).items():
        record, latest = _record(key), items[-1]
        graded = [r for r in items if r.get("overall_judgement")]
        rows.append({
            "key": key, "name": _name(record, latest), "region": _region(record, latest),
            "reports": len(items),
            "latest_inspection": _inspection(latest) | {"date": when(latest)},
            "latest_judgement": ({"judgement": graded[-1]["overall_judgement"],
                                  "report_id": graded[-1]["report_id"],
                                  "date": when(graded[-1])} if graded else None),
        })
    return sorted(rows, key=lambda r: r["name"].lower())


@dataclass
class Candidate:
    """A passage of a later inspection that a recommendation may be followed up in."""

    report: dict
    section: str
    heading: str
    passage_id: str
    text: str
    terms: set[str] = field(default_factory=set)


def candidates(report: dict, holds: dict[tuple[str, str], set[str]]) -> list[Candidate]:
    """Every non-boilerplate passage of a report, with the key terms it holds."""
    return [Candidate(report, section["key"], section["heading"], passage["passage_id"],
                      passage["text"], holds.get((report["report_id"], passage["passage_id"]),
                                                 set()))
            for section in report.get("sections", []) if section["key"] not in HIDDEN_BY_DEFAULT
            for passage in section["passages"]]


def follow_up(weighted: list[tuple[float, str]], pool: list[Candidate]) -> list[dict]:
    """Up to FOLLOW_UPS passages of `pool` that follow the recommendation up, best first."""
    total = sum(w for w, _ in weighted)
    scored = []
    for candidate in pool:
        shared = [(w, t) for w, t in weighted if t in candidate.terms]
        weight = sum(w for w, _ in shared)
        if total and len(shared) >= MIN_TERMS and weight / total >= MIN_SHARE:
            scored.append((weight / total, when(candidate.report), candidate, shared))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [_follow_up_row(share, candidate, shared)
            for share, _, candidate, shared in scored[:FOLLOW_UPS]]


def _follow_up_row(share: float, candidate: Candidate, shared) -> dict:
    report = candidate.report
    return {
        "report_id": report["report_id"], "title": report["title"],
        "inspection_type_label": report.get("inspection_type_label"), "date": when(report),
        "section": candidate.section, "section_label": SECTION_LABELS.get(candidate.section,
                                                                          candidate.section),
        "heading": candidate.heading, "passage_id": candidate.passage_id,
        "url": f"/reports/{report['report_id']}#{candidate.passage_id}",
        "text": candidate.text, "score": round(share, 3),
        "snippet_html": Highlighter(terms={t for _, t in shared}).snippet(candidate.text),
    }


def recommendations(report: dict) -> list[dict]:
    """The report's recommendations (indexer.domain.recommendations), each with its URL."""
    return [rec | {"url": f"/reports/{report['report_id']}#{rec['passage_id']}"}
            for rec in ingest_recommendations(report)]


def history(reports: dict[str, dict], key: str, terms: Terms, holds: Holds) -> dict:
    """One authority: its record, its inspections oldest first, each with judgements and
    recommendations, each recommendation with its follow-ups in later inspections.
    `terms` weighs a recommendation's key terms; `holds` says which passages hold them
    (SearchIndex.weighted_terms and SearchIndex.passage_terms)."""
    items = by_authority(reports).get(key)
    if not items:
        raise NotFound(f"no authority {key[:80]!r} in the index")
    items = [reports[item["report_id"]] for item in items]  # with their sections
    record = _record(key)
    recs = [recommendations(report) for report in items]
    for rec in (r for group in recs[:-1] for r in group):
        rec["terms"] = terms(rec["text"])
    wanted = {t for group in recs[:-1] for r in group for _, t in r["terms"]}
    held = holds([r["report_id"] for r in items[1:]], wanted) if wanted else {}
    pools = [[]] + [candidates(report, held) for report in items[1:]]
    inspections = []
    for number, report in enumerate(items):
        later = [c for pool in pools[number + 1:] for c in pool if when(c.report) > when(report)]
        for rec in recs[number]:
            rec["later"] = follow_up(rec.pop("terms", []), later) if later else []
        inspections.append(_inspection(report) | {"date": when(report),
                                                  "recommendations": recs[number],
                                                  "later_inspections": len(items) - number - 1})
    return {"key": key, "name": _name(record, items[-1]), "region": _region(record, items[-1]),
            "la_urn": record.la_urn if record else None,
            "record": asdict(record) if record else None,
            "reports": len(items), "inspections": inspections}
