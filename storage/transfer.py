"""Moving a whole knowledge base from one database to another (DuckDB file -> PostgreSQL):
every table in one transaction on the target, then verified by row counts and checksums."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pyarrow as pa

from storage.backup import SEQUENCES, _quoted, _tables, insert_arrow
from storage.cursor import Cursor
from storage.db import Database
from storage.pgarrays import portable_row
from vocabulary.errors import BackupError

CHUNK = 20_000
# Tables a fresh database already holds rows of (seeded by its migrations).
SEEDED = {"choices"}


def _columns(cur: Cursor, table: str) -> list[str]:
    rows = cur.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def copy_all(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every table of `source` into the empty `target`; returns rows per table."""
    copied: dict[str, int] = {}
    with source.read() as scur, target.transaction() as tcur:
        tables = _tables(scur)
        known = set(_tables(tcur))
        for table in tables:
            if table not in known:
                raise BackupError(
                    "the target has no table {table}: update Oivallus there", table=repr(table)
                )
            if (
                table not in SEEDED
                and tcur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchall()[0][0]
            ):
                raise BackupError(
                    "the target is not empty ({table} holds rows); migrate into a new database",
                    table=table,
                )
        for table in tables:
            tcur.execute(f"DELETE FROM {_quoted(table)}")  # seeded rows: the source's replace
            columns = ", ".join(_quoted(c) for c in _columns(scur, table))
            copied[table] = 0
            for batch in scur.sql(f"SELECT {columns} FROM {_quoted(table)}").to_arrow_reader(CHUNK):
                insert_arrow(target, tcur, table, pa.Table.from_batches([batch]))
                copied[table] += batch.num_rows
                if progress:
                    progress(table, copied[table])
        for sequence, (table, column) in SEQUENCES.items():
            top = tcur.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchall()[0][0]
            current = tcur.execute(f"SELECT nextval('{sequence}')").fetchall()[0][0]
            if top >= current:
                tcur.execute(
                    f"SELECT nextval('{sequence}') FROM generate_series(1, ?)", [top - current]
                )
    return copied


def checksum(db: Database, table: str, columns: list[str]) -> tuple[int, str]:
    """(rows, checksum) of a table: an order-free sum of each row's BLAKE2 digest over the
    values as Python reads them, so the same rows in either dialect give the same sum."""
    total, rows = 0, 0
    names = ", ".join(_quoted(c) for c in columns)
    with db.read() as cur:
        cur.execute(f"SELECT {names} FROM {_quoted(table)}")
        while batch := cur.fetchmany(CHUNK):
            for row in batch:
                row = portable_row(table, columns, row)
                digest = hashlib.blake2b(repr(row).encode(), digest_size=8).digest()
                total = (total + int.from_bytes(digest, "big")) % (1 << 64)
            rows += len(batch)
    return rows, f"{total:016x}"


def verify(source: Database, target: Database) -> dict[str, tuple[int, str]]:
    """Compare every table's rows and checksum on both sides; raises on the first difference."""
    found: dict[str, tuple[int, str]] = {}
    with source.read() as cur:
        tables = {t: _columns(cur, t) for t in _tables(cur)}
    for table, columns in tables.items():
        mine, theirs = checksum(source, table, columns), checksum(target, table, columns)
        if mine != theirs:
            raise BackupError(
                "{table}: {got} rows (checksum {their_sum}) arrived, the source has {expected} "
                "(checksum {our_sum}); the target is not to be used",
                table=table,
                got=theirs[0],
                their_sum=str(theirs[1]),
                expected=mine[0],
                our_sum=str(mine[1]),
            )
        found[table] = mine
    return found
