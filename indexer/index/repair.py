"""What a build starts from: the served generation, every file verified against the
checksums its build recorded (indexer.index.integrity), so that no damaged file is
hard-linked or copied into the next generation (docs/decisions/0039-damaged-generations.md).
A file that is still the very file (device, inode, size, modification time) a build hashed
before is not hashed again, except a rolling share of them, those hashed longest ago
(integrity.settled, decision 0052): an update at a million passages reads what changed.

- A damaged segment's mapped arrays or vectors are written again from its Whoosh segment,
  damaged columns from Whoosh, a damaged vocabulary from the reports, a damaged
  not_reports.json by parsing those files again: the build goes on incrementally.
- A damaged Whoosh index, report store, format.json or manifest.json is rebuilt from the
  sources: every file the index was built from is parsed again (the list comes from the
  manifest, or from an older generation's when it is the manifest that is damaged).
  When some of them are gone the build refuses (exit 2) and leaves the index as it is.
- Either way a new generation is written even when no source changed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import BuildRefused, IndexMissing
from indexer.index import integrity, manifest, store
from indexer.index.integrity import Verdict
from indexer.index.sources import shown

FROM_SOURCES = ("whoosh", "reports", "format", "manifest")  # parts parsed again from sources
NOT_REPORTS = "not_reports.json"


@dataclass
class Start:
    """The previous generation as a build may use it."""
    path: Path | None = None
    verdict: Verdict | None = None
    manifest: dict = field(default_factory=dict)
    not_reports: dict = field(default_factory=dict)
    rebuild: str | None = None  # why every file is parsed again because of damage

    @property
    def damaged(self) -> bool:
        return self.verdict is not None and not self.verdict.intact

    def rewritten_segments(self) -> set[str]:
        """Segment ids whose mapped arrays are written again instead of linked."""
        parts = {d.part for d in self.verdict.damage} if self.verdict else set()
        return {p.split("/", 1)[1] for p in parts if p.startswith("mapped/")}

    def columns(self) -> Path | None:
        """The generation whose columns may be reused (None: read through Whoosh)."""
        return None if self.verdict and self.verdict.damaged("columns") else self.path

    def vocabulary(self) -> dict | None:
        """The previous vocabulary ({} for a new index; None: count it from the reports)."""
        if self.path is None:
            return {}
        if self.verdict and self.verdict.damaged("vocabulary"):
            return None
        return store.read_json(self.path / "vocabulary.json", None)


def start(index_dir: str | os.PathLike) -> Start:
    """The served generation, verified (every file hashed but those a build hashed before
    and nothing changed since: integrity.settled); an empty Start for a new index."""
    try:
        path = store.served_path(index_dir)
    except IndexMissing:
        return Start()
    verdict = integrity.verify(path, trusted=integrity.settled(path))
    parts = {d.part for d in verdict.damage}
    found = Start(path, verdict)
    if "manifest" not in parts:
        found.manifest = manifest.read(path)
    if NOT_REPORTS.removesuffix(".json") not in parts:
        found.not_reports = store.read_json(path / NOT_REPORTS, {})
    essential = [d for d in verdict.damage if d.part in FROM_SOURCES]
    if essential:
        found.rebuild = (f"the index is damaged ({verdict.reason(essential)}): every file it "
                         "was built from is parsed again")
        if "manifest" in parts:
            found.manifest = _older_manifest(index_dir, path)
    return found


def _older_manifest(index_dir, newest: Path) -> dict:
    """The newest older generation's manifest that is intact ({} if none)."""
    for older in store.older_generations(index_dir, newest):
        verdict = integrity.verify(older)
        if not verdict.damaged("manifest") and any(
                (older / name).is_file() for name in (manifest.FILE, manifest.OLD_FILE)):
            return manifest.read(older)
    return {}


def refuse_if_gone(begun: Start, found) -> None:
    """A rebuild forced by damage needs every file the index was built from: refuse (the
    index is left as it is) when files outside the given paths are gone."""
    gone = sorted(p for p in begun.manifest if p not in found.files and not found.covers(p)
                  and not any(s["path"] == p for s in found.skipped))
    if gone:
        more = f" and {len(gone) - 1} more" if len(gone) > 1 else ""
        raise BuildRefused(
            f"{begun.rebuild.split(': every')[0]}, and it cannot be rebuilt: "
            f"{shown(gone[0])}{more}, which it was built from, no longer exist; the "
            "index is left as it is (build the remaining files into a new --index)")

