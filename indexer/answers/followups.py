"""Follow a recommendation into the same authority's later inspections, by meaning and
topic (docs/decisions/0036-follow-ups-by-meaning-and-topic.md).

Candidates are the CANDIDATES later passages nearest the recommendation in meaning
(cosine of the passage vectors the build stores, indexer.index.vectors: heading and text,
the recommendation's too; `vectors` gives them, by default by embedding). A candidate is kept only when
it passes the topic check (it speaks of one of the recommendation's practice topics,
indexer.domain.topics; rare topics weigh more than common ones) and the addressee check
(a recommendation to the police or to health services is followed up only by a passage
that speaks of them, one to a safeguarding children board only by one that speaks of the
board or the safeguarding partnership). The rest are ranked by a score that adds to the cosine the share of
the recommendation's topic weight the passage carries and a small bonus for the later
report's own judgements, areas for improvement and findings; a passage scoring below
MIN_SCORE is not shown. Up to FOLLOW_UPS are shown, best first, each with its status
(indexer.answers.followup_status) and, highlighted, the sentence most relevant to the
recommendation that says it (indexer.answers.followup_sentences), or none: "not mentioned
in a later inspection in this index".
"""
from __future__ import annotations

import bisect
import html
import math
import re
from dataclasses import dataclass

import numpy as np

from indexer.index.vectors import embed_as_stored, passage_text
from indexer.domain.recommendations import STANDARD_TEXT
from indexer.domain.taxonomy import SECTION_LABELS
from indexer.models import dated
from indexer.answers.followup_sentences import Sentences, relevance
from indexer.answers.followup_status import CONCERN_SECTIONS, STATUS_LABELS, status
from indexer.domain.topics import fold, names, topics

FOLLOW_UPS = 3
CANDIDATES = 50  # nearest later passages by meaning that are checked and re-ranked
# The re-ranking: a logistic model over FEATURES, fitted on the development half of
# bench/data/followup_truth only (python -m bench.followup --train), and the probability
# a follow-up must reach to be shown (chosen on the same half).
FEATURES = ("bias", "cosine", "cosine - the best cosine", "1/(1+rank by cosine)",
            "topic share", "topic jaccard", "topic share of the heading path",
            "telling-word share", "concern section", "findings section", "summary section",
            "looks back", "log length")
WEIGHTS = np.array([-5.177, 2.993, 0.846, 1.382, 1.156, 1.472, -0.845, 4.599, 0.119, 0.037,
                    -0.156, 0.144, -0.600])
# a passage that speaks of the earlier inspection ("since the last inspection"); lower
# case, searched in the folded text (case-blind, indexer.domain.topics.fold)
_LOOKS_BACK = re.compile(r"since the (?:last|previous|\d{4})|(?:last|previous) (?:inspection|"
                         r"focused visit|jtai|visit)|at the (?:last|previous)|recommendations? "
                         r"(?:made|from)|remains?|still|has improved|have improved")
MIN_PROBABILITY = 0.40
# words of every recommendation and passage: they carry no weight
GENERIC_WORDS = frozenset("""
children child young people person families family ensure ensuring improve improving
improved improvement improvements quality practice practices action actions priority
should must need needs needed take taking taken services service local authority
authorities council social work worker workers their there these those that this with
which when where while what have been being from into within across about more most
some other such than them they will would could also well further make made consistent
consistently effective effectively support supported supporting including include
includes through ensure timely robust strong good area areas inspection inspectors
inspected development developing develop developed continue continued level levels
all""".split())
_WORD = re.compile(r"[a-z]{4,}")
SKIPPED_SECTIONS = frozenset({"boilerplate", "context"})
# a recommendation to these bodies is followed up only by a passage on that topic
ADDRESSEE_TOPIC = {"police": "police", "health": "health"}
# ... and one to a safeguarding children board on the board's own work (only BOARD_WORK
# topics: its governance, data and audits, training, business plan, how children's views
# reach it) only by a passage that speaks of the board or of the safeguarding partnership
# that succeeded it (lower case, searched in the folded text): the council's own governance
# or audits are not the board's. A board item that names a practice (thresholds, neglect,
# exploitation) may be followed by that practice, as the hand-read truth counts it.
BOARD_WORK = frozenset({"governance", "quality_assurance", "workforce", "voice", "plans",
                        "recording", "information_sharing", "commissioning"})
_BOARD = re.compile(r"\blsc[bp]s?\b|\bthe board\b|safeguarding (?:children )?(?:board|partner)"
                    r"|multi-agency (?:safeguarding )?(?:partnership|arrangements)|safeguarding "
                    r"arrangements|\bmasa\b|statutory partners|independent scrutin")
TOPICS = names()  # the columns of a pool's topic arrays
COLUMN = {name: at for at, name in enumerate(TOPICS)}


@dataclass
class Pool:
    """The passages of an authority's inspections that recommendations may be followed
    up in: (report, section, passage) rows, their vectors and their topics, and what the
    re-ranking reads of each row whatever the recommendation, as arrays."""

    rows: list[tuple[dict, dict, dict]]
    vectors: np.ndarray
    topics: list[frozenset[str]]
    weights: dict[str, float]  # topic -> weight (rarer in the pool weighs more)
    words: list[frozenset[str]]  # each passage's telling words (generic words left out)
    idf: dict[str, float]  # word -> weight (rarer in the pool weighs more)
    headed: list[frozenset[str]]  # the topics of each passage's heading and heading path
    days: list[str]  # the pool's report dates (ReportDate.sort_key), sorted
    dates: np.ndarray  # each row's report date, as its place in `days`
    held: np.ndarray  # bool, rows x TOPICS: the topics of each row's text ...
    heads: np.ndarray  # ... and of its heading path
    fixed: np.ndarray  # each row's last five FEATURES (its section, looks back, length)
    board: np.ndarray  # bool: the row speaks of a safeguarding board or partnership (_BOARD)
    sentences: Sentences  # each shown passage's sentences, embedded once (never stored)

    @classmethod
    def of(cls, reports: list[dict], vectors=embed_as_stored) -> "Pool":
        rows = [(report, section, passage) for report in reports
                for section in report.get("sections", [])
                if section["key"] not in SKIPPED_SECTIONS
                for passage in section["passages"]
                if not STANDARD_TEXT.search(passage["text"])]
        found = [topics(passage["text"]) for _, _, passage in rows]
        words = [telling_words(passage["text"]) for _, _, passage in rows]
        texts = [passage_text(section["heading"] or "", passage["text"])
                 for _, section, passage in rows]
        by_section = {id(section): heading_topics(section) for _, section, _ in rows}
        headed = [by_section[id(section)] for _, section, _ in rows]
        when = {id(report): dated(report).sort_key for report in reports}
        days = sorted(set(when.values()))
        place = {day: at for at, day in enumerate(days)}
        dates = np.array([place[when[id(report)]] for report, _, _ in rows], np.int64)
        return cls(rows, vectors(texts) if texts else np.zeros((0, 1), np.float32),
                   found, _rarity(found, len(rows)), words, _rarity(words, len(rows)), headed,
                   days, dates, _membership(found), _membership(headed),
                   np.array([_fixed(section["key"], passage["text"])
                             for _, section, passage in rows], np.float64).reshape(-1, 5),
                   np.array([bool(_BOARD.search(fold(passage["text"]))) for _, _, passage in rows],
                            bool),
                   Sentences([passage["text"] for _, _, passage in rows], embed_as_stored,
                             telling_words))


def _membership(sets: list[frozenset[str]]) -> np.ndarray:
    """bool, one row per set, one column per topic (TOPICS)."""
    out = np.zeros((len(sets), len(TOPICS)), bool)
    for row, names in enumerate(sets):
        out[row, [COLUMN[name] for name in names]] = True
    return out


def _fixed(section: str, text: str) -> tuple:
    return (section in CONCERN_SECTIONS, section in ("findings", "key_findings"),
            section in ("overview", "strengths", "meets_requirements"),
            bool(_LOOKS_BACK.search(fold(text))), math.log(1 + len(text) / 500))


def heading_topics(section: dict) -> frozenset[str]:
    """The topics a section's heading and heading path name ("Care leavers")."""
    return topics(" / ".join(list(section.get("path") or []) + [section.get("heading") or ""]))


def _rarity(sets: list[frozenset[str]], total: int) -> dict[str, float]:
    counts: dict[str, int] = {}
    for names in sets:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    return {name: math.log(1 + total / count) for name, count in counts.items()}


def telling_words(text: str) -> frozenset[str]:
    """The text's words that can tell one issue from another: four letters or more, not
    generic (GENERIC_WORDS), cut to their first six letters ("supervision" and
    "supervised" agree)."""
    return frozenset(word[:6] for word in _WORD.findall(text.lower().replace("’", "'"))
                     if word not in GENERIC_WORDS)


def _nearest(cosines: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """The `count` rows of `rows` with the highest cosines, highest first, ties in row
    order (as a stable sort of them all would give)."""
    values = -cosines[rows]
    if values.size > 4 * count:
        kept = np.flatnonzero(values <= np.partition(values, count - 1)[count - 1])
        rows, values = rows[kept], values[kept]
    return rows[np.argsort(values, kind="stable")[:count]]


def scored(rec: dict, vector: np.ndarray, pool: Pool, after: str) -> list[tuple[float, int, np.ndarray]]:
    """(probability, row, FEATURES) of the CANDIDATES later passages nearest the
    recommendation in meaning that pass the topic and addressee checks, most likely
    follow-up first."""
    if not pool.rows:
        return []
    later = np.flatnonzero(pool.dates >= bisect.bisect_right(pool.days, after))
    if not later.size:
        return []
    cosines = (pool.vectors @ vector).astype(np.float64)
    order = _nearest(cosines, later, CANDIDATES)
    wanted = topics(rec["text"]) | heading_topics(rec)
    columns = np.array(sorted(COLUMN[name] for name in wanted), np.int64)
    held = pool.held[order][:, columns]
    passing = held.any(axis=1) if columns.size else np.ones(order.size, bool)
    needed = ADDRESSEE_TOPIC.get(rec.get("addressee", ""))
    if needed is not None:
        passing &= pool.held[order, COLUMN[needed]]
    if rec.get("addressee") == "lscb" and wanted <= BOARD_WORK:
        passing &= pool.board[order]
    ranks = np.flatnonzero(passing)
    if not ranks.size:
        return []
    rows, held = order[ranks], held[ranks]
    weight = np.array([pool.weights.get(TOPICS[c], 1.0) for c in columns])
    total = weight.sum()
    inter = held.sum(axis=1)
    union = columns.size + pool.held[rows].sum(axis=1) - inter
    words = telling_words(rec["text"])
    weighed = {word: pool.idf.get(word, 1.0) for word in words}
    said = sum(weighed.values())
    x = np.column_stack([
        np.ones(rows.size), cosines[rows], cosines[rows] - cosines[order[0]], 1.0 / (1 + ranks),
        held @ weight / total if total else np.zeros(rows.size),
        np.divide(inter, union, out=np.zeros(rows.size), where=union > 0),
        pool.heads[rows][:, columns] @ weight / total if total else np.zeros(rows.size),
        [sum(weighed[w] for w in words & pool.words[row]) / said if said else 0.0
         for row in rows], pool.fixed[rows]])
    chances = 1.0 / (1.0 + np.exp(-(x @ WEIGHTS)))
    kept = [(float(p), int(row), found) for p, row, found in zip(chances, rows, x)]
    kept.sort(key=lambda s: -s[0])
    return kept


def follow(rec: dict, vector: np.ndarray, pool: Pool, after: str) -> list[dict]:
    """Up to FOLLOW_UPS follow-ups of one recommendation, most likely first, each with
    the sentence most relevant to it that says its status (followup_sentences)."""
    shown = [(p, row) for p, row, _ in scored(rec, vector, pool, after)
             if p >= MIN_PROBABILITY][:FOLLOW_UPS]
    if not shown:
        return []
    wanted = {name: pool.weights.get(name, 1.0)
              for name in topics(rec["text"]) | heading_topics(rec)}
    weighed = {word: pool.idf.get(word, 1.0) for word in telling_words(rec["text"])}
    found = pool.sentences.of([row for _, row in shown])
    return [_row(rec, p, *pool.rows[row], relevance(f, vector, wanted, weighed))
            for (p, row), f in zip(shown, found)]


def marked(text: str, sentence: str) -> str:
    """The passage, escaped, with the sentence that gives the status in <mark>."""
    at = text.find(sentence) if sentence else -1
    if at < 0:
        return html.escape(text)
    end = at + len(sentence)
    return (html.escape(text[:at]) + "<mark>" + html.escape(sentence) + "</mark>"
            + html.escape(text[end:]))


def _row(rec: dict, score: float, report: dict, section: dict, passage: dict,
         relevant: dict[str, float] | None = None) -> dict:
    verdict, sentence = status(rec["text"], passage["text"], section["key"], relevant)
    return {
        "report_id": report["report_id"], "title": report["title"],
        "inspection_type": report.get("inspection_type"),
        "inspection_type_label": report.get("inspection_type_label"),
        "date": dated(report).text, "section": section["key"],
        "section_label": SECTION_LABELS.get(section["key"], section["key"]),
        "heading": section["heading"], "passage_id": passage["passage_id"],
        "url": f"/reports/{report['report_id']}#{passage['passage_id']}",
        "text": passage["text"], "score": round(score, 3),
        "status": verdict, "status_label": STATUS_LABELS[verdict],
        "status_sentence": sentence, "snippet_html": marked(passage["text"], sentence),
    }
