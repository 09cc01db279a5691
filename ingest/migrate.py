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

from insights.migration import move_database
from vocabulary.errors import BackupError, OivallusError
from vocabulary.settings import is_postgres


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
        copied, checked = move_database(args.source, args.target, _progress)
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
