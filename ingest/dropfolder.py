"""The server's import folder, handled without trusting anything in it.

Others than the server may write to the folder, so any name in it may be swapped for a link
at any moment. Each run of the jobs opens the folder and its work, imported/ and failed/
folders once, refusing a link or a file in their place, and then only acts through those open
folders (`dir_fd`): a folder renamed and replaced by a link meanwhile changes nothing, since
the server keeps using the folder it opened. A file is claimed by renaming it into the private
work folder (a link moves as a link, never followed) and read there through the open folder
(`/proc/self/fd/N/NAME`); a symbolic or hard link is refused unread; names that would grow past
the system's limit are shortened; an error note is always a new file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

WORK, IMPORTED, FAILED = ".importing", "imported", "failed"
NAME_MAX = 255  # bytes of one file name (Linux, macOS)
_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


class UnsafeFolder(OSError):
    """The import folder's imported/, failed/ or work folder is a link or not a folder."""


def _fit(stem: str, tail: str) -> str:
    """`stem + tail`, the stem shortened (on a character boundary) to fit NAME_MAX bytes."""
    room = NAME_MAX - len(tail.encode())
    return stem.encode()[:room].decode(errors="ignore") + tail


class DropFolder:
    """One run's hold on the import folder `root` (a context manager): its sub-folders stay
    open until the run ends."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.fds: dict[str, int] = {}

    def __enter__(self) -> DropFolder:
        try:
            self.fds["."] = os.open(self.root, _OPEN_DIR)
            for name in (WORK, IMPORTED, FAILED):
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o700 if name == WORK else 0o777, dir_fd=self.fds["."])
                try:
                    self.fds[name] = os.open(name, _OPEN_DIR | os.O_NOFOLLOW, dir_fd=self.fds["."])
                except OSError:
                    raise UnsafeFolder(
                        f"{self.root / name} is a link or not a folder: remove it"
                    ) from None
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()

    def claimed(self) -> list[str]:
        """Files already in the work folder (left by an interrupted run), oldest name first."""
        return sorted(os.listdir(self.fds[WORK]))

    def claim(self, name: str) -> str:
        """Move `name` from the folder into the work folder; returns its name there."""
        return self._rename(name, ".", WORK)

    def path(self, name: str) -> Path:
        """Where a claimed file can be read: through the open work folder where the system
        shows open folders (Linux), else by its path."""
        pinned = Path(f"/proc/self/fd/{self.fds[WORK]}")
        return pinned / name if pinned.is_dir() else self.root / WORK / name

    def check_plain(self, name: str) -> None:
        """Raise OSError unless the claimed `name` is a regular file with no other name (a hard
        link would import a file that lives outside the import folder)."""
        found = os.stat(name, dir_fd=self.fds[WORK], follow_symlinks=False)
        if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:
            raise OSError(
                f"{name} is a link (or has other names on the server) and was not read: "
                "copy the file itself into the import folder"
            )

    def keep(self, name: str) -> Path:
        """Move a claimed file into imported/; returns its path there (for retention)."""
        return self.root / IMPORTED / self._rename(name, WORK, IMPORTED)

    def fail(self, name: str, why: str) -> None:
        """Move a claimed file into failed/ with NAME.error.txt beside it; a file that cannot
        be moved there is deleted, so it is never tried again and again."""
        try:
            moved = self._rename(name, WORK, FAILED)
            self._write_new(moved, why)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fds[WORK])

    def _rename(self, name: str, source: str, target: str) -> str:
        """Rename under a name not taken in `target` (the same name again keeps both)."""
        stem, suffix = os.path.splitext(name)
        new, number = _fit(stem, suffix), 0
        while _exists(new, self.fds[target]):
            number += 1
            new = _fit(stem, f"-{int(time.time())}-{number}{suffix}")
        os.rename(name, new, src_dir_fd=self.fds[source], dst_dir_fd=self.fds[target])
        return new

    def _write_new(self, name: str, text: str) -> None:
        """Write `text` as NAME.error.txt in failed/, a new file: never through a link planted
        under that name, never over an existing file."""
        target, number = _fit(name, ".error.txt"), 0
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        while True:
            try:
                handle = os.open(target, flags, 0o644, dir_fd=self.fds[FAILED])
                break
            except FileExistsError:
                number += 1
                target = _fit(name, f".{number}.error.txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)


def _exists(name: str, folder: int) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
        return True
    except FileNotFoundError:
        return False
