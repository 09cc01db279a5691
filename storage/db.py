"""The DuckDB connection: migrations at open, a cursor per operation, one lock for writes."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

_MIGRATIONS = "migrations"


class Database:
    """One DuckDB file, opened once per process; every multi-row write is one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # DuckDB's buffer pool defaults to 80 % of RAM; the in-memory index holds what search
        # needs, so a small pool keeps the whole process within its memory target.
        memory = os.environ.get("OIVALLUS_DUCKDB_MEMORY", "128MB")
        try:
            self._connection = duckdb.connect(self.path, config={"memory_limit": memory})
        except duckdb.IOException as error:
            from insights.errors import DatabaseInUse, StorageFailure  # (insights imports us)

            if "lock" in str(error).lower():
                raise DatabaseInUse(
                    f"{self.path} is in use by another Oivallus process (the app started by "
                    "`make run`, or another job). Stop that process first, or do this in the "
                    "app (Import page, Admin page)."
                ) from None
            raise StorageFailure(f"{self.path} cannot be opened: {_first_line(error)}") from None
        self._write_lock = threading.RLock()
        # Bumped by every committed write: a cheap "has anything changed?" for caches.
        self.generation = 0
        self._migrate()

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            applied = {
                row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()
            }
            folder = resources.files(__package__) / _MIGRATIONS
            scripts = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
            for script in scripts:
                version = int(script.name.split("_", 1)[0])
                if version in applied:
                    continue
                cur.execute(script.read_text(encoding="utf-8"))
                cur.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [version, script.name],
                )

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read operation (safe from any thread)."""
        cur = self._connection.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction, holding the write lock: all of it lands or none."""
        with self._write_lock:
            cur = self._connection.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException as error:
                with contextlib.suppress(duckdb.Error):  # a failed COMMIT has rolled back itself
                    cur.execute("ROLLBACK")
                cur.close()
                if isinstance(error, duckdb.IOException | duckdb.OutOfMemoryException):
                    from insights.errors import StorageFailure  # (insights imports us)

                    raise StorageFailure(
                        "the change could not be written to the database file "
                        f"({_first_line(error)}); nothing of it was stored. Free disk space "
                        "(or memory) and try again."
                    ) from None
                raise
            cur.close()
            self.generation += 1

    @property
    def write_lock(self) -> threading.RLock:
        """Held by writers; callers that must keep in-memory state in step with a write take it."""
        return self._write_lock

    def close(self) -> None:
        """Checkpoint and close the file."""
        with self._write_lock:
            self._connection.close()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def add_range(clauses: list[str], params: list, expression: str, start, end) -> None:
    """Append "expression between start and end" (either bound optional) to a WHERE clause
    list; `expression` is SQL written by us, the bounds travel as parameters."""
    if start is not None:
        clauses.append(f"{expression} >= ?")
        params.append(start)
    if end is not None:
        clauses.append(f"{expression} <= ?")
        params.append(end)
