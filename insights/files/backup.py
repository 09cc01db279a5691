"""Export everything to Parquet + JSON, and restore it into an empty database."""

from __future__ import annotations

from pathlib import Path

from storage.backup import restore_all
from storage.connect import open_database
from vocabulary.errors import BackupError

__all__ = ["BackupError", "export_backup", "restore_backup"]


def export_backup(kb, folder: str | Path) -> dict:
    """Write a full backup of an open knowledge base (or a view of it: only an admin's may) to
    a new folder; returns its manifest (schema version and rows per table). The same as
    `kb.backups.export_everything(folder)`."""
    return kb.backups.export_everything(folder)


def restore_backup(
    folder: str | Path, path: str | Path, embedder=None, passphrase: str | None = None
):
    """Restore a backup (a folder, or a sealed .oivb file with its passphrase) into a new or
    empty database file and open it as a KnowledgeBase."""
    import shutil
    import tempfile

    from insights.files.sealed import MAGIC, unseal_to_folder
    from insights.kb import KnowledgeBase

    source = Path(folder)
    unpacked = None
    if source.is_file():
        data = source.read_bytes()
        if not data.startswith(MAGIC):
            raise BackupError(
                "{source} is neither a backup folder nor a sealed backup", source=str(source)
            )
        if not passphrase:
            raise BackupError("a sealed backup needs its passphrase")
        unpacked = Path(tempfile.mkdtemp(prefix="oivallus-restore-"))
        try:
            unseal_to_folder(data, passphrase, unpacked / "backup")
        except Exception as error:
            shutil.rmtree(unpacked, ignore_errors=True)
            raise BackupError.like(error) from None
        source = unpacked / "backup"
    db = open_database(path)
    try:
        restore_all(db, source)
    finally:
        db.close()
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
    return KnowledgeBase.open(path, embedder=embedder)
