"""Passage and query vectors from a model whose weights ship inside a PyPI package.

The model is WordLlama's `l2_supercat` at 256 dimensions: a token-embedding table
(16 MB, in the `wordllama` wheel with its tokenizer) averaged over a text's tokens. Nothing
is ever downloaded: the files are resolved inside the installed package and downloads are
disabled, so a missing file is an error, never a network request. The model is loaded once
per process, on first use.

    embed(["children missing from care"]) -> float32 array of shape (1, DIM), unit rows
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

MODEL_NAME = "wordllama-l2_supercat-256"
MODEL_VERSION = "0.4.0.post1"  # the wordllama release pinned in pyproject.toml
DIM = 256
BATCH = 64  # texts tokenised and pooled together
MAX_CHARS = 8000  # a longer text is embedded from its start (passages are far shorter)

_model = None
_lock = threading.Lock()


def _load():
    """The WordLlama model from the installed package's own files (loaded once)."""
    global _model
    with _lock:
        if _model is None:
            import wordllama
            from wordllama import WordLlama

            if wordllama.__version__ != MODEL_VERSION:
                raise RuntimeError(f"wordllama {wordllama.__version__} is installed; "
                                   f"the index is built with {MODEL_VERSION}")
            # The tokenizer lives in <package>/tokenizers/; WordLlama looks for it in
            # <package>/tokenizer/ first, then in <cache_dir>/tokenizers/: point cache_dir
            # at the package so the second look finds it, and never download.
            _model = WordLlama.load("l2_supercat", dim=DIM, disable_download=True,
                                    cache_dir=Path(wordllama.__file__).parent)
        return _model


def embed(texts: list[str]) -> np.ndarray:
    """One unit-length float32 row per text (an empty text gives a row of zeros).

    Texts are embedded in batches of similar length (padding costs nothing then) and
    returned in the order given."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    model = _load()
    clipped = [t[:MAX_CHARS] for t in texts]
    order = sorted((i for i, t in enumerate(clipped) if t.strip()), key=lambda i: len(clipped[i]))
    for start in range(0, len(order), BATCH):
        rows = order[start:start + BATCH]
        out[rows] = _pooled(model, [clipped[i] for i in rows])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def _pooled(model, texts: list[str]) -> np.ndarray:
    """WordLlama's `embed(texts, norm=False)` for one batch, step for step (the same token
    ids, clipped, then its own `avg_pool`), but tokenised with `encode_batch_fast`: the same
    ids and mask without the character offsets `encode_batch` also works out, which are
    never read (decision 0051; tests/test_embedding.py compares the two)."""
    tokenizer = model.tokenizer
    encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
    encoded = encode(texts, add_special_tokens=False)
    ids = np.array([e.ids for e in encoded], dtype=np.int32)
    mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
    np.clip(ids, 0, model.embedding.shape[0] - 1, out=ids)
    return model.avg_pool(model.embedding[ids], mask)
