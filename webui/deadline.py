"""The time limit of building one response (OFSTED_PAGE_DEADLINE seconds, counted from the
start of the request): report pages and exports check it as they go, so a giant report or
a slow export stops with PageTooCostly (a 503 that says so) instead of holding a worker.
The search inside a request keeps its own limit (OFSTED_SEARCH_DEADLINE, a 400)."""
from __future__ import annotations

import time

from flask import Flask, current_app, g

from indexer.api import PageTooCostly


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


def init_app(app: Flask) -> None:
    app.before_request(start)
