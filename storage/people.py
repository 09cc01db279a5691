"""Accounts, the audit log and follows: all the SQL for them."""

from __future__ import annotations

import json
from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.people import AuditEntry, User

ROLE_CHANGES = 3  # the lock (storage.db.Database.serialise) that role changes take one by one
_USER_KEYS = (
    "username",
    "display_name",
    "role",
    "team",
    "email",
    "created_at",
    "disabled_at",
    "language",
)
_USER = f"SELECT {', '.join(_USER_KEYS)} FROM users"
_AUDIT_KEYS = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after")
_AUDIT_COLUMNS = ("id", "logged_at", *_AUDIT_KEYS[2:])


def _user(row) -> User:
    return User(**dict(zip(_USER_KEYS, row, strict=True)))


class PeopleRepository:
    """Typed access to users, audit_log and follows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_user(self, cur: Cursor, user: User, password_hash: str | None) -> None:
        """Create an account; the username is the primary key (a duplicate raises)."""
        cur.execute(
            "INSERT INTO users (username, display_name, role, team, email, password_hash,"
            " created_at, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                user.username,
                user.display_name,
                user.role,
                user.team,
                user.email,
                password_hash,
                user.created_at,
                user.language,
            ],
        )

    def user(self, username: str) -> User | None:
        """One account."""
        with self.db.read() as cur:
            rows = cur.execute(f"{_USER} WHERE username = ?", [username]).fetchall()
        return _user(rows[0]) if rows else None

    def users(self) -> list[User]:
        """Every account, by name."""
        with self.db.read() as cur:
            return [_user(r) for r in cur.execute(f"{_USER} ORDER BY username").fetchall()]

    def lock_role_changes(self, cur: Cursor) -> None:
        """Inside the caller's transaction: wait until no other unit (in any process) changes
        roles or disables accounts, and keep them waiting until this one ends."""
        self.db.serialise(cur, ROLE_CHANGES)

    def enabled_admins(self) -> list[str]:
        """Usernames of the enabled admins (inside a transaction: as that unit sees them)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT username FROM users WHERE role = 'admin' AND disabled_at IS NULL"
                " ORDER BY username"
            ).fetchall()
        return [row[0] for row in rows]

    def password_hash(self, username: str) -> str | None:
        """The stored argon2 hash of an enabled account (None when there is none)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT password_hash FROM users WHERE username = ? AND disabled_at IS NULL",
                [username],
            ).fetchall()
        return rows[0][0] if rows else None

    def update_user(self, cur: Cursor, username: str, **changes) -> None:
        """Change columns of an account (role, team, display_name, password_hash, disabled_at,
        email, language)."""
        allowed = {
            "role",
            "team",
            "display_name",
            "password_hash",
            "disabled_at",
            "email",
            "language",
        }
        assert set(changes) <= allowed, changes  # column names, never user input
        cur.execute(
            f"UPDATE users SET {', '.join(f'{k} = ?' for k in changes)} WHERE username = ?",
            [*changes.values(), username],
        )

    def count_users(self) -> int:
        """How many accounts exist."""
        with self.db.read() as cur:
            return cur.execute("SELECT count(*) FROM users").fetchall()[0][0]

    def log(
        self, cur: Cursor, actor, action, entity, entity_id, before, after, at: datetime
    ) -> None:
        """Append one entry to the audit log."""
        values = [
            at,
            actor,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            None if before is None else json.dumps(before, default=str),
            None if after is None else json.dumps(after, default=str),
        ]
        cur.execute(
            "INSERT INTO audit_log (logged_at, actor, action, entity, entity_id, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            values,
        )

    def audit(
        self, entity: str | None = None, entity_id=None, actor: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally for one entity or actor."""
        clauses, params = ["true"], []
        for column, value in (("entity", entity), ("actor", actor)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if entity_id is not None:
            clauses.append("entity_id = ?")
            params.append(str(entity_id))
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {', '.join(_AUDIT_COLUMNS)} FROM audit_log WHERE {' AND '.join(clauses)}"
                " ORDER BY id DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        out = []
        for row in rows:
            data = dict(zip(_AUDIT_KEYS, row, strict=True))
            for key in ("before", "after"):
                data[key] = json.loads(data[key]) if data[key] else None
            out.append(AuditEntry(**data))
        return out

    def follow(
        self, cur: Cursor, username: str, kind: str, target: str, on: bool, at: datetime
    ) -> None:
        """Start or stop following a theme, question or segment."""
        if on:
            cur.execute(
                "INSERT INTO follows VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [username, kind, target, at],
            )
        else:
            cur.execute(
                "DELETE FROM follows WHERE username = ? AND kind = ? AND target = ?",
                [username, kind, target],
            )

    def follows(self, username: str) -> list[tuple[str, str]]:
        """(kind, target) a person follows."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT kind, target FROM follows WHERE username = ? ORDER BY kind, target",
                [username],
            ).fetchall()

    def set_setting(self, key: str, value: str) -> None:
        """Store (or replace) a setting."""
        with self.db.transaction() as cur:
            self.put_setting(cur, key, value)

    def put_setting(self, cur: Cursor, key: str, value: str | None) -> None:
        """Store, replace or (with None) remove a setting inside the caller's unit of work."""
        if value is None:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])
            return
        cur.execute(
            "INSERT INTO settings VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def settings(self, prefix: str) -> dict[str, str]:
        """The stored settings whose key starts with `prefix`, by the rest of their key."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT key, value FROM settings WHERE starts_with(key, ?)", [prefix]
            ).fetchall()
        return {key[len(prefix) :]: value for key, value in rows}

    def setting(self, key: str, default_factory=None) -> str | None:
        """A stored setting; with `default_factory`, created on first use."""
        with self.db.read() as cur:
            rows = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
        if rows or default_factory is None:
            return rows[0][0] if rows else None
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT DO NOTHING",
                [key, default_factory()],
            )
            return cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()[0][0]
