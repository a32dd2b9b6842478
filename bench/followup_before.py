"""The follow-up matching of decision 0019 as it was before issue 20, kept for
bench/followup.py to measure against in the same run: every passage of a recommendation
section is a recommendation; a later passage of the same authority follows it up when the
recommendation's key terms it holds carry at least MIN_SHARE of their weight and number at
least MIN_TERMS (SearchIndex.weighted_terms / passage_terms); the three best are shown.
It gives no status."""
from __future__ import annotations

from indexer.domain.taxonomy import HIDDEN_BY_DEFAULT
from indexer.models import dated

SECTIONS = ("priority_action", "areas_for_improvement", "areas_for_development")
MIN_SHARE, MIN_TERMS, FOLLOW_UPS = 0.35, 3, 3


def _passages(report: dict, sections=None):
    for section in report.get("sections", []):
        if (section["key"] in sections) if sections else section["key"] not in HIDDEN_BY_DEFAULT:
            for passage in section["passages"]:
                yield section, passage


def follow_ups(index, items: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """{(report_id, recommendation passage_id): [{"report_id", "passage_id",
    "status": None}]} for one authority's reports, oldest first."""
    recs = {(r["report_id"], p["passage_id"]): index.weighted_terms(p["text"])
            for r in items[:-1] for _, p in _passages(r, SECTIONS)}
    wanted = {t for terms in recs.values() for _, t in terms}
    held = index.passage_terms([r["report_id"] for r in items[1:]], wanted) if wanted else {}
    out = {}
    for (report_id, passage_id), weighted in recs.items():
        after = dated(next(r for r in items if r["report_id"] == report_id)).sort_key
        total = sum(w for w, _ in weighted)
        scored = []
        for later in items:
            if dated(later).sort_key <= after:
                continue
            for _, passage in _passages(later):
                terms = held.get((later["report_id"], passage["passage_id"]), set())
                shared = [w for w, t in weighted if t in terms]
                if total and len(shared) >= MIN_TERMS and sum(shared) / total >= MIN_SHARE:
                    scored.append((-sum(shared) / total, dated(later).sort_key,
                                   later["report_id"], passage["passage_id"]))
        scored.sort()
        out[(report_id, passage_id)] = [{"report_id": r, "passage_id": p, "status": None}
                                        for _, _, r, p in scored[:FOLLOW_UPS]]
    return out
