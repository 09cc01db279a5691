"""Back up and restore from the command line.

    python -m ingest.backup export FOLDER [--db PATH]    a full export (Parquet + manifest.json)
    python -m ingest.backup restore FOLDER --db PATH     into a new or empty database file
    python -m ingest.backup restore FILE.oivb --db PATH  a sealed backup downloaded from the
        Admin page; the passphrase comes from $OIVALLUS_BACKUP_PASSPHRASE or is asked for

Like imports, run it while the app is stopped: DuckDB lets one process open the file.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from insights import KnowledgeBase
from insights.files.backup import export_backup, restore_backup
from vocabulary import settings
from vocabulary.errors import BackupError
from vocabulary.settings import default_db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.backup", description=__doc__)
    parser.add_argument("action", choices=["export", "restore"])
    parser.add_argument("folder")
    parser.add_argument(
        "--db", default=default_db_path(), help="DuckDB file (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        if args.action == "export":
            kb = KnowledgeBase.open(args.db)
            try:
                manifest = export_backup(kb, args.folder)
            finally:
                kb.close()
        else:
            passphrase = None
            if Path(args.folder).is_file():
                passphrase = settings.current().backup_passphrase or getpass.getpass(
                    "Passphrase of the sealed backup: "
                )
            restore_backup(args.folder, args.db, passphrase=passphrase).close()
            manifest = {"tables": {}}
    except BackupError as error:
        print(f"{args.action} failed: {error}", file=sys.stderr)
        return 1
    rows = sum(manifest["tables"].values())
    print(f"{args.action} done: {args.folder}" + (f" ({rows} rows)" if rows else ""))
    return 0


if __name__ == "__main__":
    from ingest.cli import run

    raise SystemExit(run(main))
