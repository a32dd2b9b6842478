"""Typed records passed between the indexer's pipeline stages.

file -> reader -> list[Block] -> clean -> sections -> Report (metadata + Sections of
Passages) -> Chunks -> Whoosh index; request -> SearchRequest -> SearchResults.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from types import MappingProxyType

from indexer.plain import plain


@dataclass
class Block:
    """One structural unit a reader found: a heading, a paragraph or a bullet.

    `level` is a heading-strength hint (1 = document title, 2 = section heading,
    3 = sub-heading); readers that cannot tell use 2. `page` is 1-based, None for text.
    """

    kind: str  # "heading" | "paragraph" | "bullet"
    text: str
    level: int = 2
    page: int | None = None


@dataclass
class RawDocument:
    """What a reader returns: the blocks in reading order plus file facts."""

    blocks: list[Block]
    source: str  # file name (not the full path)
    sha256: str
    pages: int = 0
    path: str = ""
    repaired: bool = False  # the PDF reader had to repair the file's structure


@dataclass
class Passage:
    passage_id: str
    text: str
    page: int | None = None  # 1-based PDF page (as a viewer numbers it) where it starts


@dataclass
class Section:
    key: str  # canonical key from indexer.domain.taxonomy
    heading: str  # as printed ("" for the untitled opening)
    passages: list[Passage] = field(default_factory=list)
    # the headings it sits under, outermost first: ["The LSCB", "What does the LSCB need
    # to improve?"] for "Areas for improvement"
    path: list[str] = field(default_factory=list)


@dataclass
class Report:
    report_id: str
    title: str
    authority: str
    authority_key: str
    inspection_type: str
    inspection_type_label: str
    inspection_start: str | None
    inspection_end: str | None
    published: str | None
    year: int
    overall_judgement: str | None
    judgements: dict[str, str]
    lead_inspector: str | None
    source: str
    sha256: str
    sections: list[Section] = field(default_factory=list)
    pages: int = 0
    # the authority record (indexer/domain/data/authorities.csv); `authority` stays as
    # printed. Unmatched: the printed name, region and URN None (listed by the build).
    authority_name: str = ""
    region: str | None = None
    la_urn: str | None = None
    # judgement table cells moved out of the passages: {"heading", "label", "grade"}
    judgement_rows: list[dict] = field(default_factory=list)
    original_url: str | None = None  # the published original (indexer.ingest.originals)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        """Read a stored report tolerantly: fields this version does not know are ignored,
        fields it added since the report was stored get their default (or an empty value),
        so an index written by an earlier version still serves its report pages."""
        report = _tolerant(cls, data)
        report.sections = [_section(s) for s in (data.get("sections") or [])]
        return report

    def passages(self):
        """Yield (section, passage) pairs in document order."""
        for section in self.sections:
            for passage in section.passages:
                yield section, passage


@dataclass(frozen=True)
class ReportDate:
    """The date a report is known by: its inspection start, else its publication date,
    else only its year. The one place this rule is written; every layer asks `dated()`
    (an Atom feed alone dates entries by publication: indexer.answers.feeds)."""

    iso: str | None  # yyyy-mm-dd, None when only the year is known
    kind: str | None  # "inspection" | "published" | None (the year alone)
    year: int

    @property
    def text(self) -> str:
        """The date, or the year alone (report ids and page listings use it)."""
        return self.iso or str(self.year or "")

    @property
    def sort_key(self) -> str:
        """yyyy-mm-dd; a report known only by its year sorts at 1 January."""
        return self.iso or f"{self.year or 0:04d}-01-01"


def dated(report) -> ReportDate:
    """The ReportDate of a Report, a stored report dict or parsed metadata."""
    get = report.get if isinstance(report, dict) else lambda name: getattr(report, name, None)
    start, published, year = get("inspection_start"), get("published"), get("year") or 0
    if start:
        return ReportDate(start, "inspection", year)
    if published:
        return ReportDate(published, "published", year)
    return ReportDate(None, None, year)


# Version of the stored report layout (reports.sqlite). Raise it when a change makes older
# stored reports unreadable even tolerantly (a field renamed or its meaning changed);
# SearchIndex refuses to serve a generation written with a newer version, and a build
# rebuilds one written with an older version.
# 3: reports.sqlite beside reports.json (decision 0027); 4: reports.sqlite only, with the
# build's totals as columns (decision 0029); 5: reports.sqlite (the base, linked between
# generations) and reports-delta.sqlite (added since, and the base's reports dropped: 0052)
REPORT_FORMAT = 5
_BLANKS = (("None", None), ("dict", {}), ("list", []), ("str", ""), ("int", 0), ("float", 0.0),
           ("bool", False))


def _blank(annotation: str):
    """An empty value of a field's type, for a stored record that lacks the field."""
    return next((type(v)() if v is not None else None for name, v in _BLANKS
                 if name in annotation.split(" | ") or annotation.startswith(name + "[")), None)


def _tolerant(cls, data: dict):
    values = {}
    for f in fields(cls):
        if f.name in data:
            values[f.name] = data[f.name]
        elif f.default is MISSING and f.default_factory is MISSING:
            values[f.name] = _blank(str(f.type))
    return cls(**values)


def _section(data: dict) -> Section:
    section = _tolerant(Section, data)
    section.passages = [_tolerant(Passage, p) for p in (data.get("passages") or [])]
    return section


@dataclass
class Chunk:
    """The unit stored in the Whoosh index: never crosses a section boundary."""

    chunk_id: str
    report_id: str
    section_key: str
    heading: str
    passage_ids: list[str]
    text: str
    position: int  # order of the chunk inside its report
    part: str = "none"  # taxonomy.part_key of its section's path: local_authority, lscb...


@dataclass(frozen=True)
class SearchRequest:
    """One search as asked: a value. Nothing changes it after it is made; normalising it
    (indexer.search.normalise) returns a new request, and caches may key on key()."""

    query: str = ""
    # facet name (indexer.index.facet_registry) -> the selected values, e.g. {"year": (2018,)};
    # given as any mapping of lists, kept as a read-only mapping of tuples
    filters: Mapping[str, tuple] = field(default_factory=dict)
    year_ranges: tuple[tuple[int, int], ...] = ()  # (first, last) inclusive
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    expand: bool = True
    mode: str = "hybrid"  # "hybrid": words and meaning (indexer.search.hybrid); "words"

    def __post_init__(self):
        object.__setattr__(self, "filters", MappingProxyType(
            {name: tuple(values) for name, values in dict(self.filters).items()}))
        object.__setattr__(self, "year_ranges",
                           tuple((int(lo), int(hi)) for lo, hi in self.year_ranges))

    def selected(self, facet: str) -> list:
        """The values selected for one facet (empty: no filter)."""
        return list(self.filters.get(facet, ()))

    def key(self) -> tuple:
        """Every field, hashable: equal requests have equal keys (filter values in the
        order given)."""
        return (self.query, tuple(self.filters.items()), self.year_ranges, self.page,
                self.per_page, self.sort, self.expand, self.mode)

    def __hash__(self) -> int:
        return hash(self.key())

    def __reduce__(self):  # a read-only mapping does not pickle or deepcopy: plain values
        return (SearchRequest, (self.query, dict(self.filters), *self.key()[2:]))


@dataclass
class PassageHit:
    passage_id: str
    url: str
    text: str
    snippet_html: str
    page: int | None = None  # PDF page where the passage starts


@dataclass
class Hit:
    report_id: str
    title: str
    authority: str
    year: int
    inspection_type: str
    inspection_type_label: str
    date: str | None
    section: str
    heading: str
    score: float
    source: str
    passages: list[PassageHit]
    # `authority` is the canonical name; `date` is the inspection start, else the
    # publication date, and `date_kind` says which ("inspection" | "published" | None)
    authority_key: str = ""
    region: str | None = None
    la_urn: str | None = None
    inspection_start: str | None = None
    inspection_end: str | None = None
    published: str | None = None
    date_kind: str | None = None
    original_url: str | None = None  # the published original, where known
    heading_path: list[str] = field(default_factory=list)  # headings the section sits under
    facets: dict[str, object] = field(default_factory=dict)  # every facet's value for this hit
    matched: str = "words"  # "words", "meaning" (none of the words) or "both"


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: str
    total: int  # matching passages
    reports: int  # distinct reports among them
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    expansions: list[str] = field(default_factory=list)
    match: str = "all"  # "all": every word in each passage; "most": no passage had all
    # "hybrid": found by words and by meaning; "words": by words alone (asked for, or a
    # query with quotes, operators or fields, which keep their exact meaning)
    mode: str = "words"
    # an authority's name read from the words: {key, label, words, everywhere_query}
    authority_in_query: dict | None = None
    # what the page must say about how the query was read: {kind, message, query} where
    # query is a corrected query to offer (or None); kind "unclosed_quote", or "some_words"
    # (hybrid, 4+ words: passages with only some of them are listed and counted)
    notices: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """dataclasses.asdict(self), by plain(): the same dict (docs/decisions/0028)."""
        return plain(self)
