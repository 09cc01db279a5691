"""Deleting an import's raw file (retention, erasure) without following links.

The file's folder (the import folder's imported/, or the uploads folder) may have been swapped
for a link to somewhere else since the file was recorded there: the folder is opened without
following a link and the file deleted through it, and only a regular file is deleted.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW


def delete_raw_file(path: str | Path) -> bool:
    """Delete the regular file at `path` unless its folder or the file itself is a link (or it
    is gone); returns whether it deleted it."""
    path = Path(path)
    try:
        folder = os.open(path.parent, _OPEN_DIR)
    except OSError:
        return False
    try:
        found = os.stat(path.name, dir_fd=folder, follow_symlinks=False)
        if not stat.S_ISREG(found.st_mode):
            return False
        os.unlink(path.name, dir_fd=folder)
        return True
    except OSError:
        return False
    finally:
        os.close(folder)
