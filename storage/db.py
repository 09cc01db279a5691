"""The database connection (DuckDB file or PostgreSQL server): migrations at open, a cursor
per operation, one lock for writes in this process."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from storage.cursor import Cursor
from vocabulary import settings

_MIGRATIONS = "migrations"


class Database:
    """One knowledge base store, opened once per process; every multi-row write is one
    transaction. The dialects differ in how they connect; the unit of work is shared."""

    dialect = ""
    insertion_order = ""  # a column that orders an append-only table's rows as they came
    path = ""
    errors: tuple[type[BaseException], ...] = ()  # the driver's own errors
    storage_errors: tuple[type[BaseException], ...] = ()  # disk or memory full, server gone

    def _setup_unit_of_work(self) -> None:
        self._write_lock = threading.RLock()
        self._local = threading.local()  # this thread's open unit of work, if any
        # Bumped by every committed write (and, on a shared server, by every change seen from
        # another process): a cheap "has anything changed?" for caches.
        self.generation = 0

    # What each dialect provides.
    def _read_cursor(self) -> Iterator[Cursor]:
        raise NotImplementedError

    def _write_cursor(self) -> Cursor:
        raise NotImplementedError

    def _release_write_cursor(self, cursor: Cursor) -> None:
        cursor.close()

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            self._lock_migrations(cur)
            applied = {
                row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()
            }
            folder = resources.files(__package__) / _MIGRATIONS / self.dialect
            scripts = sorted(
                (f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name
            )
            for script in scripts:
                version = int(script.name.split("_", 1)[0])
                if version in applied:
                    continue
                cur.execute(script.read_text(encoding="utf-8"))
                cur.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [version, script.name],
                )

    def _lock_migrations(self, cur: Cursor) -> None:
        """Keep two processes opening a new database at once from migrating it twice."""

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """A cursor of its own for one read operation (safe from any thread); inside this
        thread's open transaction, that transaction's cursor, so a unit of work reads its own
        writes."""
        joined = getattr(self._local, "unit", None)
        if joined is not None:
            yield joined.cursor
            return
        yield from self._read_cursor()

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """A cursor inside one transaction, holding the write lock: all of it lands or none.

        A transaction opened while this thread has one open joins it (one unit of work: the
        outermost commits, and any failure rolls all of it back). Work registered with
        `after_commit` runs once the outermost COMMIT succeeded, work registered with
        `on_rollback` when it rolled back instead.
        """
        joined = getattr(self._local, "unit", None)
        if joined is not None:
            yield joined.cursor
            return
        with self._write_lock:
            unit = _Unit(self._write_cursor())
            self._local.unit = unit
            try:
                unit.cursor.execute("BEGIN TRANSACTION")
                yield unit.cursor
                unit.cursor.execute("COMMIT")
            except BaseException as error:
                with contextlib.suppress(*self.errors):  # a failed COMMIT has rolled back itself
                    unit.cursor.execute("ROLLBACK")
                self._local.unit = None
                self._release_write_cursor(unit.cursor)
                for undo in reversed(unit.on_rollback):
                    with contextlib.suppress(Exception):  # the first error is the one to tell
                        undo()
                if isinstance(error, self.storage_errors):
                    from vocabulary.errors import StorageFailure  # (insights imports us)

                    raise StorageFailure(
                        "the change could not be written to the database ({problem}); nothing "
                        "of it was stored. Free disk space (or memory), check that the database "
                        "server runs, and try again.",
                        problem=_first_line(error),
                    ) from None
                raise
            self._local.unit = None
            self._release_write_cursor(unit.cursor)
            self.generation += 1
            for work in unit.after_commit:
                work()

    def after_commit(self, work: Callable[[], None]) -> None:
        """Run `work` once this thread's open transaction has committed (at once without one):
        for in-memory state that must never run ahead of the database."""
        unit = getattr(self._local, "unit", None)
        if unit is None:
            work()
        else:
            unit.after_commit.append(work)

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Run `undo` if this thread's open transaction rolls back (for in-memory state that a
        unit of work had to change before its end, such as index rows its own links need)."""
        unit = getattr(self._local, "unit", None)
        if unit is not None:
            unit.on_rollback.append(undo)

    @property
    def write_lock(self) -> threading.RLock:
        """Held by writers; callers that must keep in-memory state in step with a write take it."""
        return self._write_lock

    @property
    def shared(self) -> bool:
        """Whether other processes may write to this database at the same time."""
        return False

    def hold(self, kind: int, key: int) -> None:
        """Mark (kind, key) as held by this process until `release` or until it ends (an
        import it runs). Only one process opens a DuckDB file: nothing to mark there."""

    def release(self, kind: int, key: int) -> None:
        """Give up what `hold` marked."""

    def try_hold(self, kind: int, key: int) -> bool:
        """`hold` unless another process holds (kind, key) already; whether this one does."""
        return True

    def held_elsewhere(self, kind: int, key: int) -> bool:
        """Whether a live process (another one) holds (kind, key)."""
        return False

    def serialise(self, cur: Cursor, kind: int, key: int = 0) -> None:
        """Inside a transaction: wait for, then hold until it ends, the lock of (kind, key), so
        that units doing this kind of change (read, check, write) run one after another in
        every process. One DuckDB file has one process, whose write lock the unit holds
        already."""

    def close(self) -> None:
        """Close the connection(s)."""
        raise NotImplementedError


class DuckDatabase(Database):
    """One DuckDB file: the embedded default, one process at a time."""

    dialect = "duckdb"
    insertion_order = "rowid"
    errors = (duckdb.Error,)
    storage_errors = (duckdb.IOException, duckdb.OutOfMemoryException)

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # DuckDB's buffer pool defaults to 80 % of RAM; the in-memory index holds what search
        # needs, so a small pool keeps the whole process within its memory target.
        memory = settings.current().duckdb_memory
        try:
            self._connection = duckdb.connect(self.path, config={"memory_limit": memory})
        except duckdb.IOException as error:
            from vocabulary.errors import DatabaseInUse, StorageFailure  # (insights imports us)

            if "lock" in str(error).lower():
                raise DatabaseInUse(
                    "{path} is in use by another Oivallus process (the app started by "
                    "`make run`, or another job). While the app runs, let it do the work: drop "
                    "files into its import folder ($OIVALLUS_IMPORT_DIR, default data/imports), "
                    "find the weekly digests in data/digests and nightly backups in "
                    "data/backups, or use the Import and Admin pages; else stop the app first. "
                    "Several processes at once need PostgreSQL (OIVALLUS_DB=postgresql://...)",
                    path=self.path,
                ) from None
            raise StorageFailure(
                "{path} cannot be opened: {problem}", path=self.path, problem=_first_line(error)
            ) from None
        if self.path != ":memory:":  # personal data: only the server's user reads the file
            for file in (Path(self.path), Path(self.path + ".wal")):
                if file.is_file() and not file.is_symlink():
                    file.chmod(0o600)
        self._setup_unit_of_work()
        self._migrate()

    def _read_cursor(self) -> Iterator[Cursor]:
        cur = self._connection.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _write_cursor(self) -> Cursor:
        return self._connection.cursor()

    def close(self) -> None:
        """Checkpoint and close the file."""
        with self._write_lock:
            self._connection.close()


class _Unit:
    """One open transaction: its cursor, and what to do after it commits or rolls back."""

    __slots__ = ("cursor", "after_commit", "on_rollback")

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.after_commit: list[Callable[[], None]] = []
        self.on_rollback: list[Callable[[], None]] = []


def _first_line(error: BaseException) -> str:
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
