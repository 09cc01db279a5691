"""Words shared across languages in the index's scores (the concepts themselves:
retrieval/concepts.py): a text's fused scores against rows of the other language rise by the
share of words they translate, and its neighbours there say how much they share."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from retrieval.fusion import Neighbour
from retrieval.rows import IndexRows


class SharedWordRows(IndexRows):
    """Index rows that count the words a text shares with rows of the other language."""

    def _targets(self, rows: np.ndarray | None, count: int) -> np.ndarray:
        """Whether each of these rows (else the first `count`) is in English."""
        return self._english[:count] if rows is None else self._english[rows]

    def _with_shared_words(
        self, scores: np.ndarray, concepts, english: bool, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Fused `scores` of one text against rows (all by default) with the words it shares
        with the live rows of the other language counted (`ConceptIndex.raised`)."""
        if concepts is None:
            return scores
        live = self._alive[: len(scores)] if rows is None else True
        cross = np.flatnonzero((self._targets(rows, len(scores)) != english) & live)
        self.concepts.sync(self.lexical, self._languages)
        index_rows = cross if rows is None else rows[cross]
        return self.concepts.raised(scores, cross, index_rows, concepts, english)

    def _annotated(self, found: list[Neighbour], concepts, english: bool) -> list[Neighbour]:
        """`found` with the share of words each neighbour in the other language translates
        (`ConceptIndex.shared`; 0 within a language)."""
        if concepts is None or not found:
            return found
        rows = np.asarray([self.row_of[n.insight_id] for n in found], dtype=np.int64)
        cross = self._english[rows] != english
        if not cross.any():
            return found
        shared = np.where(cross, self.concepts.shared(concepts, english, rows), 0.0)
        return [replace(n, shared=float(v)) for n, v in zip(found, shared, strict=True)]
