"""Signing in: password checks, backoff after failed attempts, and server-side sessions.

A browser keeps only a random session id (256 bits) in its cookie; the database keeps its
SHA-256, who it belongs to, when it expires (14 days at most) and whether it was revoked. Nothing
signs anything, so there is no key to steal from a backup, and a session ends for real on sign
out, a password or role change and when an account is disabled.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from vocabulary.errors import InvalidInput, OivallusError
from vocabulary.knowledge import now
from vocabulary.people import User

SESSION_DAYS = 14
MIN_PASSWORD = 10
# Failed sign-ins within this window count; past the free attempts each further one doubles
# the wait (1 s, 2 s, 4 s ... at most 15 minutes). An address (an office behind one NAT) gets
# more free attempts than one account.
WINDOW = timedelta(minutes=15)
FREE_ATTEMPTS = {"user": 5, "address": 20}
MAX_WAIT_S = 900


class SignInThrottled(OivallusError):
    """Too many failed sign-ins: wait before the next try."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            f"Too many failed sign-ins. Wait {seconds} s before trying again "
            "(or ask an admin to set a new password)."
        )
        self.seconds = seconds


def session_hash(token: str) -> str:
    """What the database keeps of a session id."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_session_id() -> str:
    """A fresh random session id for a cookie."""
    return secrets.token_urlsafe(32)


def sso_token(claims: Mapping[str, object], secret: str) -> str:
    """The session id of one single sign-on: the provider's ID token claims of that sign-in
    (issuer, subject, issued at, nonce) keyed with the server's cookie secret, the same on
    every page load of the browser that signed in, new at each sign-in, and not to be worked
    out without the secret."""
    sign_in = "|".join(str(claims.get(key, "")) for key in ("iss", "sub", "iat", "nonce"))
    return "sso-" + hmac.new(secret.encode(), sign_in.encode(), hashlib.sha256).hexdigest()[:40]


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    finnish = {
        "salasana",
        "salasana1",
        "salasana123",
        "kissa123",
        "perkele",
        "qwertyuiop",
        "kesaloma",
        "hyvinvointi",
        "suomi123",
        "oivallus",
        "oivallus123",
    }
    return frozenset(FREQUENCY_LISTS["passwords"]) | finnish


def check_password(password: str, username: str | None = None) -> None:
    """Refuse a weak password with a message saying why (raises `InvalidInput`)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            "a password needs at least {count} characters", field="password", count=MIN_PASSWORD
        )
    lowered = password.lower()
    core = lowered.rstrip("0123456789!?.#*@_- ")
    common = _common_passwords()
    if lowered in common or (len(core) >= 4 and core in common):
        raise InvalidInput(
            "this password is on a list of common passwords; choose another "
            "(a few unrelated words make a strong one)",
            field="password",
        )
    if len(set(lowered)) < 4:
        raise InvalidInput(
            "a password needs more than a few different characters", field="password"
        )
    if username and len(username) >= 3 and username.lower() in lowered:
        raise InvalidInput("a password must not contain the username", field="password")


def wait_seconds(failures: int, latest: datetime | None, kind: str, at: datetime) -> int:
    """Seconds still to wait after `failures` recent failed sign-ins (0: may try now)."""
    extra = failures - FREE_ATTEMPTS[kind]
    if extra < 0 or latest is None:
        return 0
    wait = min(2**extra, MAX_WAIT_S)
    left = wait - (at - latest).total_seconds()
    return max(0, int(left + 0.999))


@functools.cache
def _dummy_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(secrets.token_hex(16))


class SignIn:
    """Authentication and sessions over the people and session repositories."""

    def __init__(self, people, sessions) -> None:
        self.people = people
        self.sessions = sessions

    def authenticate(self, username: str, password: str, address: str | None = None) -> User | None:
        """The enabled account when the password is right, else None.

        Raises `SignInThrottled` after too many recent failures for the account or the address.
        Unknown, disabled and wrong-password attempts take the same time (a hash is always
        verified), so the answer does not tell which usernames exist.
        """
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        name = username.strip()
        subjects = [f"user:{name.lower()}"] + ([f"address:{address}"] if address else [])
        at = now()
        for subject in subjects:
            count, latest = self.sessions.failures(subject, at - WINDOW)
            wait = wait_seconds(count, latest, subject.split(":", 1)[0], at)
            if wait:
                raise SignInThrottled(wait)
        stored = self.people.password_hash(name)
        try:
            PasswordHasher().verify(stored or _dummy_hash(), password)
            ok = stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            with self.sessions.db.transaction() as cur:
                self.sessions.record_failure(cur, subjects, at)
            return None
        with self.sessions.db.transaction() as cur:
            self.sessions.clear_failures(cur, subjects[0])
        return self.people.user(name)

    def start(self, user: User, days: int = SESSION_DAYS) -> str:
        """A new session for a signed-in person; returns its id for the cookie."""
        token = new_session_id()
        at = now()
        lifetime = timedelta(days=min(days, SESSION_DAYS))
        with self.sessions.db.transaction() as cur:
            self.sessions.create(cur, session_hash(token), user.username, at, at + lifetime)
        return token

    def start_sso(self, user: User, token: str) -> str | None:
        """The session of one single sign-on (`token`: `sso_token` of its claims), started the
        first time it is seen; None once it has ended (signed out, a new role, a disabled
        account) or expired, so the provider's cookie is not honoured after that."""
        at = now()
        with self.sessions.db.transaction() as cur:
            self.sessions.create_once(
                cur, session_hash(token), user.username, at, at + timedelta(days=SESSION_DAYS)
            )
        found = self.user(token)
        return token if found is not None and found.username == user.username else None

    def user(self, token: str | None) -> User | None:
        """The enabled account of a live session (None for anything else)."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return None
        username = self.sessions.username(session_hash(token), now())
        user = self.people.user(username) if username else None
        return user if user is not None and user.disabled_at is None else None

    def end(self, token: str | None) -> None:
        """Sign one session out."""
        if token:
            with self.sessions.db.transaction() as cur:
                self.sessions.revoke(cur, session_hash(token), now())
