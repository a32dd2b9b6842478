"""Defence in depth for every response: security headers, and a second sanitising pass over
the indexer's highlighted HTML so only <mark> can ever reach a page. The pass is
indexer.search.highlight.sanitise: bleach, skipped only for a fragment bleach would return
unchanged (escaped text and balanced <mark>s; docs/decisions/0010 and 0028). Every value
a template writes passes indexer.ingest.clean.printable first (no control character XML
forbids, no bidirectional or zero-width character, whatever the index holds)."""
from __future__ import annotations

from markupsafe import Markup

from indexer.api import printable, sanitise

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def marked(fragment: str) -> Markup:
    """HTML that may contain <mark> and nothing else (everything else stays escaped)."""
    return Markup(sanitise(fragment or ""))


def finalize(value):
    """What a template writes, printable(): Markup stays Markup (it is already escaped)."""
    if isinstance(value, Markup):
        return Markup(printable(str(value)))
    return printable(value) if isinstance(value, str) else value


def init_app(app) -> None:
    app.after_request(add_headers)
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.finalize = finalize
