"""The embedding model: offline by construction, unit vectors, and sensible on the seeds."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from indexer.index import embedding
from indexer.ingest.parse import chunk_report, parse_file

# Run in a fresh process so the model is loaded there for the first time: an audit hook
# records (and refuses) every socket connection and name lookup the process attempts.
NO_NETWORK = r"""
import json, sys
attempts = []
def hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                 "urllib.Request"):
        attempts.append(event)
        raise OSError("network access is blocked in this test")
sys.addaudithook(hook)
from indexer.index.embedding import embed
vectors = embed(["children missing from care", "return home interviews"])
print(json.dumps({"attempts": attempts, "shape": list(vectors.shape)}))
"""


def test_loading_and_embedding_attempt_no_network():
    done = subprocess.run([sys.executable, "-c", NO_NETWORK], capture_output=True,
                          text=True, check=True, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"attempts": [], "shape": [2, embedding.DIM]}


def test_the_hook_sees_wordllamas_default_load_go_to_the_network():
    """The hook is not blind: WordLlama's default load looks for the tokenizer in the wrong
    folder of its package and tries to download it, which the hook records and refuses."""
    probe = NO_NETWORK.split("from indexer")[0] + (
        "from wordllama import WordLlama\n"
        "try:\n    WordLlama.load()\n"
        "except Exception:\n    pass\n"
        "print(json.dumps({'attempts': attempts}))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert "socket.getaddrinfo" in json.loads(done.stdout.strip().splitlines()[-1])["attempts"]


def test_rows_are_unit_float32_in_order_and_empty_is_zero():
    texts = ["looked after children", "", "care leavers", "looked after children"]
    vectors = embedding.embed(texts)
    assert vectors.shape == (4, embedding.DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 2, 3]], axis=1), 1.0, atol=1e-5)
    assert not vectors[1].any()
    assert np.array_equal(vectors[0], vectors[3])
    assert embedding.embed([]).shape == (0, embedding.DIM)


def test_batches_do_not_change_a_text_vector():
    many = [f"passage number {i} about foster carers" for i in range(150)]
    alone = embedding.embed([many[120]])[0]
    assert np.allclose(embedding.embed(many)[120], alone, atol=1e-6)


@pytest.fixture(scope="module")
def seed_passages(seeds_dir):
    texts = []
    for path in sorted(seeds_dir.glob("*.txt")):
        texts += [chunk.text for chunk in chunk_report(parse_file(str(path)))]
    return texts, embedding.embed(texts)


# A paraphrase in other words, and a phrase that starts the passage it paraphrases.
PARAPHRASES = [
    ("staff feel supported by their managers",
     "Staff report that they receive good management support"),
    ("help out of office hours is good",
     "The Children’s Rapid Response Team provides a good out of hours service"),
    ("what happens when children go missing",
     "There are effective systems for ensuring children missing from care"),
]


@pytest.mark.parametrize("query, start", PARAPHRASES)
def test_a_paraphrase_finds_its_passage_among_the_seeds(seed_passages, query, start):
    texts, vectors = seed_passages
    target = next(i for i, text in enumerate(texts) if text.startswith(start))
    scores = vectors @ embedding.embed([query])[0]
    assert target in np.argsort(-scores)[:3].tolist()


def test_a_paraphrase_is_nearer_than_an_unrelated_passage(seed_passages):
    texts, vectors = seed_passages
    query = embedding.embed(["young people leaving care get help with somewhere to live"])[0]
    housing = next(i for i, t in enumerate(texts) if "range of accommodation" in t)
    unrelated = next(i for i, t in enumerate(texts) if "Rapid Response Team" in t)
    assert vectors[housing] @ query > vectors[unrelated] @ query + 0.2


def _wordllamas_own(texts: list[str]) -> np.ndarray:
    """`embed` as it was written before decision 0051: WordLlama's own `embed` per batch."""
    out = np.zeros((len(texts), embedding.DIM), dtype=np.float32)
    model = embedding._load()
    clipped = [t[:embedding.MAX_CHARS] for t in texts]
    order = sorted((i for i, t in enumerate(clipped) if t.strip()), key=lambda i: len(clipped[i]))
    for start in range(0, len(order), embedding.BATCH):
        rows = order[start:start + embedding.BATCH]
        out[rows] = model.embed([clipped[i] for i in rows], norm=False,
                                batch_size=embedding.BATCH)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def test_fast_tokenising_gives_wordllamas_own_vectors_bit_for_bit(seed_passages):
    texts = seed_passages[0] + ["", "   ", "x", "Children’s “care” — naïve café", "a " * 5000]
    assert embedding.embed(texts).tobytes() == _wordllamas_own(texts).tobytes()


@pytest.mark.corpus
def test_every_corpus_passage_vector_is_wordllamas_own(corpus_build):
    from whoosh import index as whoosh_index

    from indexer.index import store, vectors

    ix = whoosh_index.open_dir(str(store.current_generation(corpus_build[0]) / "whoosh"))
    with ix.reader() as reader:
        texts = [t for leaf, _ in reader.leaf_readers() for t in vectors.stored(leaf)[0]]
    assert len(texts) > 10_000
    assert embedding.embed(texts).tobytes() == _wordllamas_own(texts).tobytes()
