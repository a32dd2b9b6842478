"""What a build reports (`python -m indexer build --json` prints it): files added, updated,
removed, unchanged, skipped with their reasons, and the index's totals."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BuildSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[dict] = field(default_factory=list)
    reports: int = 0
    chunks: int = 0
    pages: int = 0
    seconds: float = 0.0
    index: str = ""
    full_rebuild: str | None = None  # why every file was parsed again, if it was
    ignored: list[dict] = field(default_factory=list)  # {path, reason}: unsupported types
    # {path, reason}: readable files that are not inspection reports (not a failure)
    not_reports: list[dict] = field(default_factory=list)
    kept: int = 0  # files that failed this time and keep their previous version (in skipped)

    @property
    def exit_code(self) -> int:
        """0: every supported file indexed, unchanged or not a report; 1: some failed
        (in skipped)."""
        return 1 if self.skipped else 0
    # reports whose printed authority matches no record of indexer/domain/data/authorities.csv
    unknown_authorities: list[dict] = field(default_factory=list)
