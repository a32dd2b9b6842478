"""The one slug rule of report ids, authority keys, citation keys and field values typed in
queries (moved from indexer/ingest/clean.py so that the domain needs nothing above it)."""
from __future__ import annotations

import re
import unicodedata


def slug(text: str, joiner: str = "-") -> str:
    """Lower-case ASCII letters and digits, every other run of characters one `joiner`:
    "Children's Services – Durham" -> "children-s-services-durham". The one slug rule of
    report ids, authority keys, citation keys and field values typed in queries."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", joiner, ascii_text.lower()).strip(joiner)
