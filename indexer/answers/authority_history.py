"""Authority histories: every authority in the index with its inspections, judgements
and recommendations, each recommendation followed into the authority's later inspections
(docs/decisions/0019-authority-follow-up.md).

Recommendations are those of indexer.domain.recommendations (one per printed item, with
its addressee); their follow-ups ("What later inspections said") come from
indexer.answers.followups: up to three passages of the same authority's later
inspections, best first, each with its status, or none ("not mentioned in a later
inspection in this index").
"""
from __future__ import annotations

from dataclasses import asdict

from indexer.errors import NotFound
from indexer.answers import followups
from indexer.answers.followup_status import STATUS_LABELS
from indexer.domain import authorities as records_data
from indexer.domain.recommendations import ADDRESSEE_LABELS
from indexer.domain.recommendations import recommendations as ingest_recommendations
from indexer.domain.taxonomy import HIDDEN_BY_DEFAULT, SECTION_LABELS
from indexer.index.vectors import embed_as_stored, passage_text
from indexer.models import dated

OPEN_STATUSES = ("still_a_concern", "not_mentioned")
# Safeguarding partnerships replaced the LSCBs by 29 September 2019 (Working Together 2018):
# a finding addressed to the partners jointly before then is the council's and its partners'
PARTNERSHIPS_FROM = "2019-09-29"
# The four-point scale drawn in the grade chart, best first; older names on the same step.
GRADES = ("outstanding", "good", "requires improvement to be good", "inadequate")
GRADE_STEP = {"requires improvement": "requires improvement to be good",
              "adequate": "requires improvement to be good"}

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


def recommendations(report: dict) -> list[dict]:
    """The report's recommendations (indexer.domain.recommendations), each with its URL."""
    return [rec | {"url": f"/reports/{report['report_id']}#{rec['passage_id']}"}
            for rec in ingest_recommendations(report)]


def history(reports: dict[str, dict], key: str, vectors=embed_as_stored,
            groups: dict[str, list[dict]] | None = None) -> dict:
    """One authority: its record, its inspections oldest first, each with judgements and
    recommendations, each recommendation with its follow-ups in later inspections
    (indexer.answers.followups; `vectors` gives texts' vectors: embeds them, or reads
    them stored, followup_store.StoredVectors). `groups`: by_authority(reports), when the
    caller has it (every authority's history reads it once, not once each)."""
    items = (groups if groups is not None else by_authority(reports)).get(key)
    if not items:
        raise NotFound(f"no authority {key[:80]!r} in the index")
    items = [reports[item["report_id"]] for item in items]  # with their sections
    record = _record(key)
    recs = [recommendations(report) for report in items]
    pool = followups.Pool.of(items[1:], vectors)
    earlier = [r for group in recs[:-1] for r in group]
    found = (vectors([passage_text(r["heading"] or "", r["text"]) for r in earlier])
             if earlier and pool.rows else None)
    inspections, position = [], 0
    for number, report in enumerate(items):
        after = dated(report).sort_key
        for rec in recs[number]:
            later = found is not None and number < len(items) - 1
            rec["later"] = followups.follow(rec, found[position], pool, after) if later else []
            position += later
        for rec in recs[number]:
            rec.update(_standing(rec, number < len(items) - 1),
                       addressee_label=addressee_label(rec["addressee"], report))
        inspections.append(_inspection(report) | {"date": when(report),
                                                  "recommendations": recs[number],
                                                  "later_inspections": len(items) - number - 1})
    return {"key": key, "name": _name(record, items[-1]), "region": _region(record, items[-1]),
            "la_urn": record.la_urn if record else None,
            "record": asdict(record) if record else None,
            "reports": len(items), "inspections": inspections,
            "open": open_recommendations(inspections)}


def _standing(rec: dict, followed: bool) -> dict:
    """A recommendation's standing: the status of its latest
    follow-up (the one from the most recent inspection, best first among equals),
    `not_mentioned` when a later inspection exists but none speaks to it, None when no
    later inspection exists yet."""
    latest = max(rec["later"], key=lambda l: l["date"], default=None)
    if latest is not None:
        latest = next(l for l in rec["later"] if l["date"] == latest["date"])
    status = latest["status"] if latest else ("not_mentioned" if followed else None)
    return {"status": status, "status_label": STATUS_LABELS.get(status) if status else None,
            "latest": latest}


def addressee_label(addressee: str, report: dict) -> str:
    """Whom a recommendation is for, as the page says it: a joint finding for the partners
    before PARTNERSHIPS_FROM (a joint area review, a 2016-19 JTAI) is "Council and
    partners", not the safeguarding partnership of later years."""
    if addressee == "partnership" and when(report) < PARTNERSHIPS_FROM:
        return "Council and partners"
    return ADDRESSEE_LABELS.get(addressee, addressee)


def open_recommendations(inspections: list[dict]) -> list[dict]:
    """Recommendations whose latest follow-up is still a concern or that no later
    inspection mentions, oldest inspection first."""
    return [rec | {"report_id": i["report_id"], "date": i["date"],
                   "inspection_type_label": i["inspection_type_label"]}
            for i in inspections for rec in i["recommendations"]
            if rec["status"] in OPEN_STATUSES]
