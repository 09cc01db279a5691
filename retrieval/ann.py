"""Candidates in a large collection: RaBitQ codes of every row, all compared (faiss).

Up to `COMPACT_ROWS` vectors the index compares a query with every stored vector (exact, a
few ms at 100,000). Past it that product alone takes longer than a search may (60-150 ms at
1,000,000 on two cores) and float32 vectors would need 3 GB, so the rows are kept as int8 with
a scale each (retrieval/dense.py), and each row also as a RaBitQ code (faiss: about one bit a
dimension after a random rotation, plus a few factors; 104 bytes at 768 dimensions). A query is
compared with every code (faiss's fast scan, 8-bit query, in shards side by side on the
cores), and the `CANDIDATES` best are scored from the int8 rows; every other row counts as
unrelated.

Why not a graph or plain sign bits (measured at 1,000,000 clustered 768-d vectors,
benchmarks/bench_million.py, and on 37,065 real English and Finnish texts of ../shared/evaldata
with the bundled embedder, benchmarks/eval_candidates.py): usearch's HNSW graph (16 links,
built 64 wide) held 81 % of the true top 10 searched 4,000 wide (63 ms a query), took a
15-minute build at the first open and a 900 MB file; faiss's IVF (1,024 lists, 8-bit) held 59 %
probing 64 lists; the signs of each component (Hamming distance) held them all on the
synthetic set but, on real text, a Finnish query's translations only 79 % at 0.2 % of the
rows (RaBitQ: 95 %): a Finnish vector's empty MiniLM half (before the gloss; a Swedish one's
still is) is noise to a symmetric code.
RaBitQ needs no build beyond the codes (about 7 s at a million 768-d rows, two shards on two
cores) and nothing saved.
"""

from __future__ import annotations

import threading

import numpy as np

from vocabulary import settings

# Past 50,000 rows the float32 rows of both indexes (raw and smoothed, 768 dimensions) would
# hold 300 MB at 100,000 insights, more than the whole process's 1 GB target leaves them
# (measured: 1.43 GB peak at 100,000 with 250,000 here, 0.9x GB with 50,000; recall and speed in
# benchmarks/bench_million.py --rows 100000).
COMPACT_ROWS = settings.current().compact_rows
# Rows proposed per query, to be scored from the int8 rows. On the real texts above, a share of
# 0.2 % of the rows held 99.5 % of English queries' true top 10, 97 % of English-to-Finnish and
# 95 % of Finnish-to-English ones (0.5 %: 99.6, 99.0, 98.6 %); 2,000 is 0.2 % of a million.
CANDIDATES = 2000
QUERY_BITS = 8  # RaBitQ's query quantisation (4 bits: 1-2 points less recall, no faster)
_STEP = 5_000  # rows read out as float32 at once by each thread filling the codes
SAMPLE_ROWS = 10_000  # rows the codes are trained on (their centre): a float32 copy of them


def _faiss():
    import faiss

    return faiss


def _one_thread(faiss) -> None:
    """No OpenMP team under this thread of ours: the shards are already spread over the cores.
    (OpenMP's thread count is per thread: the app's other threads, torch's, keep theirs.)"""
    faiss.omp_set_num_threads(1)


class RaBitQCodes:
    """RaBitQ codes of a `VectorIndex`'s rows (faiss ids are its row numbers), in shards
    searched side by side.

    A row whose vector changes gets a second code under the same id; the old one stays until
    the next open and can only propose the row once more (candidates are scored exactly).
    """

    def __init__(self, dim: int, sample: np.ndarray, shards: int = 1) -> None:
        faiss = _faiss()
        self.dim = dim
        sample = np.ascontiguousarray(sample, dtype=np.float32)
        self._inner = []
        self._shards = []
        for _ in range(max(1, shards)):
            inner = faiss.IndexRaBitQFastScan(dim, faiss.METRIC_INNER_PRODUCT)
            inner.train(sample)  # the centre of the rows
            inner.qb = QUERY_BITS
            self._inner.append(inner)  # the id map does not keep its index alive
            self._shards.append(faiss.IndexIDMap(inner))
        self._lock = threading.Lock()  # faiss indexes are not safe to add to while searched

    @classmethod
    def build(cls, index, pool=None, shards: int = 1) -> RaBitQCodes:
        """Codes of every row of a `VectorIndex` in `shards` shards, each filled by a thread of
        `pool` (an executor with at least that many threads)."""
        shards = shards if pool is not None else 1
        sample = index.rows(np.arange(0, index.size, max(1, index.size // SAMPLE_ROWS)))
        codes = cls(index.dim, sample, shards)

        def fill(shard: int) -> None:
            if shards > 1:
                _one_thread(_faiss())
            for first in range(shard * _STEP, index.size, _STEP * shards):
                rows = np.arange(first, min(first + _STEP, index.size), dtype=np.int64)
                codes._shards[shard].add_with_ids(index.rows(rows), rows)

        with codes._lock:
            if shards > 1:
                list(pool.map(fill, range(shards)))
            else:
                fill(0)
        return codes

    def put(self, rows, vectors: np.ndarray) -> None:
        """Codes for these rows (new ones, or rows whose vector changed)."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if not len(rows):
            return
        with self._lock:
            shard = min(self._shards, key=lambda s: s.ntotal)
            shard.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), rows)

    def candidates(self, queries: np.ndarray, count: int = CANDIDATES, pool=None) -> list:
        """The best `count` rows for each query by their codes, best first (row numbers);
        `pool` (an executor) searches the shards side by side."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)

        def search(shard) -> tuple[np.ndarray, np.ndarray]:
            if many:
                _one_thread(_faiss())
            return shard.search(queries, min(count, shard.ntotal))

        with self._lock:
            shards = [s for s in self._shards if s.ntotal]
            if not shards:
                return [np.zeros(0, np.int64) for _ in queries]
            many = pool is not None and len(shards) > 1
            parts = list(pool.map(search, shards)) if many else [search(s) for s in shards]
        scores = np.concatenate([d for d, _ in parts], axis=1)
        rows = np.concatenate([r for _, r in parts], axis=1)
        out = []
        for score, row in zip(scores, rows, strict=True):
            ordered = row[np.argsort(-score, kind="stable")]
            ordered = ordered[ordered >= 0]
            _, first = np.unique(ordered, return_index=True)  # a changed row's two codes
            out.append(ordered[np.sort(first)][:count])
        return out
