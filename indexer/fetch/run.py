"""One fetch: work out the targets (a links CSV, or Ofsted's provider pages), skip those
the folder already holds (the URL is in MANIFEST.csv and the file on disk still has the
sha256 recorded there), download the rest one at a time through the polite client and
record each in the manifest as soon as it is saved.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from indexer.errors import FetchRefused
from indexer.fetch import listing, manifest
from indexer.fetch.client import Client, FetchFailed
from indexer.fetch.targets import Target, deduplicate, folder_for, safe_file
from indexer.domain import authorities


@dataclass
class FetchSummary:
    out: str = ""
    fetched: list[dict] = field(default_factory=list)  # {url, file}
    held: int = 0  # already in the folder, same sha256 as the manifest says
    failed: list[dict] = field(default_factory=list)  # {url, reason}
    listed: int = 0  # targets found (links or listing pages)
    requests: int = 0  # HTTP requests made, retries included
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: everything fetched or already held; 1: some failed (listed)."""
        return 1 if self.failed else 0


def fetch(targets: list[Target], out: str, client: Client, summary: FetchSummary,
          progress: bool = False) -> FetchSummary:
    """Download the targets the folder does not hold yet into `out`."""
    started = time.perf_counter()
    folder = _output_folder(out)
    with manifest.locked(folder):
        rows = manifest.read(folder)
        todo = [t for t in deduplicate(targets, rows) if not _held(folder, rows.get(t.url))]
        summary.out, summary.listed = str(folder), summary.listed + len(targets)
        summary.held = len({t.url for t in targets}) - len(todo)
        for target in tqdm(todo, desc="fetching", unit="file", disable=not progress,
                           file=sys.stderr):
            _download(client, target, folder, rows, summary)
    summary.requests = client.requests_made
    summary.seconds = round(time.perf_counter() - started + summary.seconds, 3)
    return summary


def _download(client: Client, target: Target, folder: Path, rows: dict,
              summary: FetchSummary) -> None:
    """One file, recorded in the manifest (rewritten at once) or among the failures."""
    try:
        sha256, size = client.download(target.url, str(folder / target.file))
    except FetchFailed as exc:
        summary.failed.append({"url": target.url, "reason": str(exc)})
        return
    fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows[target.url] = {**target.row(), "sha256": sha256, "bytes": str(size),
                        "fetched_at": fetched_at}
    manifest.write(folder, rows)
    summary.fetched.append({"url": target.url, "file": target.file})


def _output_folder(out: str) -> Path:
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchRefused(f"the output folder {out} could not be made: "
                           f"{exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FetchRefused(f"the output folder {out} is not writable")
    return folder


def _held(folder: Path, row: dict | None) -> bool:
    """Whether the manifest's file is on disk with the sha256 it records."""
    if not row or not row.get("sha256"):
        return False
    try:
        with open(folder / row["file"], "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == row["sha256"]
    except OSError:
        return False


def authority_providers(keys: list[str], base: str) -> list[listing.Provider]:
    """The provider pages of named authorities (keys, names or aliases of our records);
    FetchRefused naming those with no record or no Ofsted URN."""
    found, unknown = [], []
    for key in keys:
        record = authorities.records().get(authorities.resolve_key(key) or "")
        if record is None or not record.la_urn:
            unknown.append(key if record is None else f"{key} (no Ofsted URN on record)")
            continue
        found.append(listing.Provider(urn=record.la_urn, name=record.name,
                                      url=listing.provider_url(base, record.la_urn)))
    if unknown:
        raise FetchRefused("unknown authority: " + ", ".join(unknown)
                           + " (keys are those of /authorities)")
    return found


def all_providers(client: Client, base: str, summary: FetchSummary) -> list[listing.Provider]:
    """Every provider of Ofsted's search of local authority children's services, page by
    page until a page lists fewer than a full page."""
    found: dict[str, listing.Provider] = {}
    for page in range(listing.MAX_PAGES):
        url = listing.search_url(base, page)
        try:
            listed = listing.providers(client.page(url), url)
        except FetchFailed as exc:
            summary.failed.append({"url": url, "reason": f"search page: {exc}"})
            break
        found.update((p.urn, p) for p in listed if p.urn not in found)
        if len(listed) < listing.ROWS:
            break
    if not found and not summary.failed:
        summary.failed.append({"url": listing.search_url(base, 0), "reason": (
            "the search page lists no authorities: has the page's markup changed?")})
    return list(found.values())


def provider_targets(client: Client, providers: list[listing.Provider],
                     summary: FetchSummary, progress: bool = False) -> list[Target]:
    """Every report the providers' pages list, as targets named as the corpus is."""
    targets = []
    for provider in tqdm(providers, desc="listing", unit="authority", disable=not progress,
                         file=sys.stderr):
        try:
            published = listing.publications(client.page(provider.url), provider.url)
        except FetchFailed as exc:
            summary.failed.append({"url": provider.url, "reason": f"provider page: {exc}"})
            continue
        record = authorities.resolve(provider.name)
        name = record.name if record else provider.name
        folder = folder_for(provider.urn, record.key if record else provider.name)
        targets += [Target(url=p.url, file=f"{folder}/{safe_file(p.name)}", authority=name,
                           la_urn=provider.urn, type=p.label,
                           publication_date=p.published or "") for p in published]
    return targets
