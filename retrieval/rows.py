"""The rows behind the hybrid index (retrieval/hybrid.py): each live insight's raw and smoothed
vectors, lexical terms, id, language and whether it is live, row-aligned, with the lock that
guards them. Scoring lives in `HybridIndex`, which builds on these rows."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from language.pairs import PairScales
from retrieval.concepts import ConceptIndex
from retrieval.dense import release_freed_memory
from retrieval.lexical import LexicalIndex, VectorIndex
from retrieval.turns import Turns


class IndexRows:
    """Raw and smoothed vectors plus a lexical index over the live insights, row-aligned."""

    def __init__(self, dim: int, scales: PairScales | None = None) -> None:
        self.scales = scales or PairScales.by_english()
        self._english = np.zeros(0, dtype=bool)
        self._forms = np.zeros(0, dtype=np.int8)  # each row's vector form (PairScales)
        self.raw = VectorIndex(dim, proposes=True)  # past COMPACT_ROWS: proposes candidates
        self.smooth = VectorIndex(dim)
        self.lexical = LexicalIndex()
        self.concepts = ConceptIndex()  # read from `lexical` when first needed
        self._ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._languages: list[str] = []
        self.row_of: dict[int, int] = {}
        self.lock = threading.RLock()
        self.turns = Turns(self.lock)
        self.background_rows = 0  # rows smoothed or related by background work (benchmarks)

    def __len__(self) -> int:
        return int(self._alive.sum())

    def __contains__(self, insight_id: int) -> bool:
        # read without the lock: `add` points the id at its row before the row is there
        alive = self._alive
        row = self.row_of.get(insight_id)
        return row is not None and row < len(alive) and bool(alive[row])

    def add(
        self,
        ids: list[int],
        vectors: np.ndarray,
        languages: list[str],
        terms: list[list[str]],
        smoothed: np.ndarray | None = None,
        bulk: bool = False,
        stored: Callable[[LexicalIndex], None] | None = None,
    ) -> None:
        """Index new insights (searchable at once).

        `smoothed` are vectors smoothed earlier (at open); without them the raw vectors stand in
        until `refine` computes them. `bulk` (loading at open) defers lexical merging to
        `compact`.
        """
        with self.turns.person():
            first = self.raw.size
            for offset, insight_id in enumerate(ids):
                old = self.row_of.get(insight_id)
                if old is not None:
                    self._alive[old] = False
                self.row_of[insight_id] = first + offset
            self._ids = np.concatenate([self._ids, np.asarray(ids, dtype=np.int64)])
            self._alive = np.concatenate([self._alive, np.ones(len(ids), dtype=bool)])
            self._languages.extend(languages)
            english = np.asarray([lang == "en" for lang in languages], dtype=bool)
            self._english = np.concatenate([self._english, english])
            self._forms = np.concatenate([self._forms, self.scales.forms(languages)])
            self.raw.add(vectors, bulk=bulk)
            if stored is not None:  # their lexical rows were saved at an earlier open
                stored(self.lexical)
            else:
                self.lexical.add(terms, bulk=bulk)
            self.smooth.add(vectors if smoothed is None else smoothed, bulk=bulk)

    def read_concepts(self) -> None:
        """Bring the words shared across languages up to date with every row."""
        with self.turns.person():
            self.concepts.sync(self.lexical, self._languages)

    def text_concepts(self, text: str, language: str) -> np.ndarray:
        """The concepts of a text that is not stored (a query, a question)."""
        return self.concepts.lexicon.text_concepts(text, language)

    def raw_vectors(self, insight_ids: list[int]) -> np.ndarray:
        """The unsmoothed vectors of some insights."""
        with self.turns.person():
            return self.raw.rows([self.row_of[i] for i in insight_ids])

    def smoothed_vectors(self, insight_ids: list[int]) -> np.ndarray:
        """The smoothed vectors of some insights."""
        with self.turns.person():
            return self.smooth.rows([self.row_of[i] for i in insight_ids])

    def live_vectors(self, smoothed: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Ids and smoothed (or raw) vectors, a copy, of every live insight, in row order."""
        with self.turns.person():
            rows = np.flatnonzero(self._alive)
            kept = np.float16 if self.smooth.compact else np.float32  # a large index: half
            source = self.smooth if smoothed else self.raw
            return self._ids[rows].copy(), source.rows(rows, kept)

    def live_english(self) -> np.ndarray:
        """Whether each live insight is in English, in row order."""
        with self.turns.person():
            return self._english[np.flatnonzero(self._alive)].copy()

    def alive_rows(self, rows: np.ndarray) -> np.ndarray:
        """Which of these rows are live (a mask)."""
        return self._alive[rows]

    def english_rows(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of these rows is in English."""
        return self._english[rows]

    def ids_of(self, rows: np.ndarray) -> np.ndarray:
        """The insight ids of these rows."""
        return self._ids[rows]

    def english(self, insight_ids) -> np.ndarray:
        """Whether each of these insights is in English."""
        with self.turns.person():
            return self._english[[self.row_of[int(i)] for i in insight_ids]]

    def reserve(self, rows: int) -> None:
        """Make room for `rows` insights in all (at open, when the count is known)."""
        with self.turns.person():
            self.raw.reserve(rows)
            self.smooth.reserve(rows)

    def compact(self) -> None:
        """Finish a bulk load (a large index's codes, see retrieval/ann.py)."""
        with self.turns.person():
            self.lexical.compact()
            release_freed_memory()  # the merge's copies, before the codes' own
            self.raw.finish_bulk()
            self.smooth.finish_bulk()
            release_freed_memory()

    def remove(self, insight_id: int) -> None:
        """Take an insight out of every result (its row stays until the next open)."""
        with self.turns.person():
            row = self.row_of.get(insight_id)
            if row is not None:
                self._alive[row] = False

    def restore(self, insight_id: int) -> None:
        """Put a removed insight back."""
        with self.turns.person():
            row = self.row_of.get(insight_id)
            if row is not None:
                self._alive[row] = True
