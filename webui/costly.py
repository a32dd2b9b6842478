"""Costly requests bounded per client and per service, and exports remembered (issue 23;
docs/decisions/0040-costly-requests.md).

Costly: every export (`/export.csv`, `.json`, `.ris`, `.bib`), and a search (`/`,
`/search`, `/api/search`) asking for more than COSTLY_PER_PAGE results or holding a
wildcard, unless `/api/search` has its answer remembered (webui/answer_cache.py). Before
one starts, the shared ledger (webui/ledger.py) is asked: a client over its share gets a
429, the service over its share a 503, both with `Retry-After`, short and without a search.
After it, the seconds it took are spent (an export also spends the seconds of writing its
streamed body, webui/export_cache.py). OFSTED_COSTLY_SHARE = 0 turns the limits off.

The client is the request's remote address: the peer of the connection, or with
OFSTED_PROXY_FIX the address the trusted proxy put in X-Forwarded-For (Werkzeug's ProxyFix
has already set it). Behind a proxy without OFSTED_PROXY_FIX every client is the proxy,
and shares one share.
"""
from __future__ import annotations

import json
import os
import time

from flask import Flask, current_app, g, request

from webui import export_cache, get_index
from webui.ledger import Ledger, Limits, Refusal

EXPORTS = ("/export.csv", "/export.json", "/export.ris", "/export.bib")
SEARCHES = ("/", "/search", "/api/search")
COSTLY_PER_PAGE = 50  # a results page longer than this is costly
WILDCARDS = "*?"


def client() -> str:
    """Who spends: the remote address (after ProxyFix, when proxies are trusted)."""
    return request.remote_addr or "unknown"


def _per_page() -> int:
    value = request.args.get("per_page", "").strip()
    return int(value) if value.isdigit() and len(value) < 6 else 0


def is_costly() -> bool:
    """Whether this request is one the limits apply to (before any work is done)."""
    if request.path in EXPORTS:
        return True
    if request.path not in SEARCHES:
        return False
    if _per_page() <= COSTLY_PER_PAGE and not any(c in request.args.get("q", "")
                                                  for c in WILDCARDS):
        return False
    if request.path == "/api/search":
        from webui.search import remembered
        return remembered(request.args) is None
    return True


def before():
    """Remembered exports answer at once; other costly requests ask the ledger first."""
    if request.path in EXPORTS:
        found = export_cache.lookup()
        if found is not None:
            return found
    ledger = current_app.extensions.get("costly_ledger")
    if ledger is None or not is_costly():
        return None
    get_index().generation()  # a worker's first request opens the index: not the client's cost
    who = client()
    place, refusal = ledger.admit(who)
    if refusal is not None:
        return refused(refusal)
    g.costly = (place, who, time.monotonic())
    return None


def teardown(_exc=None) -> None:
    """The request's work is done (its streamed body, if any, is charged as it is sent)."""
    entry = g.pop("costly", None)
    if entry is not None:
        place, who, started = entry
        current_app.extensions["costly_ledger"].done(place, who, time.monotonic() - started)


def charger():
    """A function spending seconds for this request's client, or None without limits."""
    ledger = current_app.extensions.get("costly_ledger")
    if ledger is None:
        return None
    who = client()
    return lambda seconds: ledger.charge(who, seconds)


def refused(refusal: Refusal):
    """The refusal: the error page for the results pages, short JSON for API paths and
    JSON exports, short plain text for the other exports (a download, not a page)."""
    what = "Too many costly requests" if refusal.status == 429 else "The service is busy"
    detail = (f"{refusal.reason}. Try again in {refusal.retry_after} s (exports, long "
              "result pages and wildcard searches are limited; other searches are not).")
    message = f"{what}: {detail}"
    if request.path in ("/", "/search"):
        from webui.errors import respond
        response = respond(refusal.status, detail[0].upper() + detail[1:], title=what)
    elif request.path.startswith("/api/") or request.path.endswith(".json"):
        body = json.dumps({"error": message, "status": refusal.status})
        response = current_app.response_class(body, status=refusal.status,
                                              mimetype="application/json")
    else:
        response = current_app.response_class(message + "\n", status=refusal.status,
                                              mimetype="text/plain")
    response.headers["Retry-After"] = str(refusal.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def limits(config) -> Limits | None:
    share = float(config["OFSTED_COSTLY_SHARE"])
    if share <= 0:
        return None
    burst = float(config["OFSTED_COSTLY_BURST"])
    return Limits(share=share, burst=burst, total=float(config["OFSTED_COSTLY_TOTAL"]),
                  total_burst=burst, at_once=int(config["OFSTED_COSTLY_AT_ONCE"]))


def init_app(app: Flask) -> None:
    bounds = limits(app.config)
    if bounds is not None:
        app.extensions["costly_ledger"] = Ledger(bounds, os.environ.get("OFSTED_LEDGER") or None)
    export_cache.init_app(app)
    app.before_request(before)
    app.teardown_request(teardown)
