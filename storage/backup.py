"""Full export to Parquet (one file per table) + a JSON manifest, and restore into an empty
database file. Vectors, history, votes, imports and themes travel with the insights."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database
from storage.pgarrays import PACKED, as_lists, as_packed
from vocabulary.errors import BackupError

if TYPE_CHECKING:
    from storage.postgres import PgCursor

MANIFEST = "manifest.json"
EXPORT_CHUNK = 20_000  # rows of a table of vectors read at a time from PostgreSQL
# sequence -> (table, id column): advanced past the restored ids
SEQUENCES = {
    "insight_id_seq": ("insights", "id"),
    "study_id_seq": ("studies", "id"),
    "evidence_id_seq": ("evidence", "id"),
    "question_id_seq": ("questions", "id"),
    "import_id_seq": ("imports", "id"),
    "theme_id_seq": ("themes", "id"),
    "audit_id_seq": ("audit_log", "id"),
    "tag_id_seq": ("tags", "id"),
    "document_id_seq": ("documents", "id"),
}


def _tables(cur: Cursor) -> list[str]:
    rows = cur.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        # the change feed is PostgreSQL's own plumbing, not part of the knowledge base
        " AND table_name NOT IN ('schema_migrations', 'changes') ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_table(db: Database, cur: Cursor, table: str, file: Path) -> None:
    """One table to a Parquet file (DuckDB writes it itself; PostgreSQL's rows go through
    Arrow)."""
    if db.dialect == "duckdb":
        target = str(file).replace("'", "''")
        cur.execute(f"COPY {_quoted(table)} TO '{target}' (FORMAT parquet)")
        return
    import pyarrow.parquet as pq

    query = cur.sql(f"SELECT * FROM {_quoted(table)}")
    if table not in PACKED:
        pq.write_table(query.to_arrow_table(), file)
        return
    # The vectors (6 GB at a million 768-d insights) by chunks, never whole in memory; as
    # lists of floats, so that a backup reads the same in either dialect. Their columns are
    # never null: every chunk has the same schema.
    writer = None
    try:
        for batch in query.to_arrow_reader(EXPORT_CHUNK):
            part = as_lists(table, pa.Table.from_batches([batch]))
            writer = writer or pq.ParquetWriter(file, part.schema)
            writer.write_table(part)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no rows
        pq.write_table(as_lists(table, query.to_arrow_table()), file)


def read_table(db: Database, cur: Cursor, table: str, file: Path) -> None:
    """Append a Parquet file's rows to a table, column by name."""
    if db.dialect == "duckdb":
        source = str(file).replace("'", "''")
        cur.execute(f"INSERT INTO {_quoted(table)} BY NAME SELECT * FROM read_parquet('{source}')")
        return
    import pyarrow.parquet as pq

    insert_arrow(db, cur, table, pq.read_table(file))


def insert_arrow(db: Database, cur: Cursor, table: str, rows) -> None:
    """Append an Arrow table's rows to `table`, column by name (both dialects)."""
    columns = ", ".join(_quoted(name) for name in rows.schema.names)
    if db.dialect == "duckdb":
        cur.register("restored_rows", rows)
    else:  # typed as the table, so that a column of NULLs still has its type
        cast("PgCursor", cur).register("restored_rows", as_packed(table, rows), like=table)
    try:
        cur.execute(f"INSERT INTO {_quoted(table)} ({columns}) SELECT {columns} FROM restored_rows")
    finally:
        cur.unregister("restored_rows")


def export_all(db: Database, folder: Path) -> dict:
    """Write every table to `folder` as Parquet plus a manifest; returns the manifest."""
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)  # only the account running Oivallus reads it
    if any(folder.iterdir()):
        raise BackupError("{folder} is not empty; export into a new folder", folder=str(folder))
    with db.write_lock, db.read() as cur:  # no write lands halfway through the export
        version = cur.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
        counts = {}
        for table in _tables(cur):
            write_table(db, cur, table, folder / f"{table}.parquet")
            counts[table] = cur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchall()[0][0]
    manifest = {
        "format": "oivallus-backup",
        "schema_version": version,
        "tables": counts,
        "exported_at": datetime.now().isoformat(timespec="seconds"),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for file in folder.iterdir():  # password hashes and everyone's data: owner only
        file.chmod(0o600)
    folder.chmod(0o700)
    return manifest


def restore_all(db: Database, folder: Path) -> dict:
    """Load a backup into this (empty, migrated) database in one transaction."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise BackupError(
            "{folder} holds no readable {manifest} ({problem})",
            folder=str(folder),
            manifest=MANIFEST,
            problem=str(error),
        ) from None
    if manifest.get("format") != "oivallus-backup":
        raise BackupError("{folder} is not an Oivallus backup", folder=str(folder))
    with db.transaction() as cur:
        version = cur.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
        if manifest["schema_version"] > version:
            raise BackupError(
                "the backup is of schema {theirs}, newer than this program's {ours}; update "
                "Oivallus first",
                theirs=str(manifest["schema_version"]),
                ours=str(version),
            )
        tables = set(_tables(cur))
        if cur.execute("SELECT count(*) FROM insights").fetchall()[0][0]:
            raise BackupError("restore needs an empty database; this one holds insights")
        for table in tables:  # migrations seed some tables (choices): the backup replaces them
            cur.execute(f"DELETE FROM {_quoted(table)}")
        for table, expected in manifest["tables"].items():
            if table not in tables:
                raise BackupError(
                    "the backup has a table {table} this program does not know", table=repr(table)
                )
            read_table(db, cur, table, folder / f"{table}.parquet")
            got = cur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchall()[0][0]
            if got != expected:
                raise BackupError(
                    "{table}: {got} rows restored, the manifest says {expected}",
                    table=table,
                    got=got,
                    expected=expected,
                )
        for sequence, (table, column) in SEQUENCES.items():
            top = cur.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchall()[0][0]
            current = cur.execute(f"SELECT nextval('{sequence}')").fetchall()[0][0]
            if top >= current:
                cur.execute(
                    f"SELECT nextval('{sequence}') FROM generate_series(1, ?)", [top - current]
                )
    return manifest
