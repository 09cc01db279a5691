"""Move a whole knowledge base from its DuckDB file to PostgreSQL, verified.

Usage: python -m ingest.migrate --from data/oivallus.duckdb --to postgresql://user@host/db

Every table (insights, vectors, links, votes, imports, themes, accounts, the audit log, ...)
is copied in one transaction into an empty, migrated PostgreSQL database; then each table's
row count and checksum are compared on both sides. Stop the app on the file first (one process
opens a DuckDB file); point OIVALLUS_DB at the PostgreSQL URL afterwards.
"""

from __future__ import annotations

import argparse
import sys
import time

from insights.errors import OivallusError
from storage.backup import BackupError
from storage.db import is_postgres, open_database
from storage.transfer import copy_all, verify


def main(argv: list[str] | None = None) -> int:
    """Run the move; 0 when verified, 1 with one `error:` line otherwise."""
    parser = argparse.ArgumentParser(prog="python -m ingest.migrate", description=__doc__)
    parser.add_argument("--from", dest="source", required=True, help="the DuckDB file")
    parser.add_argument("--to", dest="target", required=True, help="postgresql://... URL")
    args = parser.parse_args(argv)
    if not is_postgres(args.target):
        print("error: --to must be a postgresql:// URL", file=sys.stderr)
        return 1
    started = time.monotonic()
    try:
        source = open_database(args.source)
        target = open_database(args.target)
        try:
            copied = copy_all(source, target, _progress)
            checked = verify(source, target)
        finally:
            source.close()
            target.close()
    except (BackupError, OivallusError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    print()
    for table, (rows, digest) in sorted(checked.items()):
        print(f"  {table:<24} {rows:>10,} rows  checksum {digest}  verified")
    seconds = time.monotonic() - started
    print(f"moved {sum(copied.values()):,} rows in {seconds:.1f} s: verified, every table")
    return 0


def _progress(table: str, rows: int) -> None:
    print(f"\r  copying {table}: {rows:,} rows", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
