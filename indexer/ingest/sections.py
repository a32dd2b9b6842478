"""Split a document's blocks into Sections of Passages, each with a canonical key.

Headings open sections (keys from indexer.domain.taxonomy); a letter's address block, closing
formulas, signatures and copy lists go to `boilerplate`; passage ids are content hashes,
so a passage keeps its id when anything else in the report changes.
"""
from __future__ import annotations

import hashlib
import re

from indexer.domain import taxonomy
from indexer.ingest import clean, fragments
from indexer.models import Block, Passage, Section

TITLE_RE = re.compile(
    r"^(annual unannounced inspection|focused visit|(joint|area|single)? ?.{0,40}inspection of"
    r"|joint targeted area inspection|area send|review of the effectiveness|monitoring visit"
    r"|inspection of|.{0,60}council inspection of)", re.IGNORECASE)
_WORDS_RE = re.compile(r"[^\w]+")
NUMBERED = re.compile(r"\d{1,3}\.\s")  # a numbered paragraph


def passage_id(text: str, seen: dict[str, int]) -> str:
    """A stable id from the passage's own words; repeats in one report get -2, -3, ..."""
    words = _WORDS_RE.sub(" ", text.lower()).strip()
    digest = hashlib.sha1(words.encode("utf-8")).hexdigest()[:10]
    seen[digest] = seen.get(digest, 0) + 1
    return f"p-{digest}" if seen[digest] == 1 else f"p-{digest}-{seen[digest]}"


def find_title(blocks: list[Block]) -> int | None:
    """Index of the block that is the document's title, if one is recognisable."""
    for index, block in enumerate(blocks[:40]):
        if block.kind == "heading" and block.level == 1:
            return index
    for index, block in enumerate(blocks[:40]):
        if len(block.text) < 260 and TITLE_RE.match(block.text) and block.kind != "bullet":
            return index
    return None


def opening_end(blocks: list[Block]) -> int:
    """Number of blocks that form a letter's opening (date, address, 'Dear ...')."""
    for index, block in enumerate(blocks[:30]):
        if taxonomy.OPENING_END.match(block.text):
            return index + 1
    return 0


class _Sectioner:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.last_key = taxonomy.OPENING_KEY
        self.closing = False
        self.part = ""  # the part heading in force ("The local authority", "The LSCB")
        self.parent = ""  # the section-rank heading that sub-headings sit under
        self.list_key: str | None = None  # key of the list section sub-headings belong to
        self.list_heading = ""  # and its heading ("Priority and immediate action")
        self.sub_headed = False  # unrecognised headings under the list are its topics

    def heading(self, text: str, level: int = 2) -> None:
        current = self.sections[-1] if self.sections else None
        if current is not None and not current.passages and fragments.is_grade(text):
            current.passages.append(Passage("", text))  # "Grade 3 (Adequate)" under its
            return  # judgement heading: a judgement table row (indexer.ingest.fragments)
        printed = text
        part, text = taxonomy.split_part(text)
        numbered_part = re.match(r"section \d|the effectiveness", printed.strip(), re.I)
        if part and (self.last_key != "boilerplate" or numbered_part):
            self.part, self.parent, self.list_key = part, "", None
            self._drop_empty()
            if not text:
                return  # a part heading alone only gives context to what follows
        elif part:
            return  # "The local authority" inside "what the judgements mean" text
        key = taxonomy.classify_heading(text)
        current = self.sections[-1] if self.sections else None
        if key is not None:
            self.sub_headed = False
        elif current is not None and not current.passages and current.key in taxonomy.LIST_KEYS:
            self.sub_headed = True  # an empty list heading over unrecognised headings: topics
        if self.sub_headed and self.list_key and level <= 2:
            level = 3  # JTAI 2016: "Areas for improvement" › "Leadership and management"
        above = ""  # an empty heading printed over this one ("Main findings" › "Leadership")
        if current is not None and not current.passages:
            if key == "boilerplate":
                pass
            elif current.heading.endswith("?") and level <= 2:
                text = f"{current.heading} {text}"
                key = key or taxonomy.classify_heading(current.heading)
            elif taxonomy.INTRODUCES.search(text):  # "The LSCB is inadequate because"
                text = f"{current.heading} {text}"
                key = current.key
            elif current.key != "boilerplate" and current.heading:
                above = current.heading
            self.sections.pop()
        inherited = self._inherits(key, text, level)
        recognised = key is not None
        key = self._key(key, text, level)
        if key == "boilerplate":
            self.part, self.parent, self.list_key = "", "", None
        else:
            self.closing = False
        if inherited:
            pass
        elif key in taxonomy.LIST_KEYS or key in ("key_findings", "context"):
            self.list_key, self.list_heading = key, text
        elif recognised or level <= 2:
            self.list_key = None
        path = [self.part] if self.part else []
        if level <= 2:
            self.parent = text
        elif self.parent and self.parent != text:
            path.append(self.parent)
        if inherited and key != "context" and self.list_heading not in path + [text]:
            path.append(self.list_heading)
        if above and above not in path:
            path.append(above)
        self.last_key = key
        self.sections.append(Section(key, text, path=path))

    def _drop_empty(self) -> None:
        if self.sections and not self.sections[-1].passages:
            self.sections.pop()

    def _inherits(self, key: str | None, text: str, level: int) -> bool:
        """A sub-heading under a list section (areas for improvement, priority action,
        strengths, summary of findings) or a context section ("Information about this
        local authority area" › "Local leadership") keeps that section's key when it only names a
        topic ("Help and protection", "Leadership, management and governance")."""
        topic = key is None or (key == taxonomy.DEFAULT_KEY
                                and len(text.split()) <= taxonomy.TOPIC_MAX_WORDS
                                and not re.search(r"finding|stud|:", text, re.IGNORECASE))
        return level >= 3 and bool(self.list_key) and topic

    def _key(self, key: str | None, text: str, level: int) -> str:
        if self._inherits(key, text, level):
            return self.list_key
        return key if key is not None else self._inherited_key(level)

    def _inherited_key(self, level: int) -> str:
        """Key of an unrecognised heading: a sub-heading stays in its section; a heading
        of section rank after a list section (strengths, areas for ...) starts findings."""
        if self.last_key == "boilerplate":
            return taxonomy.DEFAULT_KEY
        if level <= 2 and self.last_key in taxonomy.LIST_KEYS:
            return taxonomy.DEFAULT_KEY
        return self.last_key

    def passage(self, text: str, page: int | None = None) -> None:
        text = taxonomy.strip_letterhead(text)
        if not text:
            return
        if taxonomy.BOILERPLATE_PASSAGES.match(text.replace("’", "'")):
            self.closing = True
            if not self.sections or self.sections[-1].key != "boilerplate":
                self.sections.append(Section("boilerplate", ""))
        elif not self.sections:
            self.sections.append(Section(taxonomy.OPENING_KEY, ""))
        elif self._narrative_starts(text):
            summary = self.sections[-1]
            self.sections.append(Section(taxonomy.DEFAULT_KEY, self.parent or summary.heading,
                                         path=[p for p in summary.path if p != self.parent]))
            self.last_key, self.list_key = taxonomy.DEFAULT_KEY, None
        self.sections[-1].passages.extend(Passage("", piece, page) for piece in clean.pieces(text))

    def _narrative_starts(self, text: str) -> bool:
        """SIF judgement sections: numbered paragraphs after an unnumbered "Summary" are
        the judgement's narrative (findings), though no heading is printed between."""
        current = self.sections[-1]
        return (current.key == "key_findings" and current.heading.strip().lower() == "summary"
                and bool(current.passages) and NUMBERED.match(text) is not None
                and not any(NUMBERED.match(p.text) for p in current.passages))


def _lead_in(block: Block, following: Block | None) -> bool:
    """A paragraph ending in ':' right before a heading introduces it: not a passage."""
    return (block.kind == "paragraph" and block.text.endswith(":") and len(block.text) < clean.LEAD_IN_MAX_CHARS
            and following is not None and following.kind == "heading")


def split_sections(blocks: list[Block]) -> tuple[str | None, list[Section]]:
    """Return (title as printed or None, sections in document order, empty ones dropped)."""
    title, sections, _ = parse_sections(blocks)
    return title, sections


def parse_sections(blocks: list[Block]) -> tuple[str | None, list[Section], list[dict]]:
    """(title as printed or None, sections in document order with empty ones dropped,
    the judgement table rows taken out of the passages by indexer.ingest.fragments)."""
    title_at = find_title(blocks)
    opening = opening_end(blocks)
    sectioner = _Sectioner()
    pending_context = bool(opening)  # text between "Dear ..." and the first heading
    if opening:
        sectioner.sections.append(Section("boilerplate", ""))
    for index, block in enumerate(blocks):
        if index == title_at:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if index < opening:
            sectioner.sections[0].passages.extend(Passage("", piece, block.page)
                                                  for piece in clean.pieces(block.text))
            continue
        if pending_context and not (block.kind == "heading" or _lead_in(block, following)):
            sectioner.sections.append(Section("context", ""))
        pending_context = False
        closing_formula = taxonomy.BOILERPLATE_PASSAGES.match(block.text.replace("’", "'"))
        if (block.kind == "heading" and not closing_formula) or _lead_in(block, following):
            sectioner.heading(block.text, block.level)
        elif sectioner.closing and sectioner.sections[-1].key == "boilerplate":
            sectioner.sections[-1].passages.append(Passage("", block.text, block.page))
        else:
            sectioner.passage(block.text, block.page)
    rows = fragments.tidy(sectioner.sections)
    sections = [s for s in sectioner.sections if s.passages]
    seen: dict[str, int] = {}
    for section in sections:
        for passage in section.passages:
            passage.passage_id = passage_id(passage.text, seen)
    title = blocks[title_at].text if title_at is not None else None
    return title, sections, rows
