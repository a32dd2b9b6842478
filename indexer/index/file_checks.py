"""What is wrong with one file of a generation whatever its checksum says: JSON that does
not parse, a `.npy` file shorter or longer than its header promises, an SQLite file whose
`PRAGMA quick_check` fails (indexer.index.integrity; docs/decisions/0039-damaged-generations.md).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import quote

import numpy as np


def structure(path: Path) -> str | None:
    """What is wrong with a file's structure (whatever its checksum), or None."""
    if path.suffix == ".json":
        try:
            json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            return f"not valid JSON ({str(exc).split(':')[0]})"
    elif path.suffix == ".npy":
        return npy_problem(path)
    elif path.suffix == ".sqlite":
        return sqlite_problem(path)
    return None


def npy_problem(path: Path) -> str | None:
    """Whether the file holds the bytes its header promises (a memory map of a shorter
    file raises, or kills the process with SIGBUS when the file shrinks later)."""
    try:
        with open(path, "rb") as handle:
            major, _ = np.lib.format.read_magic(handle)
            read = (np.lib.format.read_array_header_1_0 if major == 1
                    else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read(handle)
            offset = handle.tell()
    except (ValueError, OSError, SyntaxError) as exc:
        return f"not a numpy array file ({exc})"
    wanted = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = path.stat().st_size
    if size != wanted:
        return f"holds {size:,} bytes, its header says {wanted:,}"
    return None


def sqlite_problem(path: Path, immutable: bool = True) -> str | None:
    """`immutable`: a file nobody writes any more (sqlite then takes no lock)."""
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True, timeout=5)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        if not immutable and "locked" in str(exc):
            return None  # being written (a build fills the follow-up store after the swap)
        return f"not a readable SQLite database ({exc})"
    except sqlite3.Error as exc:
        return f"not a readable SQLite database ({exc})"
    found = [row[0] for row in rows]
    return None if found == ["ok"] else f"quick_check: {'; '.join(found[:2])}"
