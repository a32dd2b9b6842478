"""Turn the user's query string into a Whoosh query plus what to highlight, and say how to
score it.

Plain words (all required, or any of them with mode="or"), "phrases", AND / OR / NOT,
parentheses, trailing * and a field per facet of indexer.index.facet_registry (authority:,
section:, type:, framework:, judgement:, and year: with a year or a range 2015-2018). With
expand=True, acronyms and long forms from the social-care vocabulary and corrections of
unknown words are searched too, as weighted OR alternatives, and section names ("what needs
to improve") become section terms; QueryPlan.expansions lists what was added. The weights
come from the Ranking value (indexer.search.ranking).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import (AndGroup, FieldAliasPlugin, MultifieldPlugin, OrGroup, QueryParser,
                            QueryParserError)

from indexer.errors import BadRequest
from indexer.index.facet_registry import FACETS, by_query_name
from indexer.search import compound_spellings
from indexer.search.query_checks import check_query
from indexer.search.ranking import RANKING, Ranking
from indexer.search.highlight import Highlighter
from indexer.domain.taxonomy import SECTION_LABELS
from indexer.search.vocabulary import default_vocabulary

SEARCH_FIELDS = ("text", "heading", "title")
# "Quoted phrases" search these fields (every word as written) instead of text and heading.
EXACT_FIELDS = {"exact": "text", "exact_heading": "heading"}
MAX_PROXIMITY_TERMS = 8
ALIASES = {f.field: list(f.aliases) for f in FACETS if f.aliases}
_KEYED = re.compile(r"\b(" + "|".join(n for f in FACETS if not f.numeric
                                      for n in (f.name, *f.aliases)) + r"):"
                    r"(\"[^\"]*\"|\S+)", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]*)"(\S*)')
_YEAR_RANGE = re.compile(r"\byears?:(\d{4})\s*(?:-|–|\.\.|to)\s*(\d{4})\b", re.IGNORECASE)
_SEGMENT = re.compile(r'"[^"]*"\S*|[^\s()"]+:"[^"]*"\S*|[()]|[^\s()]+')
_PLAIN_WORD = re.compile(r"[\w'’.‐‑-]+")
_SPELLABLE = re.compile(r"[A-Za-z]{3,}")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# The words that make a search a question ("what happens when children go missing"). They
# are searched (left out, the judged questions fell from 0.80 to 0.73: decision 0037) but
# not marked while the query has other words to mark: "what" and "when" lit up in every
# passage show nothing.
QUESTION_WORDS = frozenset("what when where which who whom whose why how".split())




@dataclass
class QueryPlan:
    query: wq.Query
    text_query: str  # the words the user typed, for spelling suggestions
    highlighter: Highlighter = field(default_factory=Highlighter)
    expansions: list[str] = field(default_factory=list)  # also searched, as written
    asks_for_boilerplate: bool = False
    corrected: bool = False  # an unknown word was searched with its correction
    meant: str = ""  # the words with corrections in place of unknown ones ("": as typed)


def _slug_value(match: re.Match) -> str:
    """`type:"Focused visit"` -> `inspection_type:focused_visit`: the facet's field and
    its value as the index stores it (quoted when it holds a space)."""
    facet = by_query_name(match.group(1))
    value = facet.query_value(match.group(2).strip('"'))
    return f'{facet.field}:"{value}"' if " " in value else f"{facet.field}:{value}"


def normalise_query(text: str) -> str:
    text = _YEAR_RANGE.sub(r"year:[\1 TO \2]", text)
    return _KEYED.sub(_slug_value, text)


class _Parser(QueryParser):
    """A word that analyses to several terms ("multi-agency", "s47") is a phrase; a field
    that is stored but not indexed cannot be searched."""

    def multitoken_query(self, spec, texts, fieldname, termclass, boost):
        return wq.Phrase(fieldname, texts, boost=boost)

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        """A stored-only field (source, passage_ids) reached through odd quoting, which
        query_checks cannot see, is refused here instead of crashing Whoosh."""
        field = self.schema[fieldname] if fieldname in self.schema else None
        if field is not None and field.format is None:
            raise BadRequest(f"{fieldname}: is not a field that can be searched")
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


def make_parser(schema, mode: str = "and", ranking: Ranking = RANKING):
    names = [f for f in SEARCH_FIELDS if f in schema and f in ranking.field_boosts]
    group = OrGroup if mode == "or" else AndGroup
    parser = _Parser(None, schema, group=group)
    boosts = {f: ranking.field_boosts.get(f, 1.0) for f in names}
    parser.add_plugin(MultifieldPlugin(names, boosts))
    parser.add_plugin(FieldAliasPlugin(ALIASES))
    return parser


def plan_query(text: str, schema, expand: bool = True, mode: str = "and",
               speller=None, ranking: Ranking = RANKING) -> QueryPlan:
    """The query to run for `text`; `speller` (indexer.index.spelling.Speller) corrects unknown
    words when expanding; mode "or" matches any word (used for benchmarks)."""
    if not text.strip():
        return QueryPlan(wq.Every(), "")
    check_query(text)
    normalised = exact_phrases(normalise_query(text))
    runs = plain_word_runs(normalised)
    rewritten, expansions, corrected, meant = normalised, [], False, ""
    if expand:
        rewritten, expansions, corrected, meant = _expanded(normalised, runs, speller, ranking)
    else:
        rewritten = _edited(normalised, [
            e for run in runs
            for e in compound_spellings.edits(run, set(), ranking.expansion_boost)[0]])
    parsed = _parse(rewritten, schema, mode, ranking)
    query = parsed
    if expand and mode == "and":
        query = _with_proximity(parsed, runs, ranking)
    plan = QueryPlan(query, text, _highlighter(parsed), expansions, corrected=corrected,
                     meant=meant)
    plan.asks_for_boilerplate = "section:boilerplate" in normalised
    return plan


# Whoosh's parser fails with these on some operator runs ("NOT AND ", "a ANDMAYBE ANDNOT b").
PARSER_CRASHES = (IndexError, AssertionError)


def _parse(text: str, schema, mode: str, ranking: Ranking) -> wq.Query:
    """The parsed query; every way the parser fails is a BadRequest (the one query-error
    path: 400 over HTTP, `error: ...` and exit 2 on the command line)."""
    try:
        parsed = make_parser(schema, mode, ranking).parse(text)
    except (QueryParserError, ValueError, TypeError) as exc:
        raise BadRequest(f"the query could not be understood: {exc}") from exc
    except PARSER_CRASHES as exc:
        raise BadRequest("the query could not be understood: check how AND, OR, NOT and "
                         "brackets are used") from exc
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise BadRequest("the query has no searchable words")
    return parsed


def exact_phrases(text: str) -> str:
    """Every unfielded "quoted phrase" searched as written: in the exact-phrase fields,
    with stop words and without stemming or vocabulary (`exact:"..." OR exact_heading:"..."`)."""
    out, last = [], 0
    for m in _SEGMENT.finditer(text):
        quoted = _QUOTED.fullmatch(m.group())
        if not quoted or not quoted.group(1).strip():
            continue
        phrase, suffix = quoted.group(1), quoted.group(2)
        either = " OR ".join(f'{name}:"{phrase}"{suffix}' for name in EXACT_FIELDS)
        out.append(text[last:m.start()] + f"({either})")
        last = m.end()
    return "".join(out) + text[last:]


def plain_word_runs(text: str) -> list[list[tuple[str, int, int]]]:
    """Runs of consecutive plain words (word, start, end): not quoted, not fielded, not an
    operator, not negated, not a prefix* or boosted^ word."""
    runs: list[list[tuple[str, int, int]]] = [[]]
    negated = False
    for m in _SEGMENT.finditer(text):
        word = m.group()
        plain = _PLAIN_WORD.fullmatch(word) and word not in OPERATORS and not negated
        negated = word in ("NOT", "ANDNOT")
        if plain:
            runs[-1].append((word, m.start(), m.end()))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _expanded(text: str, runs, speller, ranking: Ranking) -> tuple[str, list[str], bool, str]:
    """(the query string with vocabulary alternatives and corrections as OR groups, what
    was also searched, whether a word was corrected, the text with corrections in place of
    unknown words or "" when none was: what the words mean, for hybrid search)."""
    edits, expansions, corrected, fixes = [], [], False, []
    for run in runs:
        words = [w for w, _, _ in run]
        covered = set()
        for match in default_vocabulary().find(words):
            if ("sections" if match.section else "vocabulary") not in ranking.expansions:
                continue
            start, end = run[match.first][1], run[match.last][2]
            if match.section:
                edits.append((start, end, f"section:{match.section}"))
                expansions.append(f"section {SECTION_LABELS.get(match.section, match.section)}")
            else:
                edits.append((start, end, _alternation(text[start:end], match.alternatives,
                                                       ranking.expansion_boost)))
                expansions.extend(a for a in match.alternatives if a not in expansions)
            covered.update(range(match.first, match.last + 1))
        spellings, spelled = compound_spellings.edits(run, covered, ranking.expansion_boost)
        edits += spellings
        covered |= spelled
        for i, (word, start, end) in enumerate(run):
            fix = None if i in covered or "corrections" not in ranking.expansions else (
                _correction(word, speller))
            if fix:
                edits.append((start, end, _alternation(word, (fix,), ranking.correction_boost)))
                expansions.append(fix)
                fixes.append((start, end, fix))
                corrected = True
    return _edited(text, edits), expansions, corrected, _edited(text, fixes) if fixes else ""


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _alternation(original: str, alternatives, boost: float) -> str:
    """`(original OR "other form"^boost ...)`: several words are quoted as a phrase, one
    word is not (a quoted single word would lose the heading and title field boosts)."""
    words = f"({original})" if " " in original else original
    options = " OR ".join((f'"{alt}"' if " " in alt else alt) + f"^{boost:g}"
                          for alt in alternatives)
    return f"({words} OR {options})"


def _correction(word: str, speller) -> str | None:
    """The speller's correction of a lower-case-able word it does not know."""
    if speller is None or not _SPELLABLE.fullmatch(word) or word.isupper():
        return None
    return speller.correct_word(word)


def _with_proximity(parsed: wq.Query, runs, ranking: Ranking) -> wq.Query:
    """Rank passages where the plain words stand close together higher, without changing
    which passages match: AndMaybe(query, sloppy phrase of the words)."""
    terms = [t for run in runs
             for word in compound_spellings.word_terms([w for w, _, _ in run]) for t in word]
    if len(terms) < 2 or len(terms) > MAX_PROXIMITY_TERMS or ranking.proximity_boost <= 0:
        return parsed
    near = wq.Phrase("text", terms, slop=ranking.proximity_slop, boost=ranking.proximity_boost)
    return wq.AndMaybe(parsed, near)


def _highlighter(q: wq.Query) -> Highlighter:
    highlighter = Highlighter()
    _collect(q, highlighter)
    if highlighter.terms - QUESTION_WORDS or highlighter.phrases or highlighter.exact:
        highlighter.terms -= QUESTION_WORDS
    return highlighter


def _collect(q: wq.Query, highlighter: Highlighter) -> None:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, (wq.Phrase, wq.Term)) and q.fieldname in EXACT_FIELDS:
        words = list(q.words) if isinstance(q, wq.Phrase) else [q.text]
        if words and words not in highlighter.exact:
            highlighter.exact.append(words)
        return
    if isinstance(q, wq.Phrase) and q.fieldname in SEARCH_FIELDS:
        words = list(q.words)
        if words and words not in highlighter.phrases:
            highlighter.phrases.append(words)
        return
    if isinstance(q, wq.Prefix) and q.fieldname in SEARCH_FIELDS:
        highlighter.prefixes.add(q.text)
        return
    if isinstance(q, wq.Term) and q.fieldname in SEARCH_FIELDS:
        highlighter.terms.add(q.text)
        return
    for child in q.children():
        _collect(child, highlighter)
