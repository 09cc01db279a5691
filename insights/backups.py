"""Backups (`kb.backups`): a full export of everything, a write like any other (only an admin
may make one; the audit log records it). Restoring opens a new database: insights/files/backup.py.
"""

from __future__ import annotations

from pathlib import Path

from insights.acting import Acting, audited, requires
from storage.backup import export_all
from storage.db import Database
from vocabulary.people import Role


class Backups:
    """Full exports to Parquet + a JSON manifest."""

    def __init__(self, acting: Acting, db: Database) -> None:
        self.acting = acting
        self.db = db

    # Its entry follows the export (which holds the write lock while it reads every table).
    @audited("export", "backup", key=lambda backups, result, folder: str(folder), together=False)
    @requires(Role.admin)
    def export_everything(self, folder: str | Path) -> dict:
        """Write a full backup to a new folder; returns its manifest (schema version and rows
        per table)."""
        return export_all(self.db, Path(folder))
