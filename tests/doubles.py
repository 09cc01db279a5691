"""Test doubles: small stand-ins for slow parts, for logic tests and size benchmarks."""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np


class HashingEmbedder:
    """A tiny deterministic embedder for logic tests and size benchmarks (not for quality):
    each word maps to a fixed random vector; a text is the normalised sum of its words."""

    def __init__(self, dim: int = 384, model_id: str = "test/hashing") -> None:
        self.dim = dim
        self.model_id = model_id

    @lru_cache(maxsize=100_000)  # noqa: B019 - one instance per test, bounded
    def _word(self, word: str) -> np.ndarray:
        seed = zlib.crc32(word.encode("utf-8"))
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Sum of word vectors per text, unit length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i] += self._word(word.strip(".,!?;:\"'()"))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms
