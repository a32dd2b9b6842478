"""bench/scifact_pooling.py measures what it says: its pooling with every weight 1 is the
shipped embedding (so the "plain" row is today's model), its weights change the vectors,
and removing a component leaves rows without it."""
from __future__ import annotations

import numpy as np

from bench import scifact_pooling as pooling
from indexer.index import embedding

TEXTS = ["Return home interviews are offered to every child who goes missing from care.",
         "The local authority's sufficiency strategy has not increased foster placements.",
         "the the the of and children", ""]


def test_weights_of_one_give_the_shipped_embedding():
    size = embedding._load().embedding.shape[0]
    ours = pooling.pooled(pooling.token_ids(TEXTS), np.ones(size))
    assert ours.shape == (4, embedding.DIM)
    np.testing.assert_allclose(ours, embedding.embed(TEXTS), atol=1e-5)
    assert not ours[3].any()  # an empty text stays a row of zeros, as embed() gives


def test_sif_weights_move_a_text_away_from_its_frequent_tokens():
    ids = pooling.token_ids(TEXTS)
    size = embedding._load().embedding.shape[0]
    p, df = pooling.counts(ids[:3], size)
    assert p.sum() == 1.0 and df.max() == 2  # "children" in two texts
    sif = 1e-3 / (1e-3 + p)
    plain, weighted = pooling.pooled(ids, np.ones(size)), pooling.pooled(ids, sif)
    the = pooling.pooled(pooling.token_ids(["the"]), np.ones(size))[0]
    assert weighted[2] @ the < plain[2] @ the - 0.05
    np.testing.assert_allclose(np.linalg.norm(weighted[:3], axis=1), 1.0, rtol=1e-5)


def test_a_removed_component_is_gone_from_every_row():
    ids = pooling.token_ids(TEXTS[:3])
    size = embedding._load().embedding.shape[0]
    component = pooling._first_component(pooling.pooled(ids, np.ones(size)))
    rows = pooling.pooled(ids, np.ones(size), component)
    np.testing.assert_allclose(rows @ component, 0.0, atol=1e-5)
