"""Moving a whole knowledge base from one database to another (DuckDB to PostgreSQL), verified."""

from __future__ import annotations

from collections.abc import Callable

from storage.connect import open_database
from storage.transfer import copy_all, verify


def move_database(
    source: str, target: str, progress: Callable[[str, int], None] | None = None
) -> tuple[dict[str, int], dict[str, tuple[int, str]]]:
    """Copy every table of `source` into the empty `target` and compare both sides.

    Returns (rows copied per table, (rows, checksum) per table verified); raises
    `BackupError` or `OivallusError` saying what did not match or could not be done.
    """
    source_db = open_database(source)
    target_db = open_database(target)
    try:
        copied = copy_all(source_db, target_db, progress)
        return copied, verify(source_db, target_db)
    finally:
        source_db.close()
        target_db.close()
