"""Exports streamed, validated and remembered (issue 23;
docs/decisions/0040-costly-requests.md).

An export is a function of the served generation (SearchIndex.stamp), the origin of its
absolute links (webui/links.py), its path and query string, and the day (a citation says
when it was accessed): nothing else. Its ETag is a hash of those, known before any work,
so a GET whose If-None-Match holds it gets 304 at once. The bodies of the recent exports
are remembered per worker (OFSTED_EXPORT_CACHE megabytes, the oldest forgotten first; a
body over ENTRY_SHARE of that is not kept) and answered without work and without limits.

A new export is streamed: its rows are made first (so a deadline still gives a clean 503),
then written chunk by chunk; the seconds spent writing are charged to the client
(webui/costly.py) when the body ends, and the body is remembered once sent whole.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Callable, Iterable

from flask import Flask, current_app, g, request

from webui import get_index
from webui.links import origin

ENTRY_SHARE = 4  # a body larger than 1/4 of the cache is sent, not remembered


class Bodies:
    """Export bodies by key, at most `limit` bytes in all, the least recently used out
    first; safe to share between threads and greenlets."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self._items: OrderedDict[str, tuple[bytes, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, dict] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def keeps(self, size: int) -> bool:
        return size <= self.limit // ENTRY_SHARE

    def put(self, key: str, body: bytes, headers: dict) -> None:
        if not self.keeps(len(body)):
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (body, headers)
            self.size += len(body)
            while self.size > self.limit:
                _, (old, _) = self._items.popitem(last=False)
                self.size -= len(old)


def tag() -> str:
    """This export's ETag: what its body is a function of, hashed."""
    name, modified = get_index().stamp()
    day = datetime.now(timezone.utc).date().isoformat()
    url = origin() + request.script_root + request.full_path
    return hashlib.sha256(f"{name}\n{modified}\n{day}\n{url}".encode()).hexdigest()[:32]


def lookup():
    """304 when the client holds this export, its remembered body when there is one,
    else None (this export's tag is kept in `g` for streamed())."""
    g.export_tag = tag()
    response = None
    if request.if_none_match.contains(g.export_tag):
        response = current_app.response_class(status=304)
    else:
        bodies = current_app.extensions["export_bodies"]
        found = bodies.get(g.export_tag) if bodies is not None else None
        if found is not None:
            response = current_app.response_class(found[0], headers=found[1])
    if response is not None:
        response.set_etag(g.export_tag)
    return response


def streamed(chunks: Iterable[str | bytes], mimetype: str, headers: dict):
    """A response sending `chunks` as they are made, with this export's ETag; when sent
    whole, the body is remembered and the seconds spent making it charged."""
    from webui.costly import charger
    key, bodies = g.get("export_tag"), current_app.extensions["export_bodies"]
    response = current_app.response_class(mimetype=mimetype, headers=headers)
    kept = {**headers, "Content-Type": response.headers["Content-Type"]}
    response.response = _body(chunks, key, bodies, charger(), kept)
    if key:
        response.set_etag(key)
    return response


def _body(chunks, key: str | None, bodies: Bodies | None, charge: Callable | None,
          headers: dict):
    kept: list[bytes] | None = [] if key and bodies is not None else None
    size, spent, whole = 0, 0.0, False
    iterator = iter(chunks)
    try:
        while True:
            started = time.monotonic()
            chunk = next(iterator, None)
            spent += time.monotonic() - started
            if chunk is None:
                break
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if kept is not None:
                size += len(data)
                if bodies.keeps(size):
                    kept.append(data)
                else:
                    kept = None
            yield data
        whole = True
    finally:
        if charge is not None:
            charge(spent)
        if whole and kept is not None:
            bodies.put(key, b"".join(kept), headers)


def init_app(app: Flask) -> None:
    megabytes = float(app.config["OFSTED_EXPORT_CACHE"])
    app.extensions["export_bodies"] = Bodies(int(megabytes * 2**20)) if megabytes > 0 else None
