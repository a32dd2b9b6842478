"""The follow-up tracker: the recommendations on a topic across every authority, each
with what later inspections said (its standing: the status of its latest follow-up), and
counts by status per year and inspection type
(docs/decisions/0036-follow-ups-by-meaning-and-topic.md).

The search request picks the recommendations: its query and filters, limited to the
recommendation sections unless it names sections itself; a matching passage counts when
it is one of its report's recommendations (indexer.domain.recommendations). The standing
comes from the authority's history (indexer.answers.followup_store).
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from indexer.answers.followup_status import STATUS_LABELS
from indexer.answers.trends import trends
from indexer.answers.wording import phrase_request, unquoted_words
from indexer.domain import inspection_types as types
from indexer.domain.recommendations import RECOMMENDATION_SECTIONS
from indexer.models import SearchRequest

STANDINGS = ("improved", "still_a_concern", "mixed", "not_mentioned", "not_yet_inspected")
STANDING_LABELS = STATUS_LABELS | {"not_yet_inspected": "No later inspection yet"}
MAX_ROWS = 2_000  # recommendations listed (counts cover them all)
FRAMEWORK_LABELS = {f.key: f.label for f in types.FRAMEWORKS}


def recommendation_request(request: SearchRequest) -> SearchRequest:
    """The request limited to the recommendation sections unless it names sections; by
    words (mode=words: a recommendation is counted when it says the words)."""
    if request.filters.get("section"):
        return dataclasses.replace(request, mode="words")
    filters = dict(request.filters) | {"section": list(RECOMMENDATION_SECTIONS)}
    return dataclasses.replace(request, filters=filters, mode="words")


def _counts() -> dict[str, int]:
    return dict.fromkeys(STANDINGS, 0)


def _standing(rec: dict) -> str:
    return rec.get("status") or "not_yet_inspected"


def _row(rec: dict, inspection: dict, history: dict) -> dict:
    standing = _standing(rec)
    return {"authority": history["key"], "authority_name": history["name"],
            "report_id": inspection["report_id"], "year": inspection["year"],
            "date": inspection["date"], "inspection_type": inspection["inspection_type"],
            "inspection_type_label": inspection["inspection_type_label"],
            "framework": types.framework_of(inspection["inspection_type"] or "other"),
            "passage_id": rec["passage_id"], "url": rec["url"], "text": rec["text"],
            "addressee": rec["addressee"], "status": standing,
            "status_label": STANDING_LABELS[standing],
            "later": [{k: l[k] for k in ("report_id", "passage_id", "url", "date", "status",
                                          "inspection_type_label", "status_sentence")}
                      for l in rec["later"]]}


def tracker(keys: list[tuple[str, str]], authority_of: Callable[[str], str | None],
            history: Callable[[str], dict], query: str, cover: dict) -> dict:
    """{"query", "total", "counts", "years": [{"year", "counts", "types": [{"framework",
    "label", "counts"}]}], "recommendations": [...], "coverage", "shown"} for the matching
    passages `keys` ((report_id, passage_id)); `cover` is trends' coverage of the same
    request (the reports the filters keep)."""
    wanted: dict[str, set[tuple[str, str]]] = {}
    for report_id, passage_id in keys:
        authority = authority_of(report_id)
        if authority is not None:
            wanted.setdefault(authority, set()).add((report_id, passage_id))
    rows = []
    for authority in sorted(wanted):
        data = history(authority)
        for inspection in data["inspections"]:
            for rec in inspection["recommendations"]:
                if (inspection["report_id"], rec["passage_id"]) in wanted[authority]:
                    rows.append(_row(rec, inspection, data))
    rows.sort(key=lambda r: (r["date"], r["authority"], r["passage_id"]))
    return {"query": query, "total": len(rows), "counts": _tally(rows),
            "years": _years(rows), "recommendations": rows[:MAX_ROWS],
            "shown": min(len(rows), MAX_ROWS), "coverage": cover}


def _tally(rows: list[dict]) -> dict[str, int]:
    counts = _counts()
    for row in rows:
        counts[row["status"]] += 1
    return counts


def _years(rows: list[dict]) -> list[dict]:
    years = []
    for year in sorted({r["year"] for r in rows}):
        of_year = [r for r in rows if r["year"] == year]
        frameworks = sorted({r["framework"] for r in of_year})
        years.append({"year": year, "counts": _tally(of_year), "types": [
            {"framework": f, "label": FRAMEWORK_LABELS.get(f, f),
             "counts": _tally([r for r in of_year if r["framework"] == f])}
            for f in frameworks]})
    return years


def summary(data: dict) -> str:
    """"Of 48 recommendations on "return home interviews", 20 were later said to have
    improved, ..." for the page and the CSV's title."""
    c, topic = data["counts"], f' on "{data["query"]}"' if data["query"] else ""
    if not data["total"]:
        return f"No recommendation{topic} in this index."
    noun = "recommendation" if data["total"] == 1 else "recommendations"
    return (f"Of {data['total']:,} {noun}{topic}, {c['improved']:,} were later said to have "
            f"improved, {c['still_a_concern']:,} remain a concern, {c['mixed']:,} had mixed "
            f"findings, {c['not_mentioned']:,} were not mentioned in a later inspection, and "
            f"{c['not_yet_inspected']:,} have no later inspection in this index yet.")


def answer(index, request: SearchRequest, histories) -> dict:
    """The tracker for one search request over a SearchIndex (`histories`: the process's
    followup_store.Histories); for unquoted words also `unquoted_words: true` and
    `phrase_query`: the exact phrase's total and counts (indexer.answers.wording)."""
    data = _answer(index, request, histories)
    data["unquoted_words"], data["phrase_query"] = unquoted_words(request.query), None
    phrase = phrase_request(request)
    if phrase is not None:
        exact = _answer(index, phrase, histories)
        data["phrase_query"] = {k: exact[k] for k in ("query", "total", "counts")}
    return data


def _answer(index, request: SearchRequest, histories) -> dict:
    found, keys = index.matched_passages(recommendation_request(request))
    generation, records = index.generation_path(), index.records()
    groups = histories.authorities(generation, records)
    owner = {m["report_id"]: key for key, metas in groups.items() for m in metas}
    # the coverage (the reports the filters keep) of the request as the counts read it: by
    # words, which also spares the meaning pass over every passage vector
    cover = trends(index.matches(dataclasses.replace(request, mode="words")),
                   request.query)["coverage"]
    return tracker(keys, owner.get, lambda key: histories.get(generation, records, key),
                   request.query, cover)
