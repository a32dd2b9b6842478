"""Parse one file into a Report: read -> clean -> metadata -> sections -> report id.

`parse_file` is what `python -m indexer parse FILE --json` prints and what the build
runs, in worker processes, on every new or changed file.
"""
from __future__ import annotations

import re

from indexer.errors import NotAReport, UnreadableFile
from indexer.domain.slugs import slug
from indexer.ingest.clean import INVISIBLE_RE
from indexer.ingest.metadata import extract_metadata
from indexer.ingest.originals import original_url
from indexer.models import Chunk, RawDocument, Report, dated
from indexer.ingest.readers import read_path
from indexer.ingest.sections import parse_sections
from indexer.domain.taxonomy import part_key


def make_report_id(meta: dict) -> str:
    """Human-readable and stable: authority, type and the inspection (or publication) date."""
    parts = [meta.get("authority_key") or "unknown", meta["inspection_type"], dated(meta).text]
    return slug("-".join(p.replace("_", "-") for p in parts))


_AUTHORITY_RE = re.compile(r"[A-Z][A-Za-z ,.'’&()-]{2,80}")


def _check_is_report(meta: dict) -> None:
    """Text files (unlike Ofsted PDFs) may be anything: require a recognisable report."""
    authority = meta.get("authority") or ""
    if meta.get("inspection_type") == "other" or not _AUTHORITY_RE.fullmatch(authority):
        raise NotAReport("not an inspection report: no inspection type or local "
                             "authority recognised")


# C0 but tab and newline, DEL, C1, lone surrogates, U+FFFE and U+FFFF (clean.CONTROL_RE,
# with carriage returns too: a block's lines end in newlines)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(raw: RawDocument) -> int:
    """Replace control characters in every block by spaces and drop bidirectional controls
    and zero-width characters (clean.printable: none reaches the index); return how many
    control characters there were."""
    found = 0
    for block in raw.blocks:
        block.text, count = _CONTROL.subn(" ", block.text)
        block.text = INVISIBLE_RE.sub("", block.text)
        if count:
            block.text = re.sub(r"[ \t]{2,}", " ", block.text).strip()
        found += count
    return found


def _check_repaired(raw: RawDocument, meta: dict, controls: int) -> None:
    """A PDF the reader had to repair is kept only if its text passes a sanity check:
    no control characters, a recognised inspection type and a recorded authority."""
    problems = [f"{controls} control characters in its text"] if controls else []
    if meta.get("inspection_type") == "other":
        problems.append("no inspection type recognised")
    if not meta.get("region"):
        problems.append("no known local authority named")
    if problems:
        raise UnreadableFile("damaged PDF: the file had to be repaired and its text fails "
                             "the sanity check (" + "; ".join(problems) + ")")


def parse_file(path: str) -> Report:
    raw = read_path(path)
    controls = strip_controls(raw)
    if not any(b.text.strip() for b in raw.blocks):
        raise UnreadableFile("no text found in file")
    try:
        meta = extract_metadata(raw.blocks, raw.source)
    except ValueError as exc:
        if raw.repaired:
            raise UnreadableFile("damaged PDF: the file had to be repaired and its text is "
                                 f"not a recognisable report ({exc})") from exc
        raise NotAReport(f"not an inspection report: {exc}") from exc
    if raw.repaired:
        _check_repaired(raw, meta, controls)
    title, sections, rows = parse_sections(raw.blocks)
    if not any(s.passages for s in sections):
        raise UnreadableFile("no passages found in file")
    meta = dict(meta)
    if not raw.source.lower().endswith(".pdf"):
        _check_is_report(meta)
    meta["title"] = meta.get("title") or title or raw.source
    return Report(
        report_id=make_report_id(meta),
        title=meta["title"],
        authority=meta.get("authority") or "Unknown authority",
        authority_key=meta.get("authority_key") or "unknown",
        inspection_type=meta["inspection_type"],
        inspection_type_label=meta["inspection_type_label"],
        inspection_start=meta.get("inspection_start"),
        inspection_end=meta.get("inspection_end"),
        published=meta.get("published"),
        year=int(meta["year"]),
        overall_judgement=meta.get("overall_judgement"),
        judgements=dict(meta.get("judgements") or {}),
        lead_inspector=meta.get("lead_inspector"),
        source=raw.source,
        sha256=raw.sha256,
        sections=sections,
        pages=raw.pages,
        authority_name=meta.get("authority_name") or meta.get("authority") or "Unknown authority",
        region=meta.get("region"),
        la_urn=meta.get("la_urn"),
        judgement_rows=rows,
        original_url=original_url(path, raw.sha256),
    )


def chunk_report(report: Report) -> list[Chunk]:
    """One chunk per passage (docs/decisions/0004-chunks-are-passages.md)."""
    chunks = []
    for position, (section, passage) in enumerate(report.passages()):
        chunks.append(Chunk(
            chunk_id=f"{report.report_id}/{passage.passage_id}",
            report_id=report.report_id,
            section_key=section.key,
            heading=section.heading,
            passage_ids=[passage.passage_id],
            text=passage.text,
            position=position,
            part=part_key(section.path),
        ))
    return chunks
