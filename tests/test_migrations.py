"""The migrations of both dialects (storage/migrations/README.md): each dialect numbers its own
files 001, 002, ... without a gap, and both end up with the same tables and columns."""

from __future__ import annotations

import re

from storage.connect import open_database
from tests.conftest import ROOT

FOLDER = ROOT / "storage" / "migrations"
DIALECTS = ("duckdb", "postgresql")
NAME = re.compile(r"(\d{3})_[a-z0-9_]+\.sql")
ONLY_POSTGRESQL = {"changes"}  # the change feed: plumbing of a shared server (002_changes.sql)


def test_each_dialect_numbers_its_migrations_one_after_another():
    for dialect in DIALECTS:
        names = sorted(f.name for f in (FOLDER / dialect).iterdir() if f.suffix == ".sql")
        assert names, dialect
        for name in names:
            assert NAME.fullmatch(name), f"{dialect}/{name}: NNN_words.sql"
        numbers = [int(name[:3]) for name in names]
        assert numbers == list(range(1, len(numbers) + 1)), (dialect, numbers)


def _schema(target) -> dict[str, set[str]]:
    db = open_database(target)
    try:
        with db.read() as cur:
            rows = cur.execute(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c"
                " JOIN information_schema.tables t ON t.table_name = c.table_name"
                " AND t.table_schema = c.table_schema"
                " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
            ).fetchall()
    finally:
        db.close()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def test_both_dialects_end_up_with_the_same_tables_and_columns(tmp_path, postgres_url):
    duckdb = _schema(tmp_path / "fresh.duckdb")
    postgresql = _schema(postgres_url)
    for table in ONLY_POSTGRESQL:
        postgresql.pop(table)
    assert set(duckdb) == set(postgresql), set(duckdb) ^ set(postgresql)
    differ = {t: duckdb[t] ^ postgresql[t] for t in duckdb if duckdb[t] != postgresql[t]}
    assert not differ, differ
