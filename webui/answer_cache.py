"""Answers of /api/search remembered per worker: the JSON body of the last
OFSTED_ANSWER_CACHE answers (default 256; 0 turns it off), keyed on the served generation
and the whole parsed request (docs/decisions/0028-throughput.md).

An answer is a function of the index generation and the SearchRequest that parse_params
makes of the URL, and nothing else: the JSON carries no host, no time and no per-user
state. The generation is named by SearchIndex.stamp() (its directory name and the
modification time of its reports file), read before the search: a build that swaps the
generation changes every key, so no answer of an old generation is served after the swap
has been seen (a request that raced the swap may store a newer generation's answer under
the older key, which only requests that read the older stamp can be given). Bodies are
immutable bytes, so no request can change another's answer. Errors are never remembered.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from indexer.api import SearchRequest

MAX_BODY_BYTES = 512 * 1024  # a bigger answer (100 long passages a page) is not kept


def key_of(stamp: tuple, request: SearchRequest) -> tuple:
    """Everything that changes the answer: the generation and every request field, with
    filter values in the order given (parse_params has already normalised them)."""
    return (stamp, *request.key())


class AnswerCache:
    """A bounded, thread-safe LRU map of keys to response bodies."""

    def __init__(self, entries: int):
        self.entries = entries
        self._bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return self.entries > 0

    def __len__(self) -> int:
        return len(self._bodies)

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if not self or len(body) > MAX_BODY_BYTES:
            return
        with self._lock:
            self._bodies[key] = body
            self._bodies.move_to_end(key)
            while len(self._bodies) > self.entries:
                self._bodies.popitem(last=False)
