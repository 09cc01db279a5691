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
        with self._changed:
            self._people += 1
        try:
            with self.lock:
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
