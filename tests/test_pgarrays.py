"""Vectors in PostgreSQL's binary array format: packed by NumPy for COPY, read back exactly,
and through a real server the same floats come back as DuckDB gives them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from storage.connect import open_database
from storage.pgarrays import (
    FLOAT4_OID,
    FLOAT8_OID,
    as_lists,
    as_packed,
    decode_array,
    encode_lists,
    list_column,
    pack_rows,
    portable_row,
    unpack_rows,
)


def test_fixed_width_vectors_round_trip_bit_for_bit():
    vectors = np.random.default_rng(3).normal(size=(50, 384)).astype(np.float32)
    vectors[0, 0] = np.float32(1e-38)  # a subnormal-adjacent value survives too
    column = pa.array(list(vectors), pa.list_(pa.float32()))
    fields = encode_lists(column, FLOAT4_OID)
    back = np.stack([decode_array(field) for field in fields])
    assert back.dtype == np.float32
    assert np.array_equal(back.view(np.uint32), vectors.view(np.uint32))


def test_ragged_empty_and_null_lists_keep_their_shape():
    column = pa.array([[1.5, 2.5], [], None, [3.25]], pa.list_(pa.float64()))
    fields = encode_lists(column, FLOAT8_OID)
    assert fields[2] is None
    assert decode_array(fields[0]).tolist() == [1.5, 2.5]
    assert decode_array(fields[1]).tolist() == []
    assert decode_array(fields[3]).tolist() == [3.25]
    as_arrow = list_column([decode_array(fields[0]), None, decode_array(fields[3])])
    assert as_arrow.to_pylist() == [[1.5, 2.5], None, [3.25]]


def test_registered_vectors_come_back_exactly_in_both_dialects(store):
    db = open_database(store)
    vectors = np.random.default_rng(8).normal(size=(300, 16)).astype(np.float32)
    table = pa.table(
        {
            "id": pa.array(range(300), pa.int64()),
            "name": pa.array([f"row {i} ä" for i in range(300)], pa.string()),
            "vector": pa.array(list(vectors), pa.list_(pa.float32())),
            "tags": pa.array([["a", "b"]] * 300, pa.list_(pa.string())),
        }
    )
    try:
        with db.transaction() as cur:
            cur.register("incoming", table)
            cur.execute("CREATE TABLE vectors_kept AS SELECT * FROM incoming")
            cur.unregister("incoming")
        with db.read() as cur:
            back = cur.sql("SELECT * FROM vectors_kept ORDER BY id").to_arrow_table()
            rows = cur.execute("SELECT name, tags FROM vectors_kept ORDER BY id").fetchall()
        matrix = np.stack(back.column("vector").to_numpy(zero_copy_only=False)).astype(np.float32)
        assert np.array_equal(matrix, vectors)
        assert back.column("name").to_pylist()[5] == "row 5 ä"
        assert list(rows[0][1]) == ["a", "b"]
    finally:
        db.close()


def test_packed_vectors_round_trip_and_read_as_lists_elsewhere():
    vectors = np.random.default_rng(5).normal(size=(40, 12)).astype(np.float32)
    fields = pack_rows(vectors)
    assert len(fields) == 40 and all(len(f) == 48 for f in fields)
    assert np.array_equal(unpack_rows(fields), vectors)
    assert unpack_rows(pack_rows(np.zeros((2, 0)))).shape == (2, 0)
    with pytest.raises(ValueError, match="differ in length"):
        unpack_rows([fields[0], fields[1][:8]])
    rows = pa.table({"insight_id": [1, 2], "vector": pa.array(fields[:2], pa.binary())})
    lists = as_lists("embeddings", rows)
    assert lists.column("vector").to_pylist()[1] == vectors[1].tolist()
    assert as_packed("embeddings", lists).column("vector").to_pylist() == fields[:2]
    assert as_packed("embeddings", rows).equals(rows)  # already packed: left as it is
    assert as_lists("links", rows).equals(rows)  # a table without packed columns
    row = portable_row("embeddings", ["insight_id", "vector"], (1, fields[0]))
    assert row == (1, vectors[0].tolist())


def test_the_index_reads_the_same_chunk_from_either_dialect(store):
    from insights import InsightIn, KnowledgeBase
    from tests.doubles import HashingEmbedder

    kb = KnowledgeBase.open(store, embedder=HashingEmbedder())
    try:
        kb.add_many([InsightIn(text=f"parcel {i} left at the wrong door") for i in range(30)])
        kb.curation.delete(3)
        (chunk,) = list(kb.repos.vectors.iter_index(kb.embedder.model_id))
        assert chunk.ids.tolist() == [i for i in range(1, 31) if i != 3]
        assert chunk.vectors.shape == (29, 384) and chunk.vectors.dtype == np.float32
        expected = HashingEmbedder().embed(
            [f"parcel {i - 1} left at the wrong door" for i in chunk.ids]
        )
        assert np.allclose(chunk.vectors, expected, atol=1e-6)
        assert chunk.texts[0] == "parcel 0 left at the wrong door" and chunk.languages[0] == "en"
        one = kb.repos.vectors.index_rows(kb.embedder.model_id, [5, 3])
        assert one is not None and one.ids.tolist() == [5]
    finally:
        kb.close()


def test_migration_004_packs_the_vectors_a_database_already_holds(postgres_url):
    import psycopg

    from tests.conftest import ROOT

    folder = ROOT / "storage" / "migrations" / "postgresql"
    vectors = np.random.default_rng(9).normal(size=(3, 5)).astype(np.float32)
    with psycopg.connect(postgres_url, autocommit=True) as raw:  # a database of before 004
        raw.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for script in sorted(folder.glob("00[1-3]_*.sql")):
            raw.execute(script.read_text(encoding="utf-8"))
            raw.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                [int(script.name[:3]), script.name],
            )
        for i, vector in enumerate(vectors):
            raw.execute(
                "INSERT INTO embeddings VALUES (%s, 'm', 'h', %s, %s)",
                [i + 1, vector.tolist(), [] if i == 2 else (vector * 2).tolist()],
            )
    db = open_database(postgres_url)  # applies 004
    try:
        with db.read() as cur:
            rows = cur.execute(
                "SELECT vector, smooth FROM embeddings ORDER BY insight_id"
            ).fetchall()
        assert np.array_equal(unpack_rows([r[0] for r in rows]), vectors)
        assert np.array_equal(unpack_rows([r[1] for r in rows[:2]]), vectors[:2] * 2)
        assert rows[2][1] == b""
    finally:
        db.close()
