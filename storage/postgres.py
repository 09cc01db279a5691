"""PostgreSQL as the store of several app servers and jobs at once.

The repositories write their SQL once, in the dialect DuckDB and PostgreSQL share; this module
gives PostgreSQL the cursor the repositories expect (DuckDB's `?` and `$name` parameters,
`register` of an Arrow table as a table to select from, `fetchnumpy`, Arrow results; vectors in
binary form, storage/pgarrays.py). What the two dialects cannot share lives in each dialect's
migrations and, for the few statements written twice, beside the other spelling.
"""

from __future__ import annotations

import queue
import re
import secrets
from collections.abc import Iterator, Sequence

import numpy as np
import psycopg
import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from storage.pgarrays import encode_lists, float_type_oid, list_column, register_loaders

_IDLE_CONNECTIONS = 8
# One pass over the SQL: quoted strings and dollar-quoted bodies are kept, `?` and `$name`
# become psycopg's placeholders, and a literal % is doubled.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|\?|\$[A-Za-z_]\w*|%", re.S)
_TYPES = {
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.int16(): "SMALLINT",
    pa.float64(): "DOUBLE PRECISION",
    pa.float32(): "REAL",
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.bool_(): "BOOLEAN",
    pa.binary(): "BYTEA",
    pa.date32(): "DATE",
    pa.timestamp("us"): "TIMESTAMP",
}


def placeholders(sql: str) -> str:
    """DuckDB's parameter marks in psycopg's spelling (`?` -> `%s`, `$name` -> `%(name)s`)."""

    def swap(match: re.Match) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if token.startswith("$") and not token.startswith("$$"):
            return f"%({token[1:]})s"
        return token.replace("%", "%%") if token[0] == "'" else token

    return _TOKENS.sub(swap, sql)


def _plain(value):
    """Parameters as psycopg adapts them: NumPy scalars and arrays become Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _params(params):
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: _plain(v) for k, v in params.items()}
    return [_plain(v) for v in params]


def _is_list(field: pa.Field) -> bool:
    return pa.types.is_list(field.type) or pa.types.is_large_list(field.type)


def _column_type(field: pa.Field) -> str:
    if _is_list(field):
        inner = _TYPES.get(field.type.value_type)
        if inner is None:
            raise TypeError(f"no PostgreSQL type for a list of {field.type.value_type}")
        return inner + "[]"
    if pa.types.is_timestamp(field.type):
        return "TIMESTAMP"
    found = _TYPES.get(field.type)
    if found is None:
        raise TypeError(f"no PostgreSQL type for {field.name}: {field.type}")
    return found


class _Result:
    """What `cursor.sql(...)` gives in DuckDB: the result as Arrow (float arrays read as NumPy,
    storage/pgarrays.py, so a million vectors do not pass through Python floats)."""

    def __init__(self, cursor: PgCursor, sql: str, params) -> None:
        self._cursor, self._sql, self._params = cursor, sql, params

    def _run(self) -> PgCursor:
        raw = self._cursor.raw.connection.cursor(binary=True)  # the same transaction
        register_loaders(raw)
        return PgCursor(raw).execute(self._sql, self._params)

    def to_arrow_table(self) -> pa.Table:
        cursor = self._run()
        try:
            return _arrow(cursor.raw.description, cursor.fetchall())
        finally:
            cursor.close()

    def to_arrow_reader(self, chunk: int) -> Iterator[pa.RecordBatch]:
        """The result chunk by chunk through a server-side cursor (a client-side one would
        hold the whole result here: 6 GB for a million insights' vectors)."""
        connection = self._cursor.raw.connection
        with connection.transaction():  # a server-side cursor lives in a transaction
            raw = connection.cursor(name=f"oivallus_reader_{id(self)}", binary=True)
            register_loaders(raw)
            cursor = PgCursor(raw).execute(self._sql, self._params)
            try:
                while rows := cursor.raw.fetchmany(chunk):
                    yield from _arrow(cursor.raw.description, rows).combine_chunks().to_batches()
            finally:
                cursor.close()


def _arrow(description, rows: list[tuple]) -> pa.Table:
    names = [c.name for c in description or ()]
    return pa.table({name: list_column([row[i] for row in rows]) for i, name in enumerate(names)})


class PgCursor:
    """A psycopg cursor that speaks to the repositories as a DuckDB cursor does."""

    def __init__(self, raw: psycopg.Cursor) -> None:
        self.raw = raw

    def execute(self, sql: str, params=None) -> PgCursor:
        if params is None or (not isinstance(params, dict) and len(params) == 0):
            if ";" in sql.strip().rstrip(";"):  # a script (a migration): the simple protocol
                with self.raw.connection.cursor() as script:
                    script.execute(sql)
                self.raw.execute("SELECT 1 WHERE false")  # what the caller fetches: nothing
            else:
                self.raw.execute(sql)  # no parameters: psycopg reads no placeholders in it
        else:
            self.raw.execute(placeholders(sql), _params(params))
        return self

    def executemany(self, sql: str, rows: Sequence) -> PgCursor:
        self.raw.executemany(placeholders(sql), [_params(r) for r in rows])
        return self

    def sql(self, sql: str, params=None) -> _Result:
        return _Result(self, sql, params)

    @property
    def description(self):
        """The result's columns (each indexable as DuckDB's: [0] is the name), None if none."""
        return self.raw.description

    def fetchall(self) -> list[tuple]:
        return self.raw.fetchall() if self.raw.description else []

    def fetchmany(self, size: int) -> list[tuple]:
        return self.raw.fetchmany(size) if self.raw.description else []

    def fetchone(self):
        return self.raw.fetchone() if self.raw.description else None

    def fetchnumpy(self) -> dict[str, np.ndarray]:
        names = [c.name for c in self.raw.description or ()]
        rows = self.raw.fetchall()
        return {name: np.asarray([row[i] for row in rows]) for i, name in enumerate(names)}

    def register(self, name: str, table: pa.Table, like: str | None = None) -> None:
        """Make an Arrow table selectable under `name` for this transaction (a temporary table
        filled by COPY, PostgreSQL's fast path for many rows); with `like`, typed as that table."""
        self.raw.execute(f"DROP TABLE IF EXISTS {name}")
        if like is not None:
            self.raw.execute(f'CREATE TEMPORARY TABLE {name} (LIKE "{like}")')
        else:
            columns = ", ".join(f'"{f.name}" {_column_type(f)}' for f in table.schema)
            self.raw.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
        names = ", ".join(f'"{n}"' for n in table.schema.names)
        if like is not None:  # typed by that table: text COPY lets the server convert
            with self.raw.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for batch in table.to_batches(max_chunksize=10_000):
                    for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                        copy.write_row(row)
            return
        # Typed by the Arrow schema: binary COPY, float lists packed by NumPy (sent as bytea,
        # which in binary COPY is the field's bytes as they are).
        floats = [float_type_oid(f.type.value_type) if _is_list(f) else None for f in table.schema]
        types = [
            "bytea" if oid else _column_type(f).lower()
            for f, oid in zip(table.schema, floats, strict=True)
        ]
        with self.raw.copy(f"COPY {name} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for batch in table.to_batches(max_chunksize=10_000):
                values = [
                    encode_lists(column, oid) if oid else column.to_pylist()
                    for column, oid in zip(batch.columns, floats, strict=True)
                ]
                for row in zip(*values, strict=True):
                    copy.write_row(row)

    def unregister(self, name: str) -> None:
        self.raw.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        self.raw.close()


class PostgresDatabase(Database):
    """A PostgreSQL database shared by every app server and job of one knowledge base.

    Reads take a connection from a small pool of this process (autocommit, so each read sees
    the latest committed state); writes go through one connection under this process's write
    lock, in one transaction each. Other processes write at the same time: constraints, not
    locks in Python, keep their rows consistent (one vote per person is a primary key).
    """

    dialect = "postgresql"
    insertion_order = "ctid"  # rows of an append-only table lie in the order they came
    errors = (psycopg.Error,)
    storage_errors = (psycopg.OperationalError, psycopg.errors.DiskFull)

    def __init__(self, url: str) -> None:
        self.path = url
        self.url = url
        # Marks this process's writes in the change feed, so it does not apply them twice.
        self.origin = secrets.token_hex(8)
        self._idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue()
        self._held: set[tuple[int, int]] = set()  # locks `try_hold` took
        try:
            self._writer = self._connect(autocommit=True)
        except psycopg.OperationalError as error:
            from vocabulary.errors import StorageFailure  # (insights imports us)

            raise StorageFailure(
                "the PostgreSQL server of {url} cannot be reached: {problem}",
                url=_redacted(url),
                problem=str(error).strip().splitlines()[0][:300],
            ) from None
        self._writer.execute("SELECT set_config('oivallus.origin', %s, false)", [self.origin])
        self._setup_unit_of_work()
        self._migrate()

    def _connect(self, autocommit: bool) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=autocommit, connect_timeout=10)

    def _lock_migrations(self, cur: Cursor) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(80801)")  # held until this transaction ends

    def _read_cursor(self) -> Iterator[Cursor]:
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            connection = self._connect(autocommit=True)
        cur = PgCursor(connection.cursor(binary=True))
        try:
            yield cur
        finally:
            cur.close()
            if connection.broken or connection.closed or self._idle.qsize() >= _IDLE_CONNECTIONS:
                connection.close()
            else:
                self._idle.put(connection)

    def _write_cursor(self) -> PgCursor:
        if self._writer.broken or self._writer.closed:  # the server restarted: connect again
            self._writer = self._connect(autocommit=True)
            self._writer.execute("SELECT set_config('oivallus.origin', %s, false)", [self.origin])
        return PgCursor(self._writer.cursor(binary=True))

    @property
    def shared(self) -> bool:
        return True

    def serialise(self, cur: Cursor, kind: int, key: int = 0) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(?::int, ?::int)", [kind, key])

    # Session advisory locks: the server drops them when a process's connection ends, so a
    # killed process's imports are seen as interrupted by the next one to look.
    def hold(self, kind: int, key: int) -> None:
        with self._write_lock:
            self._write_cursor().raw.execute(
                "SELECT pg_advisory_lock(%s::int, %s::int)", [kind, key]
            )

    def release(self, kind: int, key: int) -> None:
        with self._write_lock:
            self._write_cursor().raw.execute(
                "SELECT pg_advisory_unlock(%s::int, %s::int)", [kind, key]
            )

    def try_hold(self, kind: int, key: int) -> bool:
        if (kind, key) in self._held:
            return True
        with self._write_lock:
            got = (
                self._write_cursor()
                .raw.execute("SELECT pg_try_advisory_lock(%s::int, %s::int)", [kind, key])
                .fetchall()[0][0]
            )
        if got:
            self._held.add((kind, key))
        return bool(got)

    def held_elsewhere(self, kind: int, key: int) -> bool:
        with self.read() as cur:
            free = cur.execute(
                "SELECT pg_try_advisory_lock(?::int, ?::int)", [kind, key]
            ).fetchall()[0][0]
            if free:
                cur.execute("SELECT pg_advisory_unlock(?::int, ?::int)", [kind, key])
        return not free

    def close(self) -> None:
        with self._write_lock:
            self._writer.close()
            while True:
                try:
                    self._idle.get_nowait().close()
                except queue.Empty:
                    break


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
