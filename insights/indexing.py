"""The in-memory search index kept in step with the database (see storage.db's unit of work).

Rows a unit of work adds enter the index at once (the unit's own links need them) and leave it
again if the unit rolls back; removals wait for the commit. Hits are always read from the
database, so nobody sees an uncommitted insight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from insights import text as textlib
from insights.embeddings import EMBED_BATCH, Embedder, embed_in_batches, embed_texts
from insights.linking import HybridIndex
from insights.models import Insight
from storage.db import Database
from storage.insights import InsightRepository
from storage.vectors import EmbeddingRepository

Progress = Callable[[int, int], None]


class Indexing:
    """Loads the index from the stored vectors and applies each unit of work's changes."""

    def __init__(
        self,
        db: Database,
        embedder: Embedder,
        insights: InsightRepository,
        vectors: EmbeddingRepository,
    ) -> None:
        self.db = db
        self.embedder = embedder
        self.insights = insights
        self.vectors = vectors
        self.index = HybridIndex(
            embedder.dim, getattr(embedder, "pair_scale", 1.0), getattr(embedder, "normalise", None)
        )

    def load(self, progress: Progress | None = None) -> None:
        """Recompute the vectors of another model, then read every live vector into memory."""
        self._reembed_stale(progress)
        self.index.reserve(self.insights.count() + 1024)
        for chunk in self.vectors.iter_index(self.embedder.model_id):
            terms = [
                textlib.lexical_terms(t, lang)
                for t, lang in zip(chunk.texts, chunk.languages, strict=True)
            ]
            self.index.add(
                chunk.ids.tolist(), chunk.vectors, chunk.languages, terms, chunk.smoothed, bulk=True
            )
        self.index.compact()

    def _reembed_stale(self, progress: Progress | None) -> None:
        stale = self.vectors.stale(self.embedder.model_id)
        for start in range(0, len(stale), EMBED_BATCH):
            batch = stale[start : start + EMBED_BATCH]
            vectors = embed_texts(
                self.embedder, [t for _, t, _, _ in batch], [lang for *_, lang in batch]
            )
            with self.db.transaction() as cur:
                # Smoothed vectors and links follow in the background once the index is loaded.
                self.insights.mark_linked(cur, [i for i, *_ in batch], None)
                self.vectors.upsert(
                    cur,
                    self.embedder.model_id,
                    [i for i, *_ in batch],
                    [h for _, _, h, _ in batch],
                    vectors,
                    vectors,
                )
            if progress:
                progress(min(start + EMBED_BATCH, len(stale)), len(stale))

    def add(self, cur, stored: list[Insight], vectors: np.ndarray) -> None:
        """Store the vectors of these insights in the caller's unit and index them (out again
        if the unit rolls back)."""
        if not stored:
            return
        ids = [s.id for s in stored]
        terms = [textlib.lexical_terms(s.text, s.language) for s in stored]
        self.index.add(ids, vectors, [s.language for s in stored], terms)
        self.db.on_rollback(lambda: self.drop(ids))
        hashes = [s.content_hash for s in stored]
        # The raw vectors stand in for the smoothed ones until linking computes those.
        self.vectors.upsert(cur, self.embedder.model_id, ids, hashes, vectors, vectors)

    def add_afresh(self, cur, insights: list[Insight]) -> None:
        """Embed and index insights this process never indexed (deleted before it opened the
        file), marked for linking."""
        if not insights:
            return
        vectors = embed_in_batches(
            self.embedder, [i.text for i in insights], [i.language for i in insights]
        )
        self.add(cur, insights, vectors)
        self.insights.mark_linked(cur, [i.id for i in insights], None)

    def drop(self, ids: Iterable[int]) -> None:
        """Take insights out of the index now."""
        for insight_id in ids:
            if insight_id in self.index.row_of:
                self.index.remove(insight_id)

    def remove_after_commit(self, ids: Iterable[int]) -> None:
        """Take insights out of search once the open unit of work has committed."""
        ids = list(ids)
        self.db.after_commit(lambda: self.drop(ids))

    def restore(self, ids: Iterable[int]) -> list[int]:
        """Put known (soft-deleted) insights back into search now, out again on rollback;
        returns the ids this process never indexed (to `add_afresh`)."""
        ids = list(ids)
        known = [i for i in ids if i in self.index.row_of]
        for insight_id in known:
            self.index.restore(insight_id)
        self.db.on_rollback(lambda: self.drop(known))
        return [i for i in ids if i not in self.index.row_of]

    def follow(self, ids: list[int]) -> None:
        """Bring the index in step with what another process wrote to these insights: new or
        edited ones in (with the vectors it stored), deleted ones out. Safe to repeat."""
        found = self.vectors.index_rows(self.embedder.model_id, ids)
        present: set[int] = set()
        if found is not None:
            present = set(found.ids.tolist())
            with self.index.lock:
                fresh = []
                for k, insight_id in enumerate(found.ids.tolist()):
                    row = self.index.row_of.get(insight_id)
                    if row is not None and np.array_equal(
                        self.index.raw.vectors()[row], found.vectors[k]
                    ):  # the same content: only its smoothing (or deletion) changed
                        self.index.restore(insight_id)
                        self.index.smooth.set_rows(np.asarray([row]), found.smoothed[k : k + 1])
                    else:
                        fresh.append(k)
            if fresh:
                terms = [textlib.lexical_terms(found.texts[k], found.languages[k]) for k in fresh]
                self.index.add(
                    [int(found.ids[k]) for k in fresh],
                    found.vectors[fresh],
                    [found.languages[k] for k in fresh],
                    terms,
                    found.smoothed[fresh],
                )
        self.drop([i for i in ids if i not in present])
