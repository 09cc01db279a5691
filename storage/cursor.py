"""What a repository may ask of a cursor: the part of DuckDB's cursor our SQL uses, which the
PostgreSQL cursor (storage/postgres.py, `PgCursor`) speaks as well. Type every `cur` with
`Cursor`, never with a dialect's own class: the same code runs on both.

Parameters are positional-only here, so each dialect may name its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Result(Protocol):
    """What `Cursor.sql` gives: a query whose rows are read as Arrow."""

    def to_arrow_table(self) -> Any:
        """Every row as one `pyarrow.Table`."""
        ...

    def to_arrow_reader(self, batch_size: int, /) -> Any:
        """The rows as an iterable of `pyarrow.RecordBatch`es of about `batch_size` rows."""
        ...


class Cursor(Protocol):
    """One cursor of a database: inside a unit of work (`Database.transaction`) or a read of
    its own (`Database.read`). `?` and `$name` mark parameters in both dialects."""

    def execute(self, query: str, parameters: Any = None, /) -> Cursor: ...

    def executemany(self, query: str, parameters: Sequence, /) -> object: ...

    def sql(self, query: str, *, params: Any = None) -> Result: ...

    @property
    def description(self) -> Any:
        """The last result's columns ([0] of each is its name), None when there is none."""
        ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def fetchmany(self, size: int, /) -> list[tuple[Any, ...]]: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchnumpy(self) -> dict[str, Any]: ...

    def register(self, name: str, table: Any, /) -> object:
        """Make an Arrow table selectable under `name` (until `unregister`)."""
        ...

    def unregister(self, name: str, /) -> object: ...

    def close(self) -> None: ...
