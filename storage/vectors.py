"""Embeddings keyed by (insight, model), with the content hash they were computed from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from storage.pgarrays import pack_rows, unpack_rows


@dataclass
class IndexChunk:
    """A slice of what the in-memory index is built from."""

    ids: np.ndarray
    texts: list[str]
    languages: list[str]
    vectors: np.ndarray
    smoothed: np.ndarray
    hashes: list[str]  # content hash of each insight (what its text was when indexed)


def _column(vectors: np.ndarray, dialect: str) -> pa.Array:
    """Vectors as the column type of the dialect: lists of floats (DuckDB), packed bytes
    (PostgreSQL, storage/pgarrays.py)."""
    if dialect == "postgresql":
        return pa.array(pack_rows(vectors), pa.binary())
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(vectors.reshape(-1)))


def _matrix(column: pa.ChunkedArray | pa.Array, rows: int) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    flat = column.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return flat.reshape(rows, -1) if rows else flat.reshape(0, 0)


class EmbeddingRepository:
    """Stores and streams vectors; a vector counts only for its model and current content."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def upsert(
        self,
        cur: Cursor,
        model_id: str,
        ids: list[int],
        hashes: list[str],
        vectors: np.ndarray,
        smoothed: np.ndarray,
    ) -> None:
        """Store raw and smoothed vectors for insights under a model id, replacing older ones."""
        if not ids:
            return
        table = pa.table(
            {
                "insight_id": pa.array(ids, pa.int64()),
                "model_id": pa.array([model_id] * len(ids), pa.string()),
                "content_hash": pa.array(hashes, pa.string()),
                "vector": _column(vectors, self.db.dialect),
                "smooth": _column(smoothed, self.db.dialect),
            }
        )
        cur.register("new_vectors", table)
        try:
            cur.execute(
                "DELETE FROM embeddings WHERE model_id = ?"
                " AND insight_id IN (SELECT insight_id FROM new_vectors)",
                [model_id],
            )
            cur.execute("INSERT INTO embeddings SELECT * FROM new_vectors")
        finally:
            cur.unregister("new_vectors")

    def set_smoothed(
        self, cur: Cursor, model_id: str, ids: list[int], smoothed: np.ndarray
    ) -> None:
        """Replace the smoothed vectors of these insights (computed after their neighbours)."""
        table = pa.table(
            {"insight_id": pa.array(ids, pa.int64()), "smooth": _column(smoothed, self.db.dialect)}
        )
        cur.register("new_smooth", table)
        try:
            cur.execute(
                "UPDATE embeddings SET smooth = n.smooth FROM new_smooth n"
                " WHERE embeddings.insight_id = n.insight_id AND embeddings.model_id = ?",
                [model_id],
            )
        finally:
            cur.unregister("new_smooth")

    def iter_index(self, model_id: str, chunk: int = 5_000) -> Iterator[IndexChunk]:
        """Live insights with a current vector for this model, in id order, in chunks.

        Read id range by id range: one sorted join over every vector would need the whole
        result in DuckDB's (deliberately small) memory at once.
        """
        with self.db.read() as cur:
            low, high = cur.execute("SELECT min(id), max(id) FROM insights").fetchall()[0]
            if low is None:
                return
            for start in range(low, high + 1, chunk):
                found = _index_chunk(
                    cur,
                    "i.id >= ? AND i.id < ? AND e.insight_id >= ? AND e.insight_id < ?",
                    [model_id, start, start + chunk, start, start + chunk],
                    self.db.dialect,
                )
                if found is not None:
                    yield found

    def index_rows(self, model_id: str, ids: list[int]) -> IndexChunk | None:
        """What the index holds of these insights, for those live with a current vector."""
        with self.db.read() as cur:
            return _index_chunk(
                cur, "i.id IN (SELECT unnest(?::BIGINT[]))", [model_id, ids], self.db.dialect
            )

    def stale(self, model_id: str) -> list[tuple[int, str, str, str]]:
        """(id, text, content hash, language) of live insights lacking a current vector for
        this model."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT i.id, i.text, i.content_hash, i.language FROM insights i"
                " LEFT JOIN embeddings e"
                " ON i.id = e.insight_id AND e.model_id = ? AND e.content_hash = i.content_hash"
                " WHERE i.deleted_at IS NULL AND e.insight_id IS NULL ORDER BY i.id",
                [model_id],
            ).fetchall()


_CHUNK_ROWS = (
    " FROM insights i JOIN embeddings e ON i.id = e.insight_id AND i.content_hash = e.content_hash"
    " WHERE i.deleted_at IS NULL AND e.model_id = ? AND {where}"
)


def _index_chunk(cur: Cursor, where: str, params: list, dialect: str) -> IndexChunk | None:
    if dialect == "postgresql":
        return _packed_chunk(cur, where, params)
    table = cur.sql(
        "SELECT i.id, i.text, i.language, e.vector, e.smooth, i.content_hash"
        + _CHUNK_ROWS.format(where=where)
        + " ORDER BY i.id",
        params=params,
    ).to_arrow_table()
    n = table.num_rows
    if not n:
        return None
    return IndexChunk(
        table.column(0).to_numpy(),
        table.column(1).to_pylist(),
        table.column(2).to_pylist(),
        _matrix(table.column(3), n),
        _matrix(table.column(4), n),
        table.column(5).to_pylist(),
    )


def _packed_chunk(cur: Cursor, where: str, params: list) -> IndexChunk | None:
    """PostgreSQL: the vectors are packed bytes, unpacked for the whole chunk at once."""
    rows = cur.execute(
        "SELECT i.id, i.text, i.language, e.vector, e.smooth, i.content_hash"
        + _CHUNK_ROWS.format(where=where)
        + " ORDER BY i.id",
        params,
    ).fetchall()
    if not rows:
        return None
    ids, texts, languages, vectors, smoothed, hashes = zip(*rows, strict=True)
    return IndexChunk(
        np.asarray(ids, dtype=np.int64),
        list(texts),
        list(languages),
        unpack_rows(list(vectors)),
        unpack_rows(list(smoothed)),
        list(hashes),
    )
