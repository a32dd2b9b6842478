"""Whether a generation's files are what its build wrote: the build records each file's
size and xxh3-128 digest in `checksums.json` just before the swap (`record`); `verify`
compares them (sizes always, digests of every file or of those up to a size), parses the
JSON files, checks that every `.npy` file holds as many bytes as its header says, and runs
`PRAGMA quick_check` over the report store (docs/decisions/0039-damaged-generations.md).

What a damaged file costs depends on its part of the generation (`part_of`): serving
cannot do without the Whoosh index, the report store and format.json (`ESSENTIAL`);
a segment's mapped arrays, the columns and the vocabulary are read faster copies or extras
that a server can go without (it reads through Whoosh, counts nothing for spelling); so is
deletions.json (without it, scores count deleted passages as Whoosh does: decision 0042);
the manifest and not_reports.json are read by builds only; the follow-up store is a cache
(its structure is checked, it has no checksum: it is written after the swap).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import xxhash

from indexer.errors import IndexMissing
from indexer.index import store
from indexer.index.file_checks import sqlite_problem, structure

FILE = "checksums.json"
ALGORITHM = "xxh3_128"
UNRECORDED = ("followups.sqlite", "followups.sqlite-journal")  # written after the swap
ESSENTIAL = ("whoosh", "reports", "format")  # parts a server cannot go without
BLOCK = 1 << 20
ROLL_BYTES = 256 << 20  # settled files a build hashes again anyway, hashed longest ago first


def part_of(name: str) -> str:
    """The part of a generation a file belongs to: "whoosh", "reports", "format",
    "manifest", "not_reports", "vocabulary", "columns", "checksums", or "mapped/<segment>"."""
    first, _, rest = name.partition("/")
    if first == "mapped" and rest:
        return "mapped/" + rest.split("/")[0]
    if first in ("reports.sqlite", "reports-delta.sqlite", "reports.json"):
        return "reports"
    return first.removesuffix(".json").removesuffix(".sqlite")


@dataclass(frozen=True)
class Damage:
    file: str  # its path inside the generation, e.g. "mapped/<segment>/docnums.npy"
    reason: str

    @property
    def part(self) -> str:
        return part_of(self.file)

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass
class Verdict:
    """What `verify` found in one generation."""
    generation: Path
    damage: list[Damage] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # every file looked at: its size
    digests: dict[tuple, str] = field(default_factory=dict)  # (dev, inode, size, mtime) -> digest
    hashed: dict[tuple, float] = field(default_factory=dict)  # identity -> when bytes were read
    recorded: bool = False  # the generation has checksums.json

    @property
    def intact(self) -> bool:
        return not self.damage

    def essential(self) -> list[Damage]:
        """The damage a server cannot serve around."""
        return [d for d in self.damage if d.part in ESSENTIAL]

    def damaged(self, part: str) -> set[str]:
        """The names (inside the part's folder) of the part's damaged files."""
        return {d.file.rsplit("/", 1)[-1] for d in self.damage if d.part == part}

    def reason(self, damage: list[Damage] | None = None) -> str:
        found = self.damage if damage is None else damage
        more = f" and {len(found) - 2} more" if len(found) > 2 else ""
        return "; ".join(str(d) for d in found[:2]) + more


def _files(generation: Path) -> list[str]:
    """Every file a build wrote into the generation, as paths inside it (a folder removed
    meanwhile, by a build pruning the generation, is skipped: os.walk ignores it)."""
    names = []
    for folder, _, files in os.walk(generation):
        for file in files:
            path = Path(folder) / file
            name = path.relative_to(generation).as_posix()
            if not path.is_symlink() and name != FILE and name not in UNRECORDED \
                    and not name.endswith("WRITELOCK"):
                names.append(name)
    return sorted(names)


def _identity(info: os.stat_result) -> tuple:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def digest(path: Path) -> str:
    hasher = xxhash.xxh3_128()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            hasher.update(block)
    return hasher.hexdigest()


def record(generation: Path, known: dict[tuple, str] | None = None,
           hashed: dict[tuple, float] | None = None) -> None:
    """Write checksums.json: {"algorithm", "files": {name: [size, digest]}, "hashed": {name:
    [device, inode, modification time, when its bytes were hashed]}}. A file whose identity
    (device, inode, size, modification time) is in `known` (a hard link to a file verified
    a moment ago) is not read again; `hashed` says when it was (unknown: 0)."""
    known, hashed, now = known or {}, hashed or {}, time.time()
    files, seen = {}, {}
    for name in _files(generation):
        info = os.stat(generation / name)
        found = known.get(_identity(info))
        when = hashed.get(_identity(info), 0.0) if found else now
        files[name] = [info.st_size, found or digest(generation / name)]
        seen[name] = [info.st_dev, info.st_ino, info.st_mtime_ns, when]
    tmp = generation / (FILE + ".tmp")
    tmp.write_text(json.dumps({"algorithm": ALGORITHM, "files": files, "hashed": seen}),
                   encoding="utf-8")
    os.replace(tmp, generation / FILE)


def settled(generation: Path, roll_bytes: int = ROLL_BYTES) -> dict[str, float]:
    """name -> when its bytes were hashed, for the files of `generation` that are still the
    very files (device, inode, size, modification time) whose bytes a build hashed before:
    what a build need not hash again (decision 0052), less the ones hashed longest ago, up
    to `roll_bytes`, which are hashed again, so that every file is read again within a
    bounded number of builds."""
    try:
        seen = json.loads((generation / FILE).read_text(encoding="utf-8")).get("hashed") or {}
    except (OSError, ValueError, AttributeError):
        return {}
    candidates = []
    for name, (size, _) in (recorded(generation) or {}).items():
        try:
            info, (dev, ino, mtime, when) = os.stat(generation / name), seen[name]
        except (OSError, KeyError, TypeError, ValueError):
            continue
        if (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size) == (dev, ino, mtime, size):
            candidates.append((when, name, size))
    found, budget = {}, roll_bytes
    for when, name, size in sorted(candidates):
        if budget > 0:
            budget -= size
        else:
            found[name] = when
    return found


def known(generation: Path | None) -> dict[tuple, str]:
    """identity -> digest of the files of `generation` whose size is still the recorded one:
    what `record` need not read again for a new generation's hard links to them."""
    found = {}
    for name, (size, wanted) in ((recorded(generation) if generation else None) or {}).items():
        try:
            info = os.stat(generation / name)
        except OSError:
            continue
        if info.st_size == size:
            found[_identity(info)] = wanted
    return found


def recorded(generation: Path) -> dict[str, list] | None:
    """name -> [size, digest] as the build recorded them; None: no (readable) record."""
    try:
        found = json.loads((generation / FILE).read_text(encoding="utf-8"))
        files = found["files"] if found.get("algorithm") == ALGORITHM else None
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def verify(generation: Path, hash_bytes: int | None = None,
           trusted: dict[str, float] | None = None) -> Verdict:
    """Check a generation. `hash_bytes`: hash only files up to this size (None: every
    file); `trusted`: files (name -> when hashed, from `settled`) whose bytes are not hashed
    again, nor their SQLite structure checked; sizes, JSON, .npy headers and the stores'
    quick_check are checked always otherwise."""
    verdict, trusted = Verdict(generation), trusted or {}
    if not (generation / "whoosh").is_dir():
        verdict.damage.append(Damage("whoosh", "missing"))
    if not any((generation / name).is_file() for name in ("reports.sqlite", "reports.json")):
        verdict.damage.append(Damage("reports.sqlite", "missing"))
    files = recorded(generation)
    verdict.recorded = files is not None
    if files is None and (generation / FILE).exists():
        verdict.damage.append(Damage(FILE, "unreadable: the recorded checksums are lost"))
    for name, (size, wanted) in (files or {}).items():
        _check_recorded(generation, name, size, wanted,
                        -1 if name in trusted else hash_bytes, verdict)
        if name in trusted and verdict.sizes.get(name) == size:
            identity = _identity(os.stat(generation / name))
            verdict.digests[identity], verdict.hashed[identity] = wanted, trusted[name]
    for name in _files(generation):
        if name not in verdict.sizes and (files is None or name not in files):
            try:
                verdict.sizes[name] = (generation / name).stat().st_size
            except OSError:
                verdict.damage.append(Damage(name, "missing"))
    for name in sorted(verdict.sizes):
        if name not in {d.file for d in verdict.damage} and not (
                name in trusted and name.endswith(".sqlite")):
            try:
                problem = structure(generation / name)
            except OSError as exc:  # removed meanwhile (a build pruned the generation)
                problem = f"unreadable ({exc.strerror or exc})"
            if problem:
                verdict.damage.append(Damage(name, problem))
    _check_followups(generation, verdict)
    verdict.damage = list(dict.fromkeys(verdict.damage))
    return verdict


def _check_followups(generation: Path, verdict: Verdict) -> None:
    """The follow-up store is written after the swap (and by servers, on first view of an
    authority it lacks), so it has no checksum and its size is not watched; its structure
    is checked. Damaged, it costs time, not answers: histories are computed again, and the
    next build writes a new store."""
    path = generation / UNRECORDED[0]
    if path.is_file():
        problem = sqlite_problem(path, immutable=False)
        if problem:
            verdict.damage.append(Damage(UNRECORDED[0], problem))


def _check_recorded(generation: Path, name: str, size: int, wanted: str,
                    hash_bytes: int | None, verdict: Verdict) -> None:
    path = generation / name
    try:
        info = path.stat()
    except OSError:
        verdict.damage.append(Damage(name, "missing"))
        return
    verdict.sizes[name] = info.st_size
    if info.st_size != size:
        what = "truncated" if info.st_size < size else "longer than written"
        verdict.damage.append(Damage(name, f"{what}: {info.st_size:,} bytes, {size:,} recorded"))
    elif hash_bytes is None or size <= hash_bytes:
        try:
            found = digest(path)
        except OSError as exc:
            verdict.damage.append(Damage(name, f"unreadable ({exc.strerror or exc})"))
            return
        if found != wanted:
            verdict.damage.append(Damage(name, "checksum differs from the recorded one"))
        else:
            verdict.digests[_identity(info)] = found
            verdict.hashed[_identity(info)] = time.time()


def sizes_changed(generation: Path, sizes: dict[str, int]) -> bool:
    """Whether any file looked at has another size now (a stat of each: cheap)."""
    for name, size in sizes.items():
        try:
            if os.stat(generation / name).st_size != size:
                return True
        except OSError:
            return True
    return False


def check_index(index_dir: str | os.PathLike) -> list[tuple[Path, bool, Verdict]]:
    """(generation, is it the served one, its verdict) for every generation of an index,
    newest first, every file hashed (`python -m indexer check`)."""
    try:
        served = store.served_path(index_dir)
    except IndexMissing:
        served = None
    return [(gen, gen == served, verify(gen)) for gen in store.generations(index_dir)]
