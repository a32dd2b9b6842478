"""Benchmark: would weighted pooling of the shipped model's token vectors lift SciFact?

indexer.index.embedding averages WordLlama's static token vectors over a text's tokens.
The usual fix for static embeddings weights each token before the average: SIF (a / (a +
p(token)), p from token frequencies) or idf, and/or removes the first principal component
of the collection's vectors. Each costs nothing at build time (a weight per token id). This
bench measures them on SciFact, the meaning alone and fused with BM25 (scifact_fusions'
`zscore`, its weight the best of the grid on the train split; the test figure is of that
weight only). Token frequencies come from three stated sources, never from the judged queries:

- `ofsted`: the text of every report PDF under ../shared/corpus (indexer.ingest's reader);
- `scifact`: the 5,183 SciFact abstracts themselves (in-domain collection statistics: the
  most weighting could give there, but not data an Ofsted index could ship);
- `vocab`: the tokenizer's own order (its ids follow merge order: p ~ 1 / rank, Zipf).

    python -m bench.scifact_pooling
"""
from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from bench import scifact
from bench import scifact_fusions as fusions
from indexer.index import embedding

CORPUS = scifact.ROOT.parent / "shared" / "corpus"
SIF_A = (1e-2, 3e-3, 1e-3, 1e-4)


def token_ids(texts: list[str]) -> list[np.ndarray]:
    """Each text's token ids as indexer.index.embedding reads them (clipped, no padding)."""
    model = embedding._load()
    size = model.embedding.shape[0]
    out = []
    for start in range(0, len(texts), 256):
        batch = [t[:embedding.MAX_CHARS] for t in texts[start:start + 256]]
        for e in model.tokenizer.encode_batch(batch, add_special_tokens=False):
            ids = np.array([i for i, m in zip(e.ids, e.attention_mask) if m], dtype=np.int64)
            out.append(np.clip(ids, 0, size - 1))
    return out


def pooled(ids: list[np.ndarray], weights: np.ndarray, component=None) -> np.ndarray:
    """Unit rows: the weighted sum of each text's token vectors (weights of ones give
    embedding.embed's rows), less their part along `component` when given."""
    table = embedding._load().embedding
    out = np.zeros((len(ids), table.shape[1]), dtype=np.float32)
    for row, these in enumerate(ids):
        if these.size:
            out[row] = weights[these].astype(np.float32) @ table[these]
    if component is not None:
        out -= np.outer(out @ component, component)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def _pdf_text(path: str) -> str:
    from indexer.ingest.readers.pdf import read_pdf
    return "\n".join(block.text for block in read_pdf(path).blocks)


def ofsted_texts(corpus: Path = CORPUS) -> list[str]:
    paths = sorted(str(p) for p in corpus.glob("*/inspection_reports/**/*.pdf"))
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_pdf_text, paths, chunksize=4))


def counts(ids: list[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """(token frequency p, document frequency) over the texts."""
    freq, df = np.zeros(size), np.zeros(size)
    for these in ids:
        np.add.at(freq, these, 1)
        df[np.unique(these)] += 1
    return freq / max(freq.sum(), 1), df


def variants(sources: dict[str, tuple[np.ndarray, np.ndarray, int]], size: int):
    """(name, passage weights, query weights, component source) for each variant."""
    ones = np.ones(size)
    yield "plain (today)", ones, ones, None
    for name, (p, df, n) in sources.items():
        for a in SIF_A:
            sif = a / (a + p)
            yield f"sif {name} a={a:g}", sif, sif, None
        if name != "vocab":
            idf = np.log((n + 1) / (df + 1)) + 1
            yield f"idf {name}", idf, idf, None
            yield f"pc removed ({name})", ones, ones, name
    p = sources["ofsted"][0]
    yield "query-only sif ofsted a=1e-3", ones, 1e-3 / (1e-3 + p), None


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ix = scifact.build_index(tmp)
        doc_ids, texts = scifact.abstracts()
        rows = {s: fusions.scored_queries(ix, (doc_ids, embedding.embed(texts)), s)
                for s in ("train", "test")}
        with ix.searcher() as searcher:
            docnum = {searcher.stored_fields(d)["doc_id"]: d
                      for d in range(searcher.doc_count_all())}
    texts = [texts[i] for i in np.argsort([docnum[d] for d in doc_ids])]  # docnum order
    size = embedding._load().embedding.shape[0]
    docs = token_ids(texts)
    claims = {s: token_ids([scifact.query_text(c) for c in scifact.load_split(s)[0].values()])
              for s in ("train", "test")}
    ofsted = token_ids(ofsted_texts())
    rank = np.maximum(np.arange(size, dtype=np.float64) - 200, 59)  # bytes and specials first
    sources = {"ofsted": (*counts(ofsted, size), len(ofsted)),
               "scifact": (*counts(docs, size), len(docs)),
               "vocab": ((1 / rank) / (1 / rank).sum(), np.zeros(size), 0)}
    components = {"ofsted": _first_component(pooled(ofsted, np.ones(size))),
                  "scifact": _first_component(pooled(docs, np.ones(size)))}
    print(f"{len(ofsted)} Ofsted report texts, {len(docs)} abstracts")
    print(f"{'pooling':32} {'meaning train':>13} {'test':>7} {'zscore w':>8} "
          f"{'train':>7} {'test':>7}")
    for name, passage_w, query_w, pc in variants(sources, size):
        component = components.get(pc)
        vectors = pooled(docs, passage_w, component)
        figures = {}
        for split in ("train", "test"):
            cos = pooled(claims[split], query_w, component) @ vectors.T
            scored = [(bm, c, rel) for (bm, _, rel), c in zip(rows[split], cos)]
            figures[split] = (fusions.mean_ndcg(scored, lambda b, c, w: c),
                              {w: fusions.mean_ndcg(scored, fusions.FUSIONS["zscore"], w)
                               for w in fusions.WEIGHTS})
        chosen = max(figures["train"][1], key=figures["train"][1].get)
        print(f"{name:32} {figures['train'][0]:13.4f} {figures['test'][0]:7.4f} "
              f"{chosen:8.2f} {figures['train'][1][chosen]:7.4f} "
              f"{figures['test'][1][chosen]:7.4f}", flush=True)


def _first_component(vectors: np.ndarray) -> np.ndarray:
    return np.linalg.svd(vectors, full_matrices=False)[2][0]


if __name__ == "__main__":
    main()
