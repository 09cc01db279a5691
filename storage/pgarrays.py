"""Vectors in PostgreSQL's binary array format, encoded and decoded with NumPy.

psycopg turns a REAL[] into a Python list one float at a time (a million insights carry some
768 million of them): writing 100,000 vectors through text COPY took minutes, reading them back
most of an open. Here a whole batch of vectors becomes the binary form the server reads in one
NumPy pass, and a binary REAL[] result is read with one `frombuffer` per row.

The format (array_send): int32 dimensions, int32 has-nulls flag, uint32 element type, per
dimension int32 length and int32 lower bound, then per element int32 length and the value.

The vectors of the index itself (`PACKED`) are not REAL[] in PostgreSQL but BYTEA holding the
float32 values one after another, big-endian (float4send's order): the server sends bytes as
they are, where array_send converts each float on its own (measured, 100,000 rows of two
768-d vectors: 11.6 s of the server's time as REAL[], 1.1 s as BYTEA). Elsewhere (backups,
the move between dialects, checksums) they appear as lists of floats, as DuckDB holds them.
"""

from __future__ import annotations

import struct

import numpy as np
import pyarrow as pa
from psycopg.adapt import Loader
from psycopg.pq import Format

FLOAT4_OID, FLOAT8_OID = 700, 701
FLOAT4_ARRAY_OID, FLOAT8_ARRAY_OID = 1021, 1022
_ELEMENTS: dict[int, np.dtype] = {FLOAT4_OID: np.dtype(">f4"), FLOAT8_OID: np.dtype(">f8")}
_HEADER = struct.Struct(">iiIii")
_PACKED_FLOAT = np.dtype(">f4")
# table -> its columns kept as packed float32 bytes in PostgreSQL (migration 004)
PACKED: dict[str, frozenset[str]] = {"embeddings": frozenset({"vector", "smooth"})}


def float_type_oid(value_type: pa.DataType) -> int | None:
    """The element type a list of this Arrow type is sent as, or None where it is not floats."""
    if value_type == pa.float32():
        return FLOAT4_OID
    if value_type == pa.float64():
        return FLOAT8_OID
    return None


def encode_lists(column: pa.Array, element_oid: int) -> list[bytes | None]:
    """Each row of an Arrow list-of-floats column as one binary array field (None for null)."""
    element = _ELEMENTS[element_oid]
    lengths = _lengths(column)
    if column.null_count == 0 and len(column) and (lengths == lengths[0]).all():
        return _encode_fixed(column, element, element_oid, int(lengths[0]))
    values = column.flatten().to_numpy(zero_copy_only=False)
    out: list[bytes | None] = []
    start = 0
    for row, length in enumerate(lengths):
        if not column[row].is_valid:
            out.append(None)
            continue
        out.append(_encode_one(values[start : start + length], element, element_oid))
        start += length
    return out


def _lengths(column: pa.Array) -> np.ndarray:
    offsets = column.offsets.to_numpy(zero_copy_only=False)
    return np.diff(offsets)


def _encode_fixed(column: pa.Array, element: np.dtype, oid: int, dim: int) -> list[bytes | None]:
    rows = len(column)
    if dim == 0:  # empty arrays: no dimensions, header only
        return [struct.pack(">iiI", 0, 0, oid)] * rows
    layout = np.dtype([("header", "V20"), ("items", [("size", ">i4"), ("value", element)], dim)])
    packed = np.zeros(rows, dtype=layout)
    packed["header"] = np.frombuffer(_HEADER.pack(1, 0, oid, dim, 1), dtype="V20")[0]
    packed["items"]["size"] = element.itemsize
    values = column.flatten().to_numpy(zero_copy_only=False)
    packed["items"]["value"] = values.reshape(rows, dim)
    data = packed.tobytes()
    width = layout.itemsize
    return [data[i * width : (i + 1) * width] for i in range(rows)]


def _encode_one(values: np.ndarray, element: np.dtype, oid: int) -> bytes:
    if not len(values):
        return struct.pack(">iiI", 0, 0, oid)
    items = np.empty(len(values), dtype=[("size", ">i4"), ("value", element)])
    items["size"] = element.itemsize
    items["value"] = values
    return _HEADER.pack(1, 0, oid, len(values), 1) + items.tobytes()


def decode_array(data: bytes | memoryview) -> np.ndarray | None:
    """A binary float array as a NumPy vector (native byte order); None where it holds a null
    (the caller then takes psycopg's own loader)."""
    dims, has_null, oid = struct.unpack_from(">iiI", data)
    element = _ELEMENTS.get(oid)
    if element is None or has_null or dims > 1:
        return None
    if dims == 0:
        return np.empty(0, dtype=element.newbyteorder("="))
    count = struct.unpack_from(">i", data, 12)[0]
    items = np.frombuffer(data, dtype=[("size", ">i4"), ("value", element)], count=count, offset=20)
    return items["value"].astype(element.newbyteorder("="))


class FloatArrayLoader(Loader):
    """Loads a binary REAL[] or DOUBLE PRECISION[] result as a NumPy vector."""

    format = Format.BINARY

    def __init__(self, oid: int, context=None) -> None:
        super().__init__(oid, context)
        self._context = context

    def load(self, data) -> np.ndarray:
        found = decode_array(data)
        if found is not None:
            return found
        from psycopg.types.array import ArrayBinaryLoader  # nulls inside: the general loader

        return np.asarray(ArrayBinaryLoader(self.oid, self._context).load(data), dtype=float)


def register_loaders(cursor) -> None:
    """Read float arrays of this cursor's binary results as NumPy vectors."""
    for oid in (FLOAT4_ARRAY_OID, FLOAT8_ARRAY_OID):
        cursor.adapters.register_loader(oid, FloatArrayLoader)


def list_column(values: list) -> pa.Array:
    """A result column as Arrow; vectors loaded as NumPy become one list array at once."""
    if values and all(isinstance(v, np.ndarray) for v in values):
        lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
        offsets = np.zeros(len(values) + 1, dtype=np.int32)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.concatenate(values) if len(values) else np.empty(0)
        return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat))
    if any(isinstance(v, np.ndarray) for v in values):
        values = [v.tolist() if isinstance(v, np.ndarray) else v for v in values]
    return pa.array(values)


def pack_rows(matrix: np.ndarray) -> list[bytes]:
    """Each row of a float matrix as the bytes a packed column holds."""
    rows = np.ascontiguousarray(matrix, dtype=_PACKED_FLOAT).reshape(len(matrix), -1)
    data, width = rows.tobytes(), rows.shape[1] * _PACKED_FLOAT.itemsize
    return [data[i * width : (i + 1) * width] for i in range(len(rows))]


def unpack_rows(fields: list[bytes]) -> np.ndarray:
    """Packed vectors of equal length as one float32 matrix (rows, dim)."""
    if not fields:
        return np.zeros((0, 0), dtype=np.float32)
    width = len(fields[0])
    if any(len(field) != width for field in fields) or width % _PACKED_FLOAT.itemsize:
        raise ValueError("stored vectors of one model differ in length: re-embed them")
    flat = np.frombuffer(b"".join(fields), dtype=_PACKED_FLOAT)
    return flat.reshape(len(fields), -1).astype(np.float32)


def _floats(field: bytes) -> np.ndarray:
    return np.frombuffer(field, _PACKED_FLOAT).astype(np.float32)


def as_lists(table: str, rows: pa.Table) -> pa.Table:
    """A table's rows as read from PostgreSQL, its packed columns as lists of float32."""
    for name in PACKED.get(table, ()):
        index = rows.schema.get_field_index(name)
        if index >= 0 and pa.types.is_binary(rows.schema.field(index).type):
            values = rows.column(index).to_pylist()
            column = pa.array(
                [None if v is None else _floats(v) for v in values], pa.list_(pa.float32())
            )
            rows = rows.set_column(index, name, column)
    return rows


def as_packed(table: str, rows: pa.Table) -> pa.Table:
    """Rows to write to a PostgreSQL table, its packed columns from lists of floats to bytes."""
    for name in PACKED.get(table, ()):
        index = rows.schema.get_field_index(name)
        if index >= 0 and not pa.types.is_binary(rows.schema.field(index).type):
            values = rows.column(index).to_pylist()
            column = pa.array(
                [None if v is None else np.asarray(v, _PACKED_FLOAT).tobytes() for v in values],
                pa.binary(),
            )
            rows = rows.set_column(index, name, column)
    return rows


def portable_row(table: str, columns: list[str], row: tuple) -> tuple:
    """A row as read from either dialect, its packed vectors as lists of floats (what DuckDB
    gives), so that the same rows compare equal across dialects."""
    packed = PACKED.get(table)
    if not packed:
        return row
    return tuple(
        _floats(value).tolist() if name in packed and isinstance(value, bytes) else value
        for name, value in zip(columns, row, strict=True)
    )
