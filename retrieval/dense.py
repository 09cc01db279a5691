"""The dense index: unit vectors in a growable matrix, cosine similarity by matrix products.

Up to `COMPACT_ROWS` rows the vectors are float32 and a query is compared with every row.
Past it (a large collection, see retrieval/ann.py) each row is kept as int8 with a scale of its
own (the row's largest component maps to 127): a quarter of float32's memory, which a million
insights of the bundled 768-dimension embedder need to fit in a few GB, with a similarity error
of about 3e-4 (a few times smaller than the gaps between neighbours that decide a top 10,
benchmarks/bench_million.py measures recall); the rows' RaBitQ codes propose the rows to score
(retrieval/ann.py).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval import ann
from retrieval.ann import RaBitQCodes

SPLIT_ROWS = 20_000
_STEP = 10_000  # rows quantised or read out at once (bounds the memory a large index borrows)


class _QueryPool:
    """Threads that share out one query's product (started at import, never by the niced
    background linker, so they run at a person's priority)."""

    def __init__(self) -> None:
        self.workers = min(os.cpu_count() or 1, 4)
        self.executor = ThreadPoolExecutor(self.workers, thread_name_prefix="oivallus-query")
        list(self.executor.map(lambda _: None, range(self.workers * 4)))  # start them now


_POOL = _QueryPool()


def quantised(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows as int8 and the scale of each (row ~= int8 * scale)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not len(vectors):
        return np.zeros((0, vectors.shape[-1]), np.int8), np.zeros(0, np.float32)
    # two reductions and one scratch matrix (this runs over every row at open)
    peak = np.maximum(vectors.max(axis=1), -vectors.min(axis=1))
    scale = np.where(peak > 0, peak / 127, 1.0).astype(np.float32)
    scratch = vectors * (1 / scale)[:, None]
    np.rint(scratch, out=scratch)
    return scratch.astype(np.int8), scale


class VectorIndex:
    """Unit vectors in a growable matrix; cosine similarity is one matrix product.

    Float32 up to `COMPACT_ROWS` rows; past it int8 rows with a scale each, and, when the index
    was made with `proposes=True`, the RaBitQ codes of its rows, which propose the rows to score
    (retrieval/ann.py); an index without them (the smoothed vectors) takes its candidates from
    one that has. Read rows with `rows()`: it gives float32 whatever the index keeps.
    """

    def __init__(self, dim: int, capacity: int = 1024, proposes: bool = False) -> None:
        self.dim = dim
        self._matrix: np.ndarray = np.zeros((capacity, dim), dtype=np.float32)
        self._scale: np.ndarray | None = None  # per row, once compact
        self.size = 0
        self._proposes = proposes
        self.codes: RaBitQCodes | None = None
        self._bulk = False  # rows are being loaded: the codes follow at `finish_bulk`

    @property
    def compact(self) -> bool:
        """Whether the rows are int8 (a large collection)."""
        return self._scale is not None

    @property
    def block_rows(self) -> int:
        """Rows whose similarities to every row are held at once (a large index: fewer)."""
        return 16 if self.compact else 256

    def reserve(self, rows: int) -> None:
        """Make room for `rows` rows in all (avoids over-allocation when the size is known)."""
        if rows <= len(self._matrix):
            return
        if self.compact or rows > ann.COMPACT_ROWS:
            grown = np.zeros((rows, self.dim), dtype=np.int8)
            scale = np.ones(rows, dtype=np.float32)
            for first in range(0, self.size, _STEP):
                part = slice(first, min(first + _STEP, self.size))
                if self._scale is not None:
                    grown[part], scale[part] = self._matrix[part], self._scale[part]
                else:
                    grown[part], scale[part] = quantised(self._matrix[part])
            self._matrix, self._scale = grown, scale
        else:
            grown = np.zeros((rows, self.dim), dtype=np.float32)
            grown[: self.size] = self._matrix[: self.size]
            self._matrix = grown

    def _store(self, rows, vectors: np.ndarray) -> None:
        if self._scale is None:
            self._matrix[rows] = vectors
        else:
            self._matrix[rows], self._scale[rows] = quantised(vectors)

    def add(self, vectors: np.ndarray, bulk: bool = False) -> None:
        """Append vectors (n, dim) as the next rows."""
        needed = self.size + len(vectors)
        if needed > len(self._matrix):
            # 1.5x rather than 2x: a large index wastes less, and the copy made while growing
            # is smaller (it sets the peak memory of a big import)
            self.reserve(max(needed, len(self._matrix) * 3 // 2))
        first = self.size
        self._store(slice(first, needed), vectors)
        self.size = needed
        self._bulk = self._bulk or bulk
        if self._bulk or not (self._proposes and self.compact):
            return
        if self.codes is None:  # just grew past COMPACT_ROWS
            self.codes = RaBitQCodes.build(self, _POOL.executor, _POOL.workers)
        else:
            self.codes.put(np.arange(first, needed), vectors)

    def finish_bulk(self) -> None:
        """After a bulk load: the codes of a large index's rows (retrieval/ann.py)."""
        self._bulk = False
        if self._proposes and self.compact:
            self.codes = RaBitQCodes.build(self, _POOL.executor, _POOL.workers)

    def set_rows(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Overwrite stored rows."""
        self._store(rows, vectors)
        if self.codes is not None:
            self.codes.put(rows, vectors)

    def propose(self, queries: np.ndarray, count: int | None = None) -> list[np.ndarray] | None:
        """The rows worth scoring for each query (a large index with codes), best first;
        None where every row is to be scored."""
        if self.codes is None:
            return None
        extra = {} if count is None else {"count": count}
        return self.codes.candidates(queries, pool=_POOL.executor, **extra)

    def _scored(self, rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
        """Queries (m, dim) against stored rows, scaled after the product (no scaled copy)."""
        found = queries @ self._matrix[rows].astype(np.float32).T
        if self._scale is not None:
            found *= self._scale[rows]
        return found

    def rows(self, rows, dtype=np.float32) -> np.ndarray:
        """Stored rows (an index or an array of them) as float vectors (a copy)."""
        if self._scale is None:
            return self._matrix[rows].astype(dtype)
        found = self._matrix[rows].astype(dtype)
        found *= self._scale[rows][..., None].astype(dtype)
        return found

    def stored(self) -> np.ndarray:
        """A view of the rows as kept (float32, or int8 in a large index): for fingerprints."""
        return self._matrix[: self.size]

    def holds(self, row: int, vector: np.ndarray) -> bool:
        """Whether a row keeps this vector (as exactly as the index keeps any)."""
        if self._scale is None:
            return bool(np.array_equal(self._matrix[row], vector.astype(np.float32)))
        values, scale = quantised(vector[None, :])
        return bool(np.array_equal(self._matrix[row], values[0]) and self._scale[row] == scale[0])

    def vectors(self) -> np.ndarray:
        """Every row as float32: a view while exact (small); a copy of a large index."""
        if self._scale is None:
            return self._matrix[: self.size]
        return self.rows(slice(0, self.size))

    def similarities(
        self,
        queries: np.ndarray,
        proposer: VectorIndex | None = None,
        also: np.ndarray | None = None,
    ) -> np.ndarray:
        """Cosine similarities of each query (m, dim) to every row: (m, size).

        In a large index only the rows its codes (this index's, else `proposer`'s)
        propose are scored, and the rows `also` names (a filtered search's own); the others
        count as unrelated (-1).

        A person's query over a large index is split over the cores by threads of our own
        (numpy lets go of the GIL), since BLAS itself runs one thread per process (see
        `insights/runtime/threads.py`): background products then never crowd a search.
        """
        queries = np.asarray(queries, dtype=np.float32)
        source = self if self.codes is not None or proposer is None else proposer
        proposed = source.propose(queries) if self.compact else None
        if proposed is not None:
            out = np.full((len(queries), self.size), -1.0, dtype=np.float32)
            for i, rows in enumerate(proposed):
                rows = rows[rows < self.size]
                out[i, rows] = self.rows(rows) @ queries[i]
            if also is not None:
                for first in range(0, len(also), _STEP):
                    chosen = also[first : first + _STEP]
                    out[:, chosen] = self._scored(chosen, queries)
            return out
        if self.compact:  # no codes: every row, a block at a time (bounded borrowed memory)
            out = np.empty((len(queries), self.size), dtype=np.float32)
            for first in range(0, self.size, _STEP):
                block = slice(first, min(first + _STEP, self.size))
                out[:, block] = queries @ self.rows(block).T
            return out
        matrix = self.vectors()
        if len(queries) > 4 or len(matrix) < SPLIT_ROWS or _POOL.workers < 2:
            return queries @ matrix.T
        bounds = np.linspace(0, len(matrix), _POOL.workers + 1).astype(int)
        out = np.empty((len(queries), len(matrix)), dtype=np.float32)

        def part(i: int) -> None:
            a, b = bounds[i], bounds[i + 1]
            out[:, a:b] = queries @ matrix[a:b].T

        list(_POOL.executor.map(part, range(_POOL.workers)))
        return out


@functools.cache
def _libc():
    """The C library, looked up once (find_library may run a subprocess)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def release_freed_memory() -> None:
    """Hand the heap's freed pages back to the system after a bulk step (glibc keeps them
    for reuse: about 250 MB after opening 100,000 insights, which the peak then builds on)."""
    trim = getattr(_libc(), "malloc_trim", None)  # glibc only (not macOS, musl)
    if trim is not None:
        trim(0)
