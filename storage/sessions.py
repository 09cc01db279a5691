"""Sign-in sessions and failed sign-ins: all the SQL for them."""

from __future__ import annotations

from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database


class SessionRepository:
    """Typed access to the sessions and sign_in_failures tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(
        self, cur: Cursor, id_hash: str, username: str, created: datetime, expires: datetime
    ) -> None:
        """Record a new session (by the hash of its id)."""
        cur.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, NULL)", [id_hash, username, created, expires]
        )

    def create_once(
        self, cur: Cursor, id_hash: str, username: str, created: datetime, expires: datetime
    ) -> None:
        """Record a session unless one with this id was ever recorded (live, ended or expired:
        a single sign-on's session is never started twice)."""
        cur.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
            [id_hash, username, created, expires],
        )

    def username(self, id_hash: str, at: datetime) -> str | None:
        """Whose session this is, when it is neither revoked nor expired."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT username FROM sessions WHERE id_hash = ? AND revoked_at IS NULL"
                " AND expires_at > ?",
                [id_hash, at],
            ).fetchall()
        return rows[0][0] if rows else None

    def revoke(self, cur: Cursor, id_hash: str, at: datetime) -> None:
        """End one session."""
        cur.execute(
            "UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL",
            [at, id_hash],
        )

    def revoke_user(self, cur: Cursor, username: str, at: datetime) -> None:
        """End every session of one person."""
        cur.execute(
            "UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
            [at, username],
        )

    def record_failure(self, cur: Cursor, subjects: list[str], at: datetime) -> None:
        """Remember a failed sign-in for each subject ("user:NAME", "address:IP")."""
        cur.executemany("INSERT INTO sign_in_failures VALUES (?, ?)", [[s, at] for s in subjects])
        # Keep the table small: only the last day matters for backoff.
        cur.execute("DELETE FROM sign_in_failures WHERE failed_at < ? - INTERVAL '1 day'", [at])

    def failures(self, subject: str, since: datetime) -> tuple[int, datetime | None]:
        """Failed sign-ins of a subject since a moment, and the latest of them."""
        with self.db.read() as cur:
            count, latest = cur.execute(
                "SELECT count(*), max(failed_at) FROM sign_in_failures"
                " WHERE subject = ? AND failed_at >= ?",
                [subject, since],
            ).fetchall()[0]
        return count, latest

    def clear_failures(self, cur: Cursor, subject: str) -> None:
        """Forget a subject's failed sign-ins (after a successful one)."""
        cur.execute("DELETE FROM sign_in_failures WHERE subject = ?", [subject])
