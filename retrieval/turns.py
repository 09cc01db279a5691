"""Who goes first on the index lock: people before background work."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

# Background dense products outside the lock in pieces of this many stored rows, so that a search
# arriving meanwhile shares the cores with at most one piece (a few ms) before the linker waits.
PRODUCT_ROWS = 8192


class Turns:
    """Who goes first on the index lock: people (search, related, question matching) before
    background work (linking), which takes the lock in short slices and, before each, waits
    while a person's request is waiting or running (at most `patience` seconds, so that
    background work never starves under a steady stream of searches)."""

    def __init__(self, lock: threading.RLock, patience: float = 0.5) -> None:
        self.lock = lock
        self.patience = patience
        self._people = 0
        self._changed = threading.Condition()

    @contextmanager
    def person(self) -> Iterator[None]:
        """Hold the lock for a person's request, ahead of any background slice."""
        with self.request(), self.lock:
            yield

    @contextmanager
    def request(self) -> Iterator[None]:
        """A person's request that takes the lock several times (an add: index, smooth, link):
        no background slice starts between its turns, only the one under way is waited for."""
        with self._changed:
            self._people += 1
        try:
            yield
        finally:
            with self._changed:
                self._people -= 1
                self._changed.notify_all()

    @contextmanager
    def background(self) -> Iterator[None]:
        """Hold the lock for one short slice of background work, after the people waiting."""
        with self._changed:
            self._changed.wait_for(lambda: self._people == 0, timeout=self.patience)
        with self.lock:
            yield

    def give_way(self) -> None:
        """Between slices of background work outside the lock: let waiting people go first."""
        with self._changed:
            self._changed.wait_for(lambda: self._people == 0, timeout=self.patience)

    def products(self, queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """queries @ matrix.T for background work outside the lock, in pieces of PRODUCT_ROWS
        stored rows (a few ms each), letting waiting people go first before each."""
        out = np.empty((len(queries), len(matrix)), dtype=np.float32)
        for first in range(0, len(matrix), PRODUCT_ROWS):
            self.give_way()
            out[:, first : first + PRODUCT_ROWS] = queries @ matrix[first : first + PRODUCT_ROWS].T
        return out


# Background work: dense similarities for this many insights at a time (outside the lock), then
# this many rows at a time under the lock (about 10-15 ms at 100,000 insights: a person's add
# waits for at most one slice; 8 rows cost an add at 100,000 about 45 ms more, while linking
# runs 6 % faster).
BACKGROUND_BLOCK = 64
BACKGROUND_SLICE = 4


def in_slices(index, insight_ids: list[int], vectors, work) -> list:
    """Background work over many insights of a `HybridIndex` that keeps searches fast.

    The dense similarities of a block are computed outside the lock (reading only the
    vectors, which grow by appending) in pieces, each after the searches in flight, then
    `work(rows, dense)` runs under the lock a few rows at a time, each slice after the
    searches waiting for the lock. Measured at 100,000
    insights (benchmarks/bench_busy.py): a 10,000-insight block under the lock held
    searches up for up to 27 s; slices of 4 rows hold them up for about 10-15 ms.
    """
    out: list = []
    turns = index.turns
    for start in range(0, len(insight_ids), BACKGROUND_BLOCK):
        with turns.background():
            part = insight_ids[start : start + BACKGROUND_BLOCK]
            rows = np.asarray([index.row_of[i] for i in part], dtype=np.int64)
            compact = vectors.compact
            matrix = vectors.rows(rows) if compact else vectors.vectors()
        if compact:  # a large index: the proposed candidates, not every row
            dense_block = vectors.similarities(matrix, index.raw)
        else:
            dense_block = turns.products(matrix[rows], matrix)
        for first in range(0, len(rows), BACKGROUND_SLICE):
            with turns.background():
                dense = _fit(dense_block[first : first + BACKGROUND_SLICE], index.raw.size)
                out.extend(work(rows[first : first + BACKGROUND_SLICE], dense))
                index.background_rows += len(dense)
    return out


def _fit(dense: np.ndarray, size: int) -> np.ndarray:
    """Similarities computed before rows were added, padded to the rows there are now
    (the newcomers count as unrelated here; their own linking finds these insights)."""
    missing = size - dense.shape[1]
    return dense if missing <= 0 else np.pad(dense, ((0, 0), (0, missing)), constant_values=-1)
