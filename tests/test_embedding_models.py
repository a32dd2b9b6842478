"""bench.embedding_models reads a static model folder as model2vec lays it out: a text's
vector is the normalised mean of its tokens' rows, through a vocabulary mapping and
token weights when the folder has them, with the unknown token left out."""
from __future__ import annotations

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from bench.embedding_models import StaticFolder

VOCAB = {"[UNK]": 0, "foster": 1, "carers": 2, "adoption": 3}


def make_folder(path, **arrays):
    tokenizer = Tokenizer(WordLevel(VOCAB, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(path / "tokenizer.json"))
    save_file(arrays, str(path / "model.safetensors"))
    return StaticFolder(path)


def test_a_text_is_the_normalised_mean_of_its_known_tokens(tmp_path):
    table = np.array([[9, 9], [1, 0], [0, 1], [3, 4]], dtype=np.float32)
    model = make_folder(tmp_path, embeddings=table)
    vectors = model(["foster carers unheard", "adoption", "", "unheard"])
    assert np.allclose(vectors[0], [2 ** -0.5, 2 ** -0.5])
    assert np.allclose(vectors[1], [0.6, 0.8])
    assert not vectors[2].any() and not vectors[3].any()


def test_a_quantised_vocabulary_goes_through_its_mapping_and_weights(tmp_path):
    model = make_folder(tmp_path, embeddings=np.array([[1, 0], [0, 1]], dtype=np.int8),
                        mapping=np.array([0, 0, 1, 1], dtype=np.int64),
                        weights=np.array([1, 3, 1, 1], dtype=np.float32))
    assert np.allclose(model(["foster carers"])[0], np.array([3, 1]) / 10 ** 0.5)
