"""Find the source files of a build under the paths it was given, handling every kind of
directory entry without ever blocking on one.

Regular files of a supported type are sources. Everything else is reported with a reason
and never opened: unsupported types are *ignored*; dangling symbolic links, link loops,
links to folders (not followed), FIFOs, sockets, devices, unreadable files and folders and
files over the size limit are *skipped*. Folders that could not be read are remembered, so
a build does not take their reports for deleted files. Content hashes are computed here,
per file, inside the same error handling.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field

from indexer.errors import BuildRefused
from indexer.ingest.readers import is_supported

MAX_FILE_MB = 64  # default per-file size limit (python -m indexer build --max-file-mb)
KINDS = {stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISSOCK: "a socket",
         stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device"}


@dataclass
class Sources:
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256
    skipped: list[dict] = field(default_factory=list)  # {path, reason}
    ignored: list[dict] = field(default_factory=list)  # {path, reason}: unsupported types
    roots: list[str] = field(default_factory=list)  # the given paths, absolute
    unread: list[str] = field(default_factory=list)  # folders that could not be listed
    max_bytes: int = MAX_FILE_MB * 2**20

    def covers(self, path: str) -> bool:
        """Whether a build over these paths speaks for `path`: it lies under a given path
        and not under a folder that could not be read."""
        return _under(path, self.roots) and not _under(path, self.unread)


def _under(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def collect(paths: list[str], max_bytes: int) -> Sources:
    """Every source under the paths; BuildRefused (nothing done) if a path does not exist."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise BuildRefused("no such file or folder: " + ", ".join(shown(p) for p in missing))
    found = Sources(roots=[os.path.abspath(p) for p in paths], max_bytes=max_bytes)
    for given in found.roots:
        if os.path.isdir(given) and not os.path.islink(given):
            _walk(given, found, max_bytes)
        else:
            _entry(given, found, max_bytes)
    found.skipped.sort(key=lambda s: s["path"])
    found.ignored.sort(key=lambda s: s["path"])
    return found


def add(path: str, found: Sources) -> None:
    """One more file (a source indexed earlier from another path), if it is still there."""
    if os.path.lexists(path):
        _entry(path, found, found.max_bytes)


def _walk(folder: str, found: Sources, max_bytes: int) -> None:
    def unreadable(exc: OSError) -> None:
        path = os.path.abspath(exc.filename or folder)
        found.unread.append(path)
        found.skipped.append({"path": path, "reason": f"folder could not be read: {exc.strerror}"})

    for root, dirs, files in os.walk(folder, onerror=unreadable):  # never follows links
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                _entry(os.path.join(root, name), found, max_bytes)
        for name in dirs:  # os.walk lists links to folders among dirs and does not enter
            path = os.path.join(root, name)
            if os.path.islink(path):
                _entry(path, found, max_bytes)


def _entry(path: str, found: Sources, max_bytes: int) -> None:
    reason = _problem(path, max_bytes)
    if reason is None and not is_supported(path):
        found.ignored.append({"path": path, "reason": "unsupported file type"})
        return
    if reason is None:
        try:
            found.files[path] = sha256_of(path)
            return
        except OSError as exc:
            reason = f"could not be read: {exc.strerror or exc}"
    found.skipped.append({"path": path, "reason": reason})


def _problem(path: str, max_bytes: int) -> str | None:
    """Why the entry is not a readable regular file within the limit, or None."""
    try:
        info = os.stat(path)  # follows a link to its target
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if os.path.islink(path):
            return "broken symbolic link"
        return f"could not be read: {exc.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return "symbolic link to a folder (not followed)"
    for test, kind in KINDS.items():
        if test(info.st_mode):
            return f"not a regular file: {kind}"
    if info.st_size > max_bytes:
        return f"larger than the {max_bytes // 2**20} MB limit ({info.st_size // 2**20} MB)"
    return None


def sha256_of(path: str) -> str:
    """The file's sha256, opened without blocking (a FIFO swapped in is refused)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shown(path: str) -> str:
    """A path safe to print on one line: control characters and undecodable bytes escaped."""
    text = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
