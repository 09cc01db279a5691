"""Which database a knowledge base target names, opened with its dialect's migrations applied."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database, DuckDatabase
from vocabulary.settings import is_postgres


def open_database(target: str | Path) -> Database:
    """The database a target names: `postgresql://...` a PostgreSQL server, else a DuckDB file
    (created when missing). Migrations for its dialect are applied at open."""
    if is_postgres(target):
        from storage.postgres import PostgresDatabase  # psycopg is needed only there

        return PostgresDatabase(str(target))
    return DuckDatabase(target)
