"""The one place that maps exceptions to HTTP statuses: JSON for API paths, a friendly
page for the rest, and never a stack trace."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.api import (MAX_QUERY_CHARS, BadRequest, IndexEmpty, IndexMissing, NotFound,
                         OfstedSearchError, PageTooCostly)
from webui.state import UrlState

bp = Blueprint("errors", __name__)

STATUS = {BadRequest: 400, NotFound: 404, IndexMissing: 503, IndexEmpty: 200,
          PageTooCostly: 503}
TITLES = {
    200: "The index is empty",
    400: "There is a problem with your search",
    404: "Page not found",
    405: "Method not allowed",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    503: "The search index is not available",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def respond(status: int, message: str, title: str | None = None):
    if wants_json():
        response = jsonify({"error": message, "status": status})
    else:
        title = title or TITLES.get(status, "Something went wrong")
        query = request.args.get("q", "")[:MAX_QUERY_CHARS]
        state = UrlState([("q", query)] if query.strip() else [], root=request.script_root)
        page = render_template("error.html", status=status, title=title, message=message,
                               state=state)
        response = current_app.make_response((page, status))
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = "60"
    return response


@bp.app_errorhandler(OfstedSearchError)
def ofsted_error(exc: OfstedSearchError):
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
    if status == 500:
        current_app.logger.error("unexpected %s: %s", type(exc).__name__, exc)
        return respond(500, "The request could not be completed.")
    return respond(status, str(exc))


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    status = exc.code or 500
    messages = {404: "There is no page at this address.",
                405: "This address does not accept that kind of request."}
    response = respond(status, messages.get(status, exc.description or exc.name))
    allow = exc.get_response().headers.get("Allow")  # a 405 says what is allowed
    if allow:
        response.headers["Allow"] = allow
    return response


@bp.app_errorhandler(Exception)
def unexpected_error(exc: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    return respond(500, "The request could not be completed. It has been logged.")
