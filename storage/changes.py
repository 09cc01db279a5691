"""The change feed of a shared (PostgreSQL) knowledge base: which insights other processes
changed, in the order their changes were numbered.

Why a numbered table and not LISTEN/NOTIFY: a notification reaches only the processes
listening at that moment (one restarting, or whose connection dropped, misses it for good),
while rows stay until every process could read them, so a process catches up from the last
number it applied. The rows are written by triggers (migration 002), so every writer is
covered: the app, the import CLI, `ingest.migrate`, a person's own SQL.
"""

from __future__ import annotations

from storage.cursor import Cursor
from storage.db import Database

KEEP = "1 hour"  # how long rows stay for processes that fall behind


class ChangeFeed:
    """Reads (and prunes) the `changes` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def latest(self) -> int:
        """The newest change number (0 when there is none)."""
        with self.db.read() as cur:
            return cur.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchall()[0][0]

    def after(self, seq: int, limit: int = 1000) -> list[tuple[int, str, list[int]]]:
        """(number, origin, insight ids) of the changes after `seq`, oldest first."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT seq, origin, ids FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                [seq, limit],
            ).fetchall()

    def among(self, seqs: list[int]) -> list[tuple[int, str, list[int]]]:
        """The changes with these numbers that have committed by now."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT seq, origin, ids FROM changes WHERE seq IN (SELECT unnest(?::BIGINT[]))"
                " ORDER BY seq",
                [seqs],
            ).fetchall()

    def prune(self, cur: Cursor) -> None:
        """Forget changes older than every process needs."""
        cur.execute(f"DELETE FROM changes WHERE at < localtimestamp - INTERVAL '{KEEP}'")
