"""Benchmark: the embedding model alone, side by side with other static models, on SciFact.

For the shipped model (indexer.index.embedding) and each static-model folder given (the
model2vec layout: `model.safetensors` with an `embeddings` table, optionally `mapping` and
`weights` for a vocabulary-quantised model, and `tokenizer.json`), prints the dimension,
the embedding speed (SciFact abstracts, "title. text", per CPU second in this process) and
the nDCG@10 of ranking the abstracts by cosine alone for the train and test claims. The
meaning part of hybrid ranking can add little when this figure is low (decision 0037).

    python -m bench.embedding_models [--folder DIR ...]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bench import scifact
from indexer.index import embedding


class StaticFolder:
    """A static embedding model read from a folder: a text's vector is the mean of its
    tokens' rows (the unknown token left out), as model2vec computes it."""

    def __init__(self, folder: Path, max_tokens: int = 512):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        arrays = load_file(str(folder / "model.safetensors"))
        self.table = arrays["embeddings"].astype(np.float32)
        self.mapping, self.weights = arrays.get("mapping"), arrays.get("weights")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.unk = next((self.tokenizer.token_to_id(t) for t in ("[UNK]", "<unk>")
                         if self.tokenizer.token_to_id(t) is not None), None)
        self.max_tokens = max_tokens

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        encoded = self.tokenizer.encode_batch([t[:8000] for t in texts], add_special_tokens=False)
        for i, enc in enumerate(encoded):
            ids = np.asarray(enc.ids[:self.max_tokens], dtype=np.int64)
            ids = ids[ids != self.unk] if self.unk is not None else ids
            if ids.size:
                rows = self.table[self.mapping[ids] if self.mapping is not None else ids]
                if self.weights is not None:
                    rows = rows * self.weights[ids, None]
                out[i] = rows.mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def measure(embed, texts: list[str], ids: list[str]) -> dict:
    """Dimension, abstracts per CPU second, and nDCG@10 by cosine alone on each split."""
    embed(texts[:16])  # loaded before timing
    started = time.process_time()
    vectors = embed(texts)
    result = {"dim": vectors.shape[1], "per_cpu_second": len(texts) / (time.process_time() - started)}
    for split in ("train", "test"):
        queries, qrels = scifact.load_split(split)
        order = list(queries)
        cosines = embed([scifact.query_text(queries[q]) for q in order]) @ vectors.T
        result[split] = float(np.mean([
            scifact.ndcg_at_10([ids[d] for d in np.argsort(-row)[:10]], qrels[q])
            for q, row in zip(order, cosines)]))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", action="append", default=[], type=Path,
                        help="a static model folder (model2vec layout); repeatable")
    args = parser.parse_args()
    ids, texts = scifact.abstracts()
    models = [(f"{embedding.MODEL_NAME} (shipped)", embedding.embed)]
    models += [(str(folder), StaticFolder(folder)) for folder in args.folder]
    print(f"{'model':60} {'dim':>4} {'per CPU s':>9} {'train':>7} {'test':>7}   "
          "(SciFact nDCG@10, meaning alone)")
    for name, embed in models:
        m = measure(embed, texts, ids)
        print(f"{name[-60:]:60} {m['dim']:4d} {m['per_cpu_second']:9.0f} {m['train']:7.4f} "
              f"{m['test']:7.4f}", flush=True)


if __name__ == "__main__":
    main()
