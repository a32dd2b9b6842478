"""The time limit of building one response (OFSTED_PAGE_DEADLINE seconds, counted from the
start of the request): report pages and exports check it as they go, so a giant report or
a slow export stops with PageTooCostly (a 503 that says so) instead of holding a worker.
The search inside a request keeps its own limit (OFSTED_SEARCH_DEADLINE, a 400).

Each check also lets the worker's other connections run (`pause`): under gunicorn's
gevent worker a request never yields while it computes, so an export of a second would
hold every other client of its worker for that second; at each check (every 64 hits or
rows) the others are answered first. Elsewhere (the sync worker, the development server)
there is nothing to pause for: a zero sleep there would only give the core away. The time
spent away is kept in the environ (AWAY) so that the
limits on costly requests charge only the request's own seconds (webui/costly.py)."""
from __future__ import annotations

import time

from flask import Flask, current_app, g, request

from indexer.api import PageTooCostly

AWAY = "ofsted.away"  # environ: seconds this request let other connections run


def start() -> None:
    g.page_deadline = time.monotonic() + float(current_app.config["OFSTED_PAGE_DEADLINE"])


def check(what: str) -> None:
    """PageTooCostly once the request has run past its deadline; `what` names the work."""
    end = g.get("page_deadline")
    if end is not None and time.monotonic() > end:
        seconds = float(current_app.config["OFSTED_PAGE_DEADLINE"])
        raise PageTooCostly(f"{what} took longer than {seconds:g} s and was stopped: try "
                            "again later, or ask for less (another page of the report, a "
                            "narrower search to export)")
    pause()


def pause() -> None:
    """Let the worker's other connections run (gunicorn's gevent worker patches
    time.sleep to yield to them); the seconds away are added to the environ's AWAY."""
    if not cooperative():
        return
    started = time.monotonic()
    time.sleep(0)
    environ = request.environ
    environ[AWAY] = environ.get(AWAY, 0.0) + time.monotonic() - started


def init_app(app: Flask) -> None:
    app.before_request(start)


def cooperative() -> bool:
    """Whether a sleep lets this worker's other connections run (gunicorn's gevent worker
    has patched time.sleep) rather than stopping the worker."""
    return time.sleep.__module__.startswith("gevent")
