"""Personal access tokens of the HTTP API: all the SQL for them."""

from __future__ import annotations

from datetime import datetime

from storage.cursor import Cursor
from storage.db import Database
from vocabulary.tokens import Token

_COLUMNS = "id, prefix, username, name, scopes, created_at, expires_at, last_used_at, revoked_at"


def _token(row) -> Token:
    values = dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True))
    values["scopes"] = [s for s in str(values["scopes"]).split(",") if s]
    return Token.model_validate(values)


class TokenRepository:
    """Typed access to the api_tokens table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, cur: Cursor, token: Token, secret_hash: str) -> None:
        """Record a new token by the hash of its secret."""
        cur.execute(
            "INSERT INTO api_tokens (id, secret_hash, prefix, username, name, scopes,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                token.id,
                secret_hash,
                token.prefix,
                token.username,
                token.name,
                ",".join(token.scopes),
                token.created_at,
                token.expires_at,
            ],
        )

    def by_hash(self, secret_hash: str) -> Token | None:
        """The token whose secret hashes to `secret_hash`, live or not."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM api_tokens WHERE secret_hash = ?", [secret_hash]
            ).fetchall()
        return _token(rows[0]) if rows else None

    def of(self, username: str) -> list[Token]:
        """One person's tokens, newest first."""
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM api_tokens WHERE username = ?"
                " ORDER BY created_at DESC, id",
                [username],
            ).fetchall()
        return [_token(r) for r in rows]

    def revoke(self, cur: Cursor, token_id: str, username: str, at: datetime) -> bool:
        """End one of a person's tokens; False when they have no such live token."""
        rows = cur.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND username = ?"
            " AND revoked_at IS NULL RETURNING id",
            [at, token_id, username],
        ).fetchall()
        return bool(rows)

    def touch(self, cur: Cursor, token_id: str, at: datetime) -> None:
        """Remember when a token was last used."""
        cur.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [at, token_id])
