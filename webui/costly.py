"""Costly requests bounded per client and per service, and exports remembered (issue 23;
docs/decisions/0040-costly-requests.md, 0046-refusing-before-flask.md).

Costly: every export (`/export.csv`, `.json`, `.ris`, `.bib`), and a search (`/`,
`/search`, `/api/search`) asking for more than COSTLY_PER_PAGE results or holding a
wildcard, unless its answer is remembered (webui/answer_cache.py, webui/export_cache.py).
`Gate`, a WSGI middleware in front of Flask, decides from PATH_INFO and QUERY_STRING alone
and asks the shared ledger (webui/ledger.py) before any of Flask's work: a client over its
share gets a 429, the service over its share a 503, both with `Retry-After` and a short
body made without a request context or a template, so a refusal costs a fraction of the
cheapest answer. Only a request that would be refused and might be remembered (an export
or /api/search) opens a request context to ask. Under gunicorn's gevent worker a refusal
waits OFSTED_COSTLY_HOLD seconds (1) before it is sent, at no CPU: a client that asks
again at once, whatever Retry-After says, asks about once a second per connection. After
an admitted request, the seconds it took are spent, less the seconds it paused for other
connections (webui/deadline.py); an export also spends the seconds of writing its
streamed body (webui/export_cache.py). OFSTED_COSTLY_SHARE = 0 turns the limits off.

The client is the request's remote address: the peer of the connection, or with
OFSTED_PROXY_FIX the address the trusted proxy put in X-Forwarded-For (Werkzeug's ProxyFix,
in front of the gate, has already set it). Behind a proxy without OFSTED_PROXY_FIX every
client is the proxy, and shares one share.
"""
from __future__ import annotations

import json
import os
import time
from html import escape
from urllib.parse import parse_qsl

from flask import Flask, current_app, request

from webui import export_cache
from webui.deadline import AWAY, cooperative
from webui.ledger import Ledger, Limits, Refusal
from webui.security import HEADERS

EXPORTS = ("/export.csv", "/export.json", "/export.ris", "/export.bib")
SEARCHES = ("/", "/search", "/api/search")
COSTLY_PER_PAGE = 50  # a results page longer than this is costly
WILDCARDS = "*?"
ADMITTED = "ofsted.costly"  # environ key: [ledger place, client, started] of an admitted request
STATUS_LINES = {429: "429 Too Many Requests", 503: "503 Service Unavailable"}
HOLDING = 64  # refusals one worker holds at once (OFSTED_COSTLY_HOLD); beyond, sent at once


def costly_path(path: str, query: str) -> bool:
    """Whether a request for `path?query` is one the limits apply to, before any work and
    before knowing whether its answer is remembered: what Flask's request.args would hold
    (the first value of each name) decides."""
    if path in EXPORTS:
        return True
    if path not in SEARCHES or not query:
        return False
    args: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        args.setdefault(name, value)
    per_page = args.get("per_page", "").strip()
    if per_page.isdigit() and len(per_page) < 6 and int(per_page) > COSTLY_PER_PAGE:
        return True
    return any(c in args.get("q", "") for c in WILDCARDS)


class Gate:
    """WSGI middleware: costly requests ask the ledger before Flask sees them."""

    def __init__(self, app: Flask, wsgi_app, ledger: Ledger, hold: float = 0.0):
        self.app, self.wsgi_app, self.ledger, self.hold = app, wsgi_app, ledger, hold
        self.holding = 0  # refusals of this worker waiting before they are sent

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not costly_path(path, environ.get("QUERY_STRING", "")):
            return self.wsgi_app(environ, start_response)
        who = environ.get("REMOTE_ADDR") or "unknown"
        place, refusal = self.ledger.admit(who)
        if refusal is not None:
            if path not in ("/", "/search") and self._remembered(environ):
                return self.wsgi_app(environ, start_response)  # answered from memory, free
            self._hold(refusal)
            return refused(environ, start_response, refusal)
        admitted = environ[ADMITTED] = [place, who, time.monotonic()]
        try:
            return self.wsgi_app(environ, start_response)
        finally:  # as Flask's teardown would: a streamed body charges itself as it is sent
            spent = time.monotonic() - admitted[2] - environ.get(AWAY, 0.0)
            self.ledger.done(place, who, max(spent, 0.0))

    def _hold(self, refusal: Refusal) -> None:
        """Wait `hold` seconds (at most the Retry-After) before a refusal is sent, when the
        worker is cooperative (gevent: a waiting connection costs a greenlet, no CPU) and
        fewer than HOLDING refusals of this worker wait: a client that asks again at once,
        whatever Retry-After says, asks about once a `hold` per connection instead of as
        fast as refusals can be made."""
        if self.hold <= 0 or self.holding >= HOLDING or not cooperative():
            return
        self.holding += 1
        try:
            time.sleep(min(self.hold, refusal.retry_after))
        finally:
            self.holding -= 1

    def _remembered(self, environ) -> bool:
        """Whether an export or /api/search answer is remembered (or the client holds the
        export: 304): asked in a request context of its own, only before a refusal."""
        with self.app.request_context(dict(environ)):
            if request.path in EXPORTS:
                return export_cache.lookup() is not None
            from webui.search import remembered
            return remembered(request.args) is not None


def before():
    """Remembered exports answer at once; an admitted costly request opens the index
    before its clock starts (a worker's first request: not the client's cost)."""
    if request.path in EXPORTS:
        found = export_cache.lookup()
        if found is not None:
            return found
    admitted = request.environ.get(ADMITTED)
    if admitted is not None:
        from webui import get_index
        get_index().generation()
        admitted[2] = time.monotonic()
    return None


def charger():
    """A function spending seconds for this request's client, or None without limits."""
    ledger = current_app.extensions.get("costly_ledger")
    if ledger is None:
        return None
    who = request.remote_addr or "unknown"
    return lambda seconds: ledger.charge(who, seconds)


def refused(environ, start_response, refusal: Refusal):
    """The refusal, made from the environ alone: a short HTML page for the results pages,
    short JSON for API paths and JSON exports, short plain text for the other exports (a
    download, not a page); `Retry-After`, no-store, the security headers."""
    what = "Too many costly requests" if refusal.status == 429 else "The service is busy"
    detail = (f"{refusal.reason}. Try again in {refusal.retry_after} s (exports, long "
              "result pages and wildcard searches are limited; other searches are not).")
    message = f"{what}: {detail}"
    path = environ.get("PATH_INFO", "")
    if path in ("/", "/search"):
        home = escape(environ.get("SCRIPT_NAME", "") + "/")
        body = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                f"<title>{what}</title></head><body><main><h1>{what}</h1>"
                f"<p>{escape(detail[0].upper() + detail[1:])}</p>"
                f'<p><a href="{home}">Search again</a></p></main></body></html>\n')
        kind = "text/html; charset=utf-8"
    elif path.startswith("/api/") or path.endswith(".json"):
        body, kind = json.dumps({"error": message, "status": refusal.status}), "application/json"
    else:
        body, kind = message + "\n", "text/plain; charset=utf-8"
    data = body.encode()
    start_response(STATUS_LINES[refusal.status], [
        ("Content-Type", kind), ("Content-Length", str(len(data))),
        ("Retry-After", str(refusal.retry_after)), ("Cache-Control", "no-store"),
        *HEADERS.items()])
    return [data]


def limits(config) -> Limits | None:
    share = float(config["OFSTED_COSTLY_SHARE"])
    if share <= 0:
        return None
    burst = float(config["OFSTED_COSTLY_BURST"])
    return Limits(share=share, burst=burst, total=float(config["OFSTED_COSTLY_TOTAL"]),
                  total_burst=burst, at_once=int(config["OFSTED_COSTLY_AT_ONCE"]))


def init_app(app: Flask) -> None:
    """The gate in front of app.wsgi_app (call it before ProxyFix wraps the app, so the
    gate sees the forwarded address; after the bounded queue, so a refusal takes no place
    in it), the export memory, and the before-request hook."""
    bounds = limits(app.config)
    if bounds is not None:
        ledger = Ledger(bounds, os.environ.get("OFSTED_LEDGER") or None)
        app.extensions["costly_ledger"] = ledger
        app.wsgi_app = Gate(app, app.wsgi_app, ledger, float(app.config["OFSTED_COSTLY_HOLD"]))
    export_cache.init_app(app)
    app.before_request(before)
