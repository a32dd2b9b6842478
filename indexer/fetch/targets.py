"""What to fetch: a `Target` is one URL, the file it is saved as (relative to the output
folder, always inside it) and what is known of it (authority, URN, type, publication date
and any further metadata). File names are made safe: no folder escapes, no control
characters, no hidden files, at most 150 characters a part, always ending in `.pdf`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from indexer.domain.authorities import authority_key

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
MAX_PART = 150


@dataclass
class Target:
    url: str
    file: str  # relative to the output folder, '/'-separated
    authority: str = ""
    la_urn: str = ""
    type: str = ""
    publication_date: str = ""  # ISO date when known
    extra: dict = field(default_factory=dict)  # further columns of a links CSV

    def row(self) -> dict:
        """The manifest columns this target fills before it is fetched."""
        return {**self.extra, "url": self.url, "file": self.file, "authority": self.authority,
                "la_urn": self.la_urn, "type": self.type,
                "publication_date": self.publication_date}


def safe_part(text: str) -> str:
    """One path component a user or a web page gave, made safe (never '', '.' or '..')."""
    part = " ".join(_UNSAFE.sub(" ", text).split()).lstrip(".- ")
    return part[:MAX_PART].rstrip(". ") or "file"


def safe_file(name: str) -> str:
    """A relative path from a CSV or a listing: each part made safe, ending in .pdf."""
    parts = [safe_part(p) for p in re.split(r"[\\/]+", name) if p.strip(" .")]
    path = "/".join(parts) or "file"
    return path if path.lower().endswith(".pdf") else path + ".pdf"


def folder_for(urn: str, authority: str) -> str:
    """`<urn>_<authority>` as the corpus folders are named; whichever is known."""
    key = authority_key(authority) if authority else ""
    key = "" if key == "unknown" else key
    return safe_part("_".join(p for p in (urn, key) if p)) if (urn or key) else ""


def name_from_url(url: str) -> str:
    """A file name for a link that comes with none: its last path segment
    (Ofsted's `/v1/file/50172438` gives `50172438.pdf`)."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return safe_file(segment or urlsplit(url).netloc)


def deduplicate(targets: list[Target], held: dict[str, dict]) -> list[Target]:
    """One target per URL; a file name already used by another URL (in this batch or in
    the manifest) gets the URL's last segment added, so no download overwrites another."""
    taken = {row["file"]: url for url, row in held.items()}
    unique: dict[str, Target] = {}
    for target in targets:
        if target.url in unique:
            continue
        if target.url in held:
            target.file = held[target.url]["file"]
        elif taken.get(target.file, target.url) != target.url:
            stem = target.file[:-4]
            target.file = f"{stem} ({name_from_url(target.url)[:-4]}).pdf"
        taken[target.file] = target.url
        unique[target.url] = target
    return list(unique.values())
