"""Personal access tokens (`kb.tokens`): each person makes, lists and revokes their own.

A token acts exactly as its person: the HTTP API (views/api.py) finds the person with
`Tokens.person_of(secret)` and works through `kb.acting_as(person)`, so the same role checks
and audit entries apply as on the pages. The secret ("oiv_" and 43 random characters, 32
bytes) is shown once; only its SHA-256 is stored, and it never enters the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from pydantic import ValidationError

from insights.acting import Acting, PermissionDenied, requires
from storage.people import PeopleRepository
from storage.tokens import TokenRepository
from vocabulary.errors import NotFound, describe_validation_error
from vocabulary.knowledge import now
from vocabulary.people import Role, User
from vocabulary.tokens import TOKEN_PREFIX, Token, TokenIn

TOUCH_SECONDS = 60  # "last used" is written at most once a minute per token
SHOWN = len(TOKEN_PREFIX) + 4  # characters of the secret kept to tell tokens apart


def secret_hash(secret: str) -> str:
    """What is stored of a token's secret."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


class Tokens:
    """A person's own personal access tokens."""

    def __init__(self, acting: Acting, repo: TokenRepository, people: PeopleRepository) -> None:
        self.acting = acting
        self.repo = repo
        self.people = people

    def _me(self) -> User:
        if self.acting.actor is None:
            raise PermissionDenied("sign in to make or revoke a token of your own")
        return self.acting.actor

    @requires(Role.viewer)
    def create(self, wanted: TokenIn | dict) -> tuple[Token, str]:
        """A new token of the acting person; returns it and its secret (shown this once)."""
        me = self._me()
        try:
            wanted = wanted if isinstance(wanted, TokenIn) else TokenIn.model_validate(wanted)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        at = now()
        token = Token(
            id=secrets.token_hex(6),
            prefix=secret[:SHOWN],
            username=me.username,
            name=wanted.name,
            scopes=list(wanted.scopes),
            created_at=at,
            expires_at=at + timedelta(days=wanted.days),
        )
        with self.repo.db.transaction() as cur:
            self.repo.create(cur, token, secret_hash(secret))
            self.acting.log(cur, "create", "token", token.id, None, token.model_dump(mode="json"))
        return token, secret

    def mine(self) -> list[Token]:
        """The acting person's tokens, newest first (revoked and expired ones too)."""
        actor = self.acting.actor
        return self.repo.of(actor.username) if actor is not None else []

    @requires(Role.viewer)
    def revoke(self, token_id: str) -> None:
        """End one of the acting person's tokens at once; raises `NotFound` for another's."""
        me = self._me()
        with self.repo.db.transaction() as cur:
            if not self.repo.revoke(cur, token_id, me.username, now()):
                raise NotFound("You have no live token {token_id}.", token_id=repr(token_id))
            self.acting.log(cur, "revoke", "token", token_id, None, None)

    def person_of(self, secret: str | None) -> tuple[User, Token] | None:
        """The person a live token acts as, and the token; None for a missing, unknown,
        revoked or expired token, or a disabled account. Notes when it was used."""
        if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
            return None
        token = self.repo.by_hash(secret_hash(secret))
        at = now()
        if token is None or not token.live(at):
            return None
        user = self.people.user(token.username)
        if user is None or user.disabled_at is not None:
            return None
        last = token.last_used_at
        if last is None or (at - last).total_seconds() >= TOUCH_SECONDS:
            with self.repo.db.transaction() as cur:
                self.repo.touch(cur, token.id, at)
        return user, token
