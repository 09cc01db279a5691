"""Uploaded files kept on the server between the preview and the import (and for a resume).

They hold personal data before scrubbing, so they live in a folder only the server's user can
open (0700, files 0600) beside the knowledge base, one folder per knowledge base rather than
one shared /tmp folder, and they do not outlive their use: a file is deleted once its import
has finished, and any file older than KEEP_HOURS (an import left cancelled, or never started)
is deleted by the jobs (ingest/jobs.py) and whenever a new upload is kept.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from vocabulary.settings import data_dir_for

KEEP_HOURS = 24


def folder_for(target: str | Path) -> Path:
    """The private uploads folder of the knowledge base `target` (made when missing); raises
    OSError when something else (a link, a file) stands in its place."""
    folder = data_dir_for(target) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = folder.lstat()
    if stat.S_ISLNK(found.st_mode) or not stat.S_ISDIR(found.st_mode):
        raise OSError(f"{folder} is a link or not a folder: remove it")
    os.chmod(folder, 0o700)
    return folder


def keep(folder: Path, key: str, name: str, data: bytes) -> Path:
    """Write an upload as FOLDER/KEY-NAME (0600) unless it is there already; returns its path.
    Old uploads are deleted first."""
    prune(folder)
    safe_key = "".join(c for c in key if c.isalnum() or c in "-_")[:80]
    path = folder / f"{safe_key}-{Path(name).name}"
    if not path.exists():
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        with os.fdopen(os.open(path, flags, 0o600), "wb") as out:
            out.write(data)
    return path


def discard(path: Path, folder: Path) -> None:
    """Delete an upload once its import has finished (a path outside `folder` is left alone:
    a file picked from the import folder is moved by the jobs instead)."""
    if path.parent.resolve() == folder.resolve():
        path.unlink(missing_ok=True)


def prune(folder: Path, older_than_hours: float = KEEP_HOURS, now: float | None = None) -> int:
    """Delete uploads older than `older_than_hours`; returns how many."""
    if not folder.is_dir():
        return 0
    limit = (now or time.time()) - older_than_hours * 3600
    removed = 0
    for path in folder.iterdir():
        try:
            if path.lstat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
