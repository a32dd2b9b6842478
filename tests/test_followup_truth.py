"""The hand-read follow-up truth of issue 20 (bench/data/followup_truth/*.tsv).

Each file holds one row per (recommendation of an earlier report, passage of a later report
of the same authority that follows it up), read from the documents by hand; a
recommendation no later report speaks to has one `not_mentioned` row. These tests keep the
files usable by bench/followup.py: the columns and their vocabularies, one not_mentioned row
at most per recommendation and never beside a follow-up (fast); and, over the real corpus,
that every quote is an exact substring of a passage of the report it names, that the
later report is a later inspection of the same authority, and that the template pair is
what the two reports are (corpus).
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from indexer.index import report_store

TRUTH = Path(__file__).resolve().parents[1] / "bench" / "data" / "followup_truth"
COLUMNS = ["authority", "rec_report", "rec_quote", "addressee", "later_report",
           "later_quote", "status", "template_pair"]
ADDRESSEES = {"local_authority", "lscb", "partnership", "police", "health", "trust",
              "area_partnership"}
STATUSES = {"improved", "still_a_concern", "mixed", "not_mentioned"}
KINDS = {"ilacs_standard": "ilacs", "ilacs_short": "ilacs", "focused_visit": "focused_visit",
         "jtai": "jtai", "sif": "sif", "joint_area_review": "jar", "lac_2013": "lac",
         "area_send": "area_send", "lscb_review": "lscb_review"}
MIN_QUOTE = 60  # characters, unless the quote is the whole (shorter) passage
# Which authority keys each file may hold: its name is the first and last initial.
FILES = {"a-k.tsv": ("a", "k"), "l-z.tsv": ("l", "z")}


def read_rows() -> list[tuple[str, int, dict]]:
    """(file name, line number, row) for every data row of every truth file."""
    found = []
    for path in sorted(TRUTH.glob("*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        body = [(n, line) for n, line in enumerate(lines, 1) if not line.startswith("#")]
        assert body and body[0][1].split("\t") == COLUMNS, f"{path.name}: header"
        for n, line in body[1:]:
            cells = line.split("\t")
            assert len(cells) == len(COLUMNS), f"{path.name}:{n}: {len(cells)} cells"
            found.append((path.name, n, dict(zip(COLUMNS, cells))))
    return found


ROWS = read_rows()


def where(name: str, n: int) -> str:
    return f"{name}:{n}"


def test_there_is_truth_to_check():
    assert {name for name, _, _ in ROWS} >= {"a-k.tsv"}
    assert len({(r["rec_report"], r["rec_quote"]) for _, _, r in ROWS}) >= 20


@pytest.mark.parametrize("name,n,row", ROWS, ids=[where(a, b) for a, b, _ in ROWS])
def test_row_values_are_in_their_vocabularies(name, n, row):
    assert row["addressee"] in ADDRESSEES
    assert row["status"] in STATUSES
    earlier, _, later = row["template_pair"].partition("->")
    assert earlier in KINDS.values() and later, row["template_pair"]
    assert all(kind in KINDS.values() for kind in later.split("+")), row["template_pair"]
    assert row["rec_report"].startswith(row["authority"] + "-")
    assert row["rec_quote"] and row["rec_quote"] == row["rec_quote"].strip()
    first, last = FILES.get(name, ("a", "z"))
    assert first <= row["authority"][0] <= last, f"{row['authority']} is not for {name}"
    if row["status"] == "not_mentioned":
        assert not row["later_report"] and not row["later_quote"]
    else:
        assert row["later_report"].startswith(row["authority"] + "-")
        assert row["later_report"] != row["rec_report"]
        assert row["later_quote"] and row["later_quote"] == row["later_quote"].strip()
        assert "+" not in later


def test_not_mentioned_stands_alone_and_rows_are_not_repeated():
    by_rec = defaultdict(list)
    for name, n, row in ROWS:
        by_rec[(row["rec_report"], row["rec_quote"])].append((name, n, row))
    for rec, rows in by_rec.items():
        statuses = [r["status"] for _, _, r in rows]
        if "not_mentioned" in statuses:
            assert len(rows) == 1, f"{rec}: not_mentioned beside other rows"
        assert len({r["addressee"] for _, _, r in rows}) == 1, f"{rec}: two addressees"
        pairs = [(r["later_report"], r["later_quote"]) for _, _, r in rows]
        assert len(pairs) == len(set(pairs)), f"{rec}: a follow-up listed twice"


def _passages(report: dict) -> list[str]:
    return [p["text"] for s in report["sections"] for p in s["passages"]]


def _quoted(report: dict, quote: str) -> str | None:
    """The passage that holds `quote`, or None."""
    return next((text for text in _passages(report) if quote in text), None)


@pytest.mark.corpus
def test_every_quote_is_in_its_report(corpus_build):
    index_dir, _ = corpus_build
    reports = report_store.load(index_dir)
    problems = []
    for name, n, row in ROWS:
        at = where(name, n)
        earlier = reports.get(row["rec_report"])
        if earlier is None:
            problems.append(f"{at}: no report {row['rec_report']}")
            continue
        if earlier["authority_key"] != row["authority"]:
            problems.append(f"{at}: {row['rec_report']} is {earlier['authority_key']}'s")
        problems += _check_quote(at, earlier, row["rec_quote"])
        kind = KINDS[earlier["inspection_type"]]
        if row["status"] == "not_mentioned":
            problems += _check_not_mentioned(at, row, reports, earlier)
            continue
        later = reports.get(row["later_report"])
        if later is None:
            problems.append(f"{at}: no report {row['later_report']}")
            continue
        problems += _check_quote(at, later, row["later_quote"])
        if later["authority_key"] != row["authority"]:
            problems.append(f"{at}: {row['later_report']} is {later['authority_key']}'s")
        if _when(later) <= _when(earlier):
            problems.append(f"{at}: {row['later_report']} is not later")
        if row["template_pair"] != f"{kind}->{KINDS[later['inspection_type']]}":
            problems.append(f"{at}: pair {row['template_pair']}")
    assert not problems, "\n".join(problems)


def _when(report: dict) -> str:
    return report.get("inspection_start") or report.get("published") or ""


def _check_quote(at: str, report: dict, quote: str) -> list[str]:
    text = _quoted(report, quote)
    if text is None:
        return [f"{at}: not in {report['report_id']}: {quote[:70]!r}"]
    if len(quote) < MIN_QUOTE and quote != text.strip():
        return [f"{at}: quote shorter than {MIN_QUOTE} in a longer passage: {quote!r}"]
    return []


def _check_not_mentioned(at: str, row: dict, reports: dict, earlier: dict) -> list[str]:
    """A not_mentioned row names, in its pair, the kinds of the later reports it was read
    against ('+'-joined, one per report): exactly the authority's later reports."""
    kinds = row["template_pair"].partition("->")[2].split("+")
    later = sorted(KINDS[r["inspection_type"]] for r in reports.values()
                   if r["authority_key"] == row["authority"] and _when(r) > _when(earlier))
    if not later:
        return [f"{at}: {row['authority']} has no report after {row['rec_report']}"]
    if sorted(kinds) != later:
        return [f"{at}: pair {row['template_pair']}, later reports are {later}"]
    return []
