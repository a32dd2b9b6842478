"""What each client has spent on costly requests, shared by every worker of one server
(docs/decisions/0040-costly-requests.md).

The ledger is a small file mapped into memory by every worker: gunicorn.conf.py creates it
in the master and names it in OFSTED_LEDGER, so the workers it forks share it; an app
started without it (the development server, a test) makes its own. Every read-modify-write
holds an fcntl lock on the file for microseconds (and a thread lock: fcntl locks belong to
a process, not to its threads or greenlets).

It holds a token bucket of seconds per client (at most `burst`, refilled at `share`
seconds a second), one for the whole service (`total_burst`, `total`), and the costly
requests in progress (who, which process, since when). A client is refused (429) while its
bucket is empty or while `per_client` of its costly requests are in progress; everyone is
refused (503) while the service's bucket is empty or `at_once` costly requests are in
progress. A request spends the seconds it really took, after the fact, so buckets may go
below zero: the Retry-After is the time until they are above it again.

A client is a string (the address, webui/costly.py); it is kept as a 64-bit hash in one of
SLOTS buckets (PROBES places tried). When all of them hold other clients still in debt, it
shares the first one with its owner: two clients then spend from one bucket, which can only
make the limit stricter. An entry in progress whose process has died, or that is older than
STALE seconds, is forgotten (a worker killed mid-request gives its place back).
"""
from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

SLOTS = 4096  # client buckets in the file
PROBES = 4  # places a client may take, from its hash on
RUNNING = 64  # the most costly requests the file can count in progress
STALE = 120.0  # seconds after which a request in progress is forgotten
SERVICE = struct.Struct("<dd")  # the service's bucket: tokens, when
ENTRY = struct.Struct("<Qqd")  # in progress: client hash, pid, started
BUCKET = struct.Struct("<Qdd")  # a client's bucket: client hash, tokens, when
RUNNING_AT = SERVICE.size
BUCKETS_AT = RUNNING_AT + RUNNING * ENTRY.size
SIZE = BUCKETS_AT + SLOTS * BUCKET.size


@dataclass(frozen=True)
class Limits:
    """How much costly work clients may ask for (seconds of a worker's time)."""
    share: float  # seconds a second one client may spend on average
    burst: float  # seconds one client may spend at once
    total: float  # seconds a second all clients together may spend
    total_burst: float  # seconds all clients together may spend at once
    at_once: int  # costly requests in progress in the whole service
    per_client: int = 1  # costly requests of one client in progress


@dataclass(frozen=True)
class Refusal:
    """Why a costly request is refused: 429 (this client's limit) or 503 (the service's)."""
    status: int
    retry_after: int  # whole seconds, at least 1
    reason: str


def client_hash(client: str) -> int:
    """A client's 64-bit key (never 0: 0 marks an empty place)."""
    return int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(),
                          "little") or 1


def _refilled(tokens: float, when: float, now: float, rate: float, burst: float) -> float:
    """A bucket's tokens now (a place never written reads as full: when = 0)."""
    return min(burst, tokens + (now - when) * rate)


def _wait(tokens: float, rate: float) -> int:
    return max(1, math.ceil(-tokens / rate)) if rate > 0 else 60


class Ledger:
    """The shared record of costly work; `path` None makes a private one (deleted at once,
    kept open)."""

    def __init__(self, limits: Limits, path: str | None = None):
        self.limits = limits
        if path is None:
            handle, path = tempfile.mkstemp(prefix="ofsted-ledger-")
            os.close(handle)
            self._fd = os.open(path, os.O_RDWR)
            os.unlink(path)
        else:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < SIZE:
            os.ftruncate(self._fd, SIZE)
        self._map = mmap.mmap(self._fd, SIZE)
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self):
        with self._lock:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            try:
                yield time.monotonic()
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def admit(self, client: str) -> tuple[int | None, Refusal | None]:
        """(the place of this request in progress, None) when it may start, else
        (None, why not). Give the place back with done()."""
        key, limits = client_hash(client), self.limits
        with self._locked() as now:
            running = self._running(now)
            tokens = self._bucket(key, now)[2]
            if tokens <= 0:
                return None, Refusal(429, _wait(tokens, limits.share),
                                     "your address has used its share of costly requests")
            if sum(k == key for _, k in running) >= limits.per_client:
                return None, Refusal(429, 2, "another costly request from your address is "
                                             "still in progress")
            service = self._service(now)
            if service <= 0:
                return None, Refusal(503, _wait(service, limits.total),
                                     "the service has spent its share on costly requests")
            if len(running) >= min(limits.at_once, RUNNING):
                return None, Refusal(503, 2, "as many costly requests as the service takes "
                                             "at once are in progress")
            place = next(i for i in range(RUNNING) if i not in {p for p, _ in running})
            ENTRY.pack_into(self._map, RUNNING_AT + place * ENTRY.size, key, os.getpid(), now)
            return place, None

    def done(self, place: int, client: str, seconds: float) -> None:
        """The request at `place` ended after `seconds` of work: free it, spend them."""
        key = client_hash(client)
        with self._locked() as now:
            at = RUNNING_AT + place * ENTRY.size
            if ENTRY.unpack_from(self._map, at)[:2] == (key, os.getpid()):
                ENTRY.pack_into(self._map, at, 0, 0, 0.0)
            self._spend(key, seconds, now)

    def in_progress(self) -> int:
        """How many costly requests are in progress in the whole server (for `check`-like
        tools and tests; dead or stale ones forgotten)."""
        with self._locked() as now:
            return len(self._running(now))

    def charge(self, client: str, seconds: float) -> None:
        """Spend `seconds` of costly work for the client (and the service)."""
        with self._locked() as now:
            self._spend(client_hash(client), seconds, now)

    def _spend(self, key: int, seconds: float, now: float) -> None:
        place, owner, tokens = self._bucket(key, now)
        BUCKET.pack_into(self._map, BUCKETS_AT + place * BUCKET.size, owner,
                         tokens - seconds, now)
        SERVICE.pack_into(self._map, 0, self._service(now) - seconds, now)

    def _service(self, now: float) -> float:
        tokens, when = SERVICE.unpack_from(self._map, 0)
        return _refilled(tokens, when, now, self.limits.total, self.limits.total_burst)

    def _bucket(self, key: int, now: float) -> tuple[int, int, float]:
        """(the client's place, the owner it keeps, its tokens now): its own place, else a
        free one (empty, or whose owner's bucket is full again), else the first, shared
        with its owner."""
        limits, free = self.limits, None
        places = [(key + i) % SLOTS for i in range(PROBES)]
        for place in places:
            owner, tokens, when = BUCKET.unpack_from(self._map, BUCKETS_AT + place * BUCKET.size)
            tokens = _refilled(tokens, when, now, limits.share, limits.burst)
            if owner == key:
                return place, key, tokens
            if free is None and (owner == 0 or tokens >= limits.burst):
                free = place
        if free is not None:
            return free, key, limits.burst
        owner, tokens, when = BUCKET.unpack_from(self._map, BUCKETS_AT + places[0] * BUCKET.size)
        return places[0], owner, _refilled(tokens, when, now, limits.share, limits.burst)

    def _running(self, now: float) -> list[tuple[int, int]]:
        """(place, client hash) of every request in progress; dead or stale ones forgotten."""
        found = []
        for place in range(RUNNING):
            at = RUNNING_AT + place * ENTRY.size
            key, pid, started = ENTRY.unpack_from(self._map, at)
            if not key:
                continue
            if now - started > STALE or not _alive(pid):
                ENTRY.pack_into(self._map, at, 0, 0, 0.0)
                continue
            found.append((place, key))
        return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
