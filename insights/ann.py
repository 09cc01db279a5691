"""Approximate nearest neighbours for large collections (usearch's HNSW graph).

Up to `COMPACT_ROWS` vectors the index compares a query with every stored vector (exact, a
few ms at 100,000). Past it that product alone takes longer than a search may (about 60-150 ms
at 1,000,000 on two cores) and the float32 vectors alone would need 3 GB, so the vectors are
kept as int8 with a scale per row (insights/dense.py) and a graph over int8 copies proposes
`CANDIDATES` rows per query; those are then scored from the index's rows, and every other row
counts as unrelated.

Building the graph over a million vectors takes minutes on two cores, longer than an open may:
it is saved beside the database with a hash of each row's vector, and at the next open only the
rows that are new or whose vector changed are added again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

COMPACT_ROWS = int(os.environ.get("OIVALLUS_COMPACT_ROWS", "250000"))
CANDIDATES = 500
# How widely the graph is searched for them: at 1,000,000 clustered vectors (benchmarks/
# bench_million.py) recall@10 against exact search was 0.89 at 1,000, 0.93 at 2,000 and
# 0.96 at 4,000, costing 3, 7 and 12 ms a query.
SEARCH_BREADTH = 4000
log = logging.getLogger(__name__)


def row_hashes(matrix: np.ndarray, step: int = 20_000) -> np.ndarray:
    """One 64-bit fingerprint per row (rows of a multiple of 8 bytes: int8 rows of 384 or 768
    dimensions), a block of rows at a time (a million at once would need the matrix again)."""
    out = np.empty(len(matrix), dtype=np.uint64)
    for first in range(0, len(matrix), step):
        words = np.ascontiguousarray(matrix[first : first + step]).view(np.uint64)
        mixed = words * np.uint64(0x9E3779B97F4A7C15)  # wraps: a multiplicative hash per word
        out[first : first + step] = np.bitwise_xor.reduce(mixed ^ (mixed >> np.uint64(29)), axis=1)
    return out


class NeighbourGraph:
    """An HNSW graph whose keys are row numbers of a `VectorIndex`."""

    def __init__(self, dim: int) -> None:
        from usearch.index import Index

        self.dim = dim
        self._index = Index(
            ndim=dim,
            metric="ip",
            dtype="i8",
            connectivity=16,
            expansion_add=64,
            expansion_search=SEARCH_BREADTH,
        )

    def __len__(self) -> int:
        return len(self._index)

    def add(self, first_row: int, vectors: np.ndarray) -> None:
        """Add rows first_row, first_row + 1, ... (replacing rows already there)."""
        if not len(vectors):
            return
        keys = np.arange(first_row, first_row + len(vectors), dtype=np.uint64)
        self.put(keys, vectors)

    def put(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Add or replace these rows."""
        rows = np.asarray(rows, dtype=np.uint64)
        present = np.atleast_1d(np.asarray(self._index.contains(rows), dtype=bool))
        if present.any():
            self._index.remove(rows[present])
        self._index.add(rows, np.asarray(vectors, dtype=np.float32), threads=os.cpu_count() or 1)

    def candidates(self, queries: np.ndarray, count: int = CANDIDATES) -> list[np.ndarray]:
        """The rows nearest to each query (a proposal, to be scored exactly)."""
        found = self._index.search(np.atleast_2d(np.asarray(queries, dtype=np.float32)), count)
        keys = np.atleast_2d(found.keys)
        counts = np.atleast_1d(getattr(found, "counts", [keys.shape[1]]))
        return [keys[i, : counts[i]].astype(np.int64) for i in range(len(keys))]

    def save(self, path: Path, hashes: np.ndarray) -> None:
        """Keep the graph (and the hash of each row it was built from) for the next open."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        self._index.save(str(partial))
        np.save(str(partial) + ".rows.npy", hashes)
        os.replace(str(partial) + ".rows.npy", str(path) + ".rows.npy")
        os.replace(partial, path)

    def build(self, index) -> None:
        """Add every row of a `VectorIndex`, a block at a time."""
        for first in range(0, index.size, 50_000):
            self.add(first, index.rows(slice(first, min(first + 50_000, index.size))))

    @classmethod
    def restore(cls, path: Path, index) -> NeighbourGraph:
        """The graph saved for the rows of a `VectorIndex`: loaded, and brought up to date with
        the rows that are new or changed since (built afresh when there is no usable file)."""
        graph = cls(index.dim)
        hashes = row_hashes(index.stored())
        try:
            saved = np.load(str(path) + ".rows.npy")
            graph._index.load(str(path))
        except (OSError, ValueError, RuntimeError) as error:
            log.info("building the neighbour graph afresh (%s)", error)
            graph.build(index)
            graph.save(path, hashes)
            return graph
        common = min(len(saved), len(hashes))
        stale = np.flatnonzero(saved[:common] != hashes[:common])
        fresh = np.arange(common, len(hashes))
        if len(saved) > len(hashes):  # fewer rows than when saved: rows are numbers, redo all
            graph = cls(index.dim)
            stale, fresh = np.zeros(0, np.int64), np.arange(len(hashes))
        todo = np.concatenate([stale, fresh])
        for start in range(0, len(todo), 50_000):
            rows = todo[start : start + 50_000]
            graph.put(rows, index.rows(rows))
        if len(todo):
            graph.save(path, hashes)
        return graph
