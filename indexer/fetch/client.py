"""A polite HTTP client for Ofsted's sites: one request at a time at a set rate, a
User-Agent that names the project, retries with exponential backoff on 429, 5xx, broken
connections and truncated bodies (a `Retry-After` wait is honoured), redirects followed
only to allowed hosts, and downloads verified, then written atomically (temporary file,
then rename). Failures are `FetchFailed` with the reason a person can act on.

Built on requests (connection reuse, proxies from the environment, TLS); urllib3 checks
that a body is as long as its Content-Length says.
"""
from __future__ import annotations

import email.utils
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from indexer.fetch.verify import check_body

USER_AGENT = ("ofsted-search/0.1 (full-text search of Ofsted children's services reports; "
              "polite fetcher: 1 request/s by default)")
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
MAX_BYTES = 256 * 2**20  # a body larger than this is refused (Ofsted's reports: < 5 MB)


class FetchFailed(Exception):
    """A URL that could not be fetched after the retries allowed; the message says why."""


@dataclass
class Politeness:
    rate: float = 1.0  # requests per second, at most (every attempt counts)
    retries: int = 4  # further attempts after the first, for transient failures
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_wait: float = 300.0  # the longest Retry-After honoured; longer gives up
    timeout: float = 60.0  # seconds to connect and between bytes


@dataclass
class Client:
    """One HTTP session limited to `hosts` (netlocs: host or host:port)."""
    hosts: set[str]
    polite: Politeness = field(default_factory=Politeness)
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    _last: float = float("-inf")

    def __post_init__(self):
        self.session.headers["User-Agent"] = USER_AGENT

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.hosts

    def page(self, url: str) -> str:
        """The text of an HTML page (a listing)."""
        return self._with_retries(url, self._read_page)

    def download(self, url: str, target: str) -> tuple[str, int]:
        """Save a verified PDF at `target` (atomically); return its sha256 and size."""
        return self._with_retries(url, lambda response: _save(response, target))

    def _with_retries(self, url: str, take):
        for attempt in range(self.polite.retries + 1):
            try:
                with self._get(url) as response:
                    return take(response)
            except _Transient as exc:
                if attempt == self.polite.retries:
                    raise FetchFailed(f"{exc} (gave up after {attempt + 1} attempts)") from exc
                time.sleep(self._wait(exc, attempt))
        raise AssertionError("unreachable")

    def _wait(self, exc: _Transient, attempt: int) -> float:
        if exc.retry_after is None:
            return self.polite.backoff * 2 ** attempt
        if exc.retry_after > self.polite.max_wait:
            raise FetchFailed(f"{exc}; the server asked to wait {exc.retry_after:g} s, "
                              f"longer than {self.polite.max_wait:g} s")
        return exc.retry_after

    def _get(self, url: str) -> requests.Response:
        """GET with redirects followed by hand, each one checked against the hosts."""
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allowed(url):
                raise FetchFailed(f"refused: {urlsplit(url).netloc or url} is not an allowed "
                                  "host (--allow-host adds one)")
            response = self._request(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                response.close()
                continue
            _check_status(response)
            return response
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str) -> requests.Response:
        pause = self._last + 1.0 / self.polite.rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last = time.monotonic()
        self.requests_made += 1
        try:
            return self.session.get(url, stream=True, allow_redirects=False,
                                    timeout=self.polite.timeout)
        except requests.Timeout as exc:
            raise _Transient(f"no answer within {self.polite.timeout:g} s") from exc
        except requests.ConnectionError as exc:
            raise _Transient(f"connection failed: {_short(exc)}") from exc

    def _read_page(self, response: requests.Response) -> str:
        data = _read(response, 20 * 2**20)
        return data.decode(response.encoding or "utf-8", "replace")


class _Transient(Exception):
    """A failure worth another attempt (with the server's Retry-After, if it sent one)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


def _check_status(response: requests.Response) -> None:
    if response.status_code < 400:
        return
    reason = f"HTTP {response.status_code} {response.reason or ''}".strip()
    response.close()
    if response.status_code in RETRY_STATUSES:
        raise _Transient(reason, _retry_after(response.headers.get("Retry-After")))
    raise FetchFailed(reason)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _read(response: requests.Response, limit: int) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
            if size > limit:
                raise FetchFailed(f"larger than {limit // 2**20} MB")
            chunks.append(chunk)
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
        raise _Transient(f"truncated body: the connection ended after {size} bytes "
                         f"({_short(exc)})") from exc
    return b"".join(chunks)


def _save(response: requests.Response, target: str) -> tuple[str, int]:
    """Verify the body, then write it beside `target` and rename it into place."""
    data = _read(response, MAX_BYTES)
    problem = check_body(data, response.headers)
    if problem is not None:
        if problem.startswith("truncated"):
            raise _Transient(problem)
        raise FetchFailed(problem)
    folder = os.path.dirname(target) or "."
    os.makedirs(folder, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=".fetching-", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise
    return hashlib.sha256(data).hexdigest(), len(data)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
