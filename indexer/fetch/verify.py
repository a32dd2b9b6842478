"""What a downloaded body must be before it is kept: a whole PDF. An HTML page (Ofsted's
"Report not found" page arrives with status 200), an empty body, a body shorter than its
Content-Length or a PDF without its end-of-file marker is refused, with the reason.
"""
from __future__ import annotations

import re

_TITLE = re.compile(rb"<title[^>]*>(.{1,200}?)</title>", re.I | re.S)


def check_body(data: bytes, headers) -> str | None:
    """Why `data` is not a whole PDF, or None if it is."""
    if not data.strip():
        return "empty body"
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > len(data):
        return f"truncated body: {len(data)} of {int(declared)} bytes"
    head = data[:1024].lstrip().lower()
    kind = headers.get("Content-Type", "").lower()
    if "html" in kind or head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "an HTML page, not a PDF" + _title(data)
    if b"%PDF-" not in data[:1024]:
        return "not a PDF: no %PDF header"
    if b"%%EOF" not in data[-8192:]:
        return "truncated PDF: no end-of-file marker"
    return None


def _title(data: bytes) -> str:
    found = _TITLE.search(data[:65536])
    if not found:
        return ""
    return f" ({' '.join(found.group(1).decode('utf-8', 'replace').split())!r})"
