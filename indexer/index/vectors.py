"""Every passage's vector (indexer.index.embedding), written at build time beside each
segment's mapped postings, which every search process memory-maps (shared pages).

Layout, in `<generation>/mapped/<segment id>/` (indexer.index.mapped):
- `vectors.npy`: float16, one unit row of embedding.DIM values per document of the
  segment, in segment-local docnum order (deleted documents included: searches mask them);
- `vector_keys.npy`: uint64, a hash (blake2b, 8 bytes) of each row's embedded text.
A kept segment's files are hard-linked like its postings. A segment Whoosh wrote by
merging old ones reuses the previous generation's rows for texts it already embedded
(looked up by key), so an incremental build embeds only the passages that are new.
The embedded text is the section heading and the passage, so a passage under "Care
leavers" is near a question about care leavers even when its sentences do not say it.
"""
from __future__ import annotations

from hashlib import blake2b
from pathlib import Path

import numpy as np

from indexer.index import embedding

VECTORS = "vectors.npy"
KEYS = "vector_keys.npy"
DTYPE = np.float16  # 512 bytes a passage; cosines differ from float32's by < 0.001


def passage_text(heading: str, text: str) -> str:
    """What is embedded for one passage."""
    return f"{heading}. {text}" if heading else text


def text_key(text: str) -> int:
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Previous:
    """The rows a previous generation already embedded, found by text key."""

    def __init__(self, generation: Path | None, folder: str, damaged: set[str] = frozenset()):
        """`damaged`: segment folders whose files were found damaged (never read)."""
        keys, rows = [], []
        root = generation / folder if generation is not None else None
        for path in sorted(root.iterdir()) if root is not None and root.is_dir() else []:
            if path.name not in damaged and (path / KEYS).is_file() \
                    and (path / VECTORS).is_file():
                keys.append(np.load(path / KEYS))
                rows.append(np.load(path / VECTORS, mmap_mode="r"))
        self.keys = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        self._rows = rows
        self._order = np.argsort(self.keys, kind="stable")
        self._sources = np.concatenate(
            [np.full(len(k), i) for i, k in enumerate(keys)]) if keys else np.zeros(0, int)
        self._offsets = np.concatenate(
            [np.arange(len(k)) for k in keys]) if keys else np.zeros(0, int)

    def find(self, keys: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Copy the known rows of `keys` into `out`; a mask of those found."""
        if not self.keys.size:
            return np.zeros(keys.size, bool)
        sorted_keys = self.keys[self._order]
        at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
        found = sorted_keys[at] == keys
        for i in np.flatnonzero(found):
            j = self._order[at[i]]
            out[i] = self._rows[self._sources[j]][self._offsets[j]]
        return found


def write(leaf, target: Path, previous: Previous | None = None) -> None:
    """The vectors and keys of every document of one segment (a Whoosh leaf reader)."""
    size = leaf.doc_count_all()
    texts = []
    for docnum in range(size):
        fields = leaf.stored_fields(docnum)
        texts.append(passage_text(fields.get("heading") or "", fields.get("text") or ""))
    keys = np.fromiter((text_key(t) for t in texts), dtype=np.uint64, count=size)
    rows = np.zeros((size, embedding.DIM), dtype=np.float32)
    found = previous.find(keys, rows) if previous is not None else np.zeros(size, bool)
    missing = np.flatnonzero(~found)
    if missing.size:
        rows[missing] = embedding.embed([texts[i] for i in missing])
    np.save(target / VECTORS, rows.astype(DTYPE))
    np.save(target / KEYS, keys)


def open_rows(folder: Path) -> np.ndarray | None:
    """One segment's vectors, memory-mapped read-only (None: a segment without them)."""
    path = folder / VECTORS
    return np.load(path, mmap_mode="r") if path.is_file() else None
