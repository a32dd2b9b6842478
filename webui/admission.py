"""A bounded queue in front of the app: at most OFSTED_MAX_ACTIVE requests of one worker are
in progress at once (from the app's call until its response is closed, so a response
still being sent to a slow reader counts); one more gets a short 503 with `Retry-After`
at once instead of waiting without end. Under gunicorn's gevent worker a search never
yields, so in-progress requests pile up only behind responses that wait on their readers
(docs/decisions/0031-slow-clients-and-forged-headers.md)."""
from __future__ import annotations

import json
import threading

from webui.security import HEADERS

RETRY_AFTER = 5  # seconds a refused client is asked to wait


class Admission:
    """WSGI middleware counting the requests in progress; `limit` 0 admits everything."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit
        self.active = 0
        self._lock = threading.Lock()  # a thread worker may call us from several threads

    def __call__(self, environ, start_response):
        with self._lock:
            admitted = not self.limit or self.active < self.limit
            if admitted:
                self.active += 1
        if not admitted:
            return busy(environ, start_response)
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._release()
            raise
        return Closing(body, self._release)

    def _release(self) -> None:
        with self._lock:
            self.active -= 1


class Closing:
    """The app's response body, releasing its place once the server closes it (a WSGI
    server always does), or once it is sent to its end or dropped, whichever comes first
    (a test client may do neither of the others)."""

    def __init__(self, body, release):
        self._body, self._release_place, self._released = body, release, False

    def __iter__(self):
        yield from self._body
        self._release()

    def close(self) -> None:
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            self._release()

    def __del__(self):
        self._release()

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._release_place()


def busy(environ, start_response):
    """503 with Retry-After: JSON for API paths and exports of JSON, plain text otherwise."""
    path = environ.get("PATH_INFO", "")
    message = ("The service is busy: try again in a few seconds "
               f"(Retry-After: {RETRY_AFTER}).")
    if path.startswith("/api/") or path.endswith(".json"):
        body, kind = json.dumps({"error": message, "status": 503}).encode(), "application/json"
    else:
        body, kind = (message + "\n").encode(), "text/plain; charset=utf-8"
    headers = [("Content-Type", kind), ("Content-Length", str(len(body))),
               ("Retry-After", str(RETRY_AFTER)), ("Cache-Control", "no-store"),
               *HEADERS.items()]
    start_response("503 Service Unavailable", headers)
    return [body]
