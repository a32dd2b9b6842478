"""Defence in depth for every response: security headers, and a second sanitising pass over
the indexer's highlighted HTML so only <mark> can ever reach a page. The pass is
indexer.search.highlight.sanitise: bleach, skipped only for a fragment bleach would return
unchanged (escaped text and balanced <mark>s; docs/decisions/0010 and 0028)."""
from __future__ import annotations

from markupsafe import Markup

from indexer.api import sanitise

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


def init_app(app) -> None:
    app.after_request(add_headers)
    app.jinja_env.filters["marked"] = marked
