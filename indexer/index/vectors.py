"""Every passage's vector (indexer.index.embedding), written at build time beside each
segment's mapped postings, which every search process memory-maps (shared pages).

Layout, in `<generation>/mapped/<segment id>/` (indexer.index.mapped):
- `vectors.npy`: int8, one row of embedding.DIM codes per document of the segment, in
  segment-local docnum order (deleted documents included: searches mask them), and
  `vector_scales.npy`: float32, each row's scale: the unit vector is codes * scale, its
  largest component coded as +-127 (cosines within 0.004 of float32's, a quarter of the
  bytes; decision 0047). A segment written before (float16 rows, no scales) still serves;
- `vector_keys.npy`: uint64, a hash (blake2b, 8 bytes) of each row's embedded text;
- the rows' sign codes and moments by section (indexer.index.vector_sketch).
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

from indexer.index import embedding, vector_sketch

VECTORS = "vectors.npy"
SCALES = "vector_scales.npy"
KEYS = "vector_keys.npy"
FILES = (VECTORS, SCALES, KEYS)
DTYPE = np.int8  # 256 bytes a passage, and 4 for its scale


class Rows:
    """One segment's vectors as stored: `codes` (int8, or the float16 rows of an older
    build) and `scales` (float32 per row; None for float16 rows)."""

    def __init__(self, codes: np.ndarray, scales: np.ndarray | None):
        self.codes, self.scales = codes, scales

    @property
    def shape(self) -> tuple[int, int]:
        return self.codes.shape

    def __len__(self) -> int:
        return self.codes.shape[0]

    def floats(self, at=slice(None)) -> np.ndarray:
        """The rows `at` as float32 unit vectors."""
        rows = np.asarray(self.codes[at], dtype=np.float32)
        if self.scales is not None:
            rows *= np.asarray(self.scales[at], dtype=np.float32)[..., None]
        return rows

    @property
    def files(self) -> list[np.ndarray]:
        return [self.codes] + ([self.scales] if self.scales is not None else [])


def quantise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 codes, float32 scales) of float rows: each row's largest component is +-127."""
    rows = np.atleast_2d(np.asarray(rows, dtype=np.float32))
    scales = (np.abs(rows).max(axis=1) / 127).astype(np.float32)
    safe = np.where(scales > 0, scales, 1.0)[:, None]
    return np.rint(rows / safe).astype(np.int8), scales


def embed_as_stored(texts: list[str]) -> np.ndarray:
    """Texts' vectors as a build stores them (quantised, then read back as float32): what
    follow-ups compare, whether the vectors come from the index or are embedded now."""
    return Rows(*quantise(embedding.embed(texts))).floats()


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
            found = open_rows(path) if path.name not in damaged and (path / KEYS).is_file() \
                else None
            if found is not None:
                keys.append(np.load(path / KEYS))
                rows.append(found)
        self.keys = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        self._rows = rows
        self._order = np.argsort(self.keys, kind="stable")
        self._sorted = self.keys[self._order]
        self._sources = np.concatenate(
            [np.full(len(k), i) for i, k in enumerate(keys)]) if keys else np.zeros(0, int)
        self._offsets = np.concatenate(
            [np.arange(len(k)) for k in keys]) if keys else np.zeros(0, int)

    def find(self, keys: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Copy the known rows of `keys` into `out`; a mask of those found."""
        if not self.keys.size:
            return np.zeros(keys.size, bool)
        at = np.minimum(np.searchsorted(self._sorted, keys), self._sorted.size - 1)
        found = self._sorted[at] == keys
        hits = np.flatnonzero(found)
        where = self._order[at[hits]]
        sources, offsets = self._sources[where], self._offsets[where]
        for source in np.unique(sources):  # one read of each segment's rows
            mine = sources == source
            out[hits[mine]] = self._rows[source].floats(offsets[mine])
        return found


def stored(leaf) -> tuple[list[str], list[str]]:
    """What is embedded for each document of one segment, and its section key."""
    texts, sections = [], []
    for docnum in range(leaf.doc_count_all()):
        fields = leaf.stored_fields(docnum)
        texts.append(passage_text(fields.get("heading") or "", fields.get("text") or ""))
        sections.append(fields.get("section") or "")
    return texts, sections


def write(leaf, target: Path, previous: Previous | None = None) -> None:
    """The vectors and keys of every document of one segment (a Whoosh leaf reader)."""
    size = leaf.doc_count_all()
    texts, sections = stored(leaf)
    keys = np.fromiter((text_key(t) for t in texts), dtype=np.uint64, count=size)
    rows = np.zeros((size, embedding.DIM), dtype=np.float32)
    found = previous.find(keys, rows) if previous is not None else np.zeros(size, bool)
    missing = np.flatnonzero(~found)
    if missing.size:
        rows[missing] = embedding.embed([texts[i] for i in missing])
    codes, scales = quantise(rows)
    np.save(target / VECTORS, codes)
    np.save(target / SCALES, scales)
    np.save(target / KEYS, keys)
    vector_sketch.write(target, codes, scales, sections)  # decision 0048


def open_rows(folder: Path) -> Rows | None:
    """One segment's vectors, memory-mapped read-only (None: a segment without them, or
    int8 codes without their scales)."""
    path, scales = folder / VECTORS, folder / SCALES
    if not path.is_file():
        return None
    codes = np.asarray(np.load(path, mmap_mode="r"))  # a plain view: memmap slicing is Python
    if codes.dtype == np.float16:  # written before decision 0047
        return Rows(codes, None)
    return Rows(codes, np.asarray(np.load(scales, mmap_mode="r"))) if scales.is_file() else None
