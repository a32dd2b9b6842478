"""The build fingerprint (decisions 0007, 0035): format.json records a digest of every
source and data file that decides how files become index entries, with the stored-report
format and the Whoosh version; a build whose fingerprint differs from the index's re-parses
every file into a fresh index instead of mixing old and new analysis.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import whoosh

from indexer.models import REPORT_FORMAT

# Everything whose change alters what is indexed: the source and data files of the domain,
# ingest and index stages, the models they exchange, and the installed Whoosh. A build after such a
# change re-parses every file into a fresh index instead of mixing old and new analysis.
FORMAT_PACKAGES = ("domain", "ingest", "index")
FORMAT_FILES = ("models.py",)


def _format_sources() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    found = [package / name for name in FORMAT_FILES]
    for stage in FORMAT_PACKAGES:
        found += [p for p in (package / stage).rglob("*")
                  if p.is_file() and p.suffix in (".py", ".toml", ".json", ".csv")]
    return sorted(found)


def index_format() -> dict:
    """What format.json records: a fingerprint of everything that decides how files become
    index entries, the version of the stored report layout and the Whoosh version."""
    digest = hashlib.sha256(f"whoosh {whoosh.versionstring()}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in _format_sources():
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return {"fingerprint": digest.hexdigest()[:16], "report_format": REPORT_FORMAT,
            "whoosh": whoosh.versionstring()}


def rebuild_reason(old: dict, new: dict) -> str | None:
    """Why an index written with format `old` must be rebuilt from scratch, or None."""
    if old.get("report_format") != new["report_format"]:
        return (f"the index stores reports in format {old.get('report_format')}; "
                f"this version writes format {new['report_format']}")
    if old.get("whoosh") != new["whoosh"]:
        return f"Whoosh changed from {old.get('whoosh')} to {new['whoosh']}"
    if old.get("fingerprint") != new["fingerprint"]:
        return "the parser or analyzer changed since the last build"
    return None
