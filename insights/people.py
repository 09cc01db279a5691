"""People (`kb.people`): accounts (argon2 passwords), roles, sessions, the audit log, follows.

Who acts and the role checks on every write live in insights.acting.
"""

from __future__ import annotations

import re
import secrets

from pydantic import ValidationError

from insights.acting import Acting, PermissionDenied, requires
from insights.signin import SESSION_DAYS, SignIn, check_password, sso_token
from language.interface import LANGUAGES
from storage.connect import open_database
from storage.people import PeopleRepository
from storage.sessions import SessionRepository
from vocabulary import settings
from vocabulary.errors import InvalidInput, Message, NotFound, describe_validation_error
from vocabulary.knowledge import now
from vocabulary.people import AuditEntry, Role, User

LANDING = "landing page:"  # settings key of each role's landing page, then the role


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def ensure_admin_account(people, password: str | None = None, reset: bool = False) -> str | None:
    """Create (or with `reset`, re-key) the account "admin" in a PeopleRepository; returns a
    generated one-time password, or None when the password was given or nothing was done."""

    exists = people.user("admin") is not None
    if (people.count_users() and not reset) or (reset and not exists and people.count_users()):
        return None
    given = password or settings.current().admin_password
    chosen = given or secrets.token_urlsafe(12)
    hashed = _hasher().hash(chosen)
    with people.db.transaction() as cur:
        if exists:  # a reset gives back the admin role too, whatever was done to the account
            people.update_user(
                cur, "admin", password_hash=hashed, disabled_at=None, role=Role.admin.value
            )
        else:
            people.add_user(
                cur, User(username="admin", display_name="Administrator", role=Role.admin), hashed
            )
    return None if given else chosen


def ensure_admin_account_of(target: str, reset: bool = False) -> str | None:
    """`ensure_admin_account` on the knowledge base `target` names, opened for that alone (no
    model, no index: only the accounts table), as `make run` does before the app starts."""
    db = open_database(target)
    try:
        return ensure_admin_account(PeopleRepository(db), reset=reset)
    finally:
        db.close()


def sso_account(people, email: str, name: str | None) -> User:
    """The account of a person signed in by single sign-on (created as a viewer at first) in a
    PeopleRepository; raises `PermissionDenied` for a disabled account."""
    username = email.strip().lower()
    found = people.user(username)
    if found is None:
        found = User(
            username=username, display_name=name or username, role=Role.viewer, email=username
        )
        with people.db.transaction() as cur:
            people.add_user(cur, found, None)
            people.log(cur, username, "create", "user", username, None, {"sso": True}, now())
    if found.disabled_at is not None:
        raise PermissionDenied("the account {username} is disabled", username=username)
    return found


class People:
    """Accounts, sessions, the audit log and follows."""

    def __init__(
        self,
        acting: Acting,
        repo: PeopleRepository,
        sessions: SessionRepository,
        signin: SignIn,
    ) -> None:
        self.acting = acting
        self.repo = repo
        self.sessions = sessions
        self.signin = signin

    def ensure_admin(self, password: str | None = None) -> str | None:
        """On the first run (no accounts yet) create the admin "admin": with `password`, else
        $OIVALLUS_ADMIN_PASSWORD, else a generated one-time password, which is returned."""
        return ensure_admin_account(self.repo, password)

    @requires(Role.admin)
    def create_user(
        self,
        username: str,
        display_name: str,
        role: str = "contributor",
        password: str | None = None,
        team: str | None = None,
    ) -> User:
        """Create an account (a local password, or none for single sign-on users)."""
        try:
            user = User(username=username, display_name=display_name, role=Role(role), team=team)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        if self.repo.user(user.username):
            raise InvalidInput(
                "the username {username} is taken", field="username", username=repr(username)
            )
        if password is not None:
            check_password(password, user.username)
        hashed = _hasher().hash(password) if password else None
        with self.repo.db.transaction() as cur:
            self.repo.add_user(cur, user, hashed)
            self.acting.log(
                cur, "create", "user", user.username, None, user.model_dump(mode="json")
            )
        return user

    def users(self) -> list[User]:
        """Every account."""
        return self.repo.users()

    def user(self, username: str) -> User:
        """One account; raises `NotFound`."""
        found = self.repo.user(username)
        if found is None:
            raise NotFound("no account {username}", username=repr(username))
        return found

    @requires(Role.admin)
    def set_role(self, username: str, role: str) -> User:
        """Give a person another role. Taking the admin role from someone is refused when it
        would leave no enabled admin; the check and the change are one step, taken one at a
        time across processes (two admins demoting each other at once: one is refused)."""
        Role(role)
        with self.repo.db.transaction() as cur:
            self.repo.lock_role_changes(cur)
            old = self.user(username)
            if old.role == Role.admin and role != Role.admin:
                self._keep_an_admin(username, Message("take the admin role from"))
            self.repo.update_user(cur, username, role=role)
            self.sessions.revoke_user(cur, username, now())  # signs in again with it
            self.acting.log(cur, "set role", "user", username, {"role": old.role}, {"role": role})
        return self.user(username)

    @requires(Role.admin)
    def set_email(self, username: str, email: str | None) -> User:
        """Set (or with None or "" clear) a person's e-mail address, stored in lower case: their
        weekly digest goes there, and their mail to the app's mailbox becomes their insights."""
        address = (email or "").strip().lower() or None
        if address is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            raise InvalidInput(
                "{value} is not an e-mail address", field="email", value=repr(address[:60])
            )
        taken = address is not None and any(
            u.username != username and address in ((u.email or "").lower(), u.username.lower())
            for u in self.repo.users()
        )
        if taken:  # the mailbox would hand this address's mail to one of them
            raise InvalidInput(
                "{value} is another person's e-mail address", field="email", value=repr(address)
            )
        with self.repo.db.transaction() as cur:
            old = self.user(username)
            self.repo.update_user(cur, username, email=address)
            self.acting.log(
                cur, "set email", "user", username, {"email": old.email}, {"email": address}
            )
        return self.user(username)

    @requires(Role.admin)
    def disable_user(self, username: str) -> User:
        """Stop an account from signing in (its history stays); never the last enabled admin
        (checked and done in one step, as `set_role`)."""
        with self.repo.db.transaction() as cur:
            self.repo.lock_role_changes(cur)
            if self.user(username).role == Role.admin:
                self._keep_an_admin(username, Message("disable"))
            self.repo.update_user(cur, username, disabled_at=now())
            self.sessions.revoke_user(cur, username, now())
            self.acting.log(cur, "disable", "user", username, None, None)
        return self.user(username)

    @requires(
        Role.admin,
        own=lambda people, actor, username, *a, **k: actor.username == username,
        own_from=Role.viewer,
    )
    def set_password(self, username: str, password: str) -> None:
        """A person sets their own password; an admin sets anyone's."""
        check_password(password, username)
        self.user(username)
        hashed = _hasher().hash(password)
        with self.repo.db.transaction() as cur:
            self.repo.update_user(cur, username, password_hash=hashed)
            self.sessions.revoke_user(cur, username, now())  # copied cookies stop working
            self.acting.log(cur, "set password", "user", username, None, None)

    @requires(Role.viewer)
    def change_password(self, current: str, new: str) -> None:
        """The signed-in person changes their own password (the current one is asked for);
        every session of theirs ends, so they sign in again with the new one."""
        if self.acting.actor is None:
            raise InvalidInput("sign in to change your password")
        if self.signin.authenticate(self.acting.actor.username, current) is None:
            raise InvalidInput("the current password is wrong", field="current")
        if new == current:
            raise InvalidInput("the new password is the same as the current one", field="new")
        self.set_password(self.acting.actor.username, new)

    @requires(Role.viewer)
    def set_language(self, language: str | None) -> None:
        """The signed-in person's interface language ("fi", "sv", "en"; None: the browser's)."""
        if self.acting.actor is None:
            raise InvalidInput("sign in to choose your language")
        if language not in (None, *LANGUAGES):
            raise InvalidInput(
                "the language must be one of {choices}",
                field="language",
                choices=", ".join(LANGUAGES),
            )
        with self.acting.db.transaction() as cur:
            self.repo.update_user(cur, self.acting.actor.username, language=language)
            self.acting.log(cur, "set language", "user", self.acting.actor.username, None, language)

    def landing_pages(self) -> dict[str, str]:
        """The page each role opens on, as an admin chose it: {role: the page's url path};
        a role left out opens on the app's default for it."""
        return self.repo.settings(LANDING)

    @requires(Role.admin)
    def set_landing_page(self, role: str, page: str | None) -> None:
        """Choose the page a role opens on (a page's url path such as "backlog"; None: back
        to the app's default). Recorded in the audit log."""
        try:
            Role(role)
        except ValueError:
            raise InvalidInput(
                "the role must be one of {choices}", field="role", choices=", ".join(Role)
            ) from None
        if page is not None and not (page.replace("_", "").isalnum() and len(page) <= 40):
            raise InvalidInput("no page {page}", field="page", page=repr(page))
        before = self.landing_pages().get(role)
        with self.repo.db.transaction() as cur:
            self.repo.put_setting(cur, LANDING + role, page)
            self.acting.log(
                cur, "set landing page", "setting", LANDING + role, {"page": before}, {"page": page}
            )

    def _keep_an_admin(self, username: str, what: Message) -> None:
        """Inside the role-change lock: refuse when the acting admin has lost the role since
        their session began (another admin changed it a moment ago) or when `username` is
        the last enabled admin."""
        admins = self.repo.enabled_admins()
        actor = self.acting.actor
        if actor is not None and actor.username not in admins:
            raise PermissionDenied(
                "{name} is no longer an enabled admin (changed meanwhile by another admin), so "
                "may not {what} {username}",
                name=actor.display_name,
                what=what,
                username=username,
            )
        if admins == [username]:
            raise InvalidInput(
                "{username} is the last admin: make someone else an admin before you {what} them",
                field="role",
                username=username,
                what=what,
            )

    def authenticate(self, username: str, password: str, address: str | None = None) -> User | None:
        """The account when the password is right (and the account enabled), else None;
        raises `SignInThrottled` after too many failures (see insights.signin)."""
        return self.signin.authenticate(username, password, address)

    def start_session(self, user: User, days: int = SESSION_DAYS) -> str:
        """A server-side "stay signed in" session (14 days at most); returns the cookie's id."""
        return self.signin.start(user, days)

    def user_from_token(self, token: str | None) -> User | None:
        """The enabled account of a live (unexpired, unrevoked) session, else None."""
        return self.signin.user(token)

    def end_session(self, token: str | None) -> None:
        """Sign out: the session id stops working everywhere (a copied cookie included)."""
        self.signin.end(token)

    def sso_user(self, email: str, name: str | None) -> User:
        """The account of a person signed in by single sign-on, created as a viewer at first."""
        return sso_account(self.repo, email, name)

    def sso_session(self, user: User, claims: dict, secret: str) -> str | None:
        """The server-side session of one single sign-on of `user` (its ID token `claims`,
        `secret`: the cookie secret): started at the first page load, None once it has ended
        (signed out, a new role, a disabled account) or expired: sign in again."""
        return self.signin.start_sso(user, sso_token(claims, secret))

    @requires(Role.researcher)
    def audit(
        self, entity: str | None = None, entity_id=None, actor: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """The audit log, newest first, optionally for one entity (insight, question, ...).

        It names who did what: researchers and admins read it, not viewers or contributors."""
        return self.repo.audit(entity, entity_id, actor, limit)

    @requires(Role.viewer)
    def follow(self, kind: str, target: str, on: bool = True) -> None:
        """Follow (or stop following) a theme, a question or a segment for the digest."""
        if self.acting.actor is None:
            raise InvalidInput("sign in to follow")
        if kind not in ("theme", "question", "segment"):
            raise InvalidInput("follow a theme, question or segment, not {kind}", kind=repr(kind))
        with self.repo.db.transaction() as cur:
            self.repo.follow(cur, self.acting.actor.username, kind, str(target), on, now())

    def follows(self, username: str | None = None) -> list[tuple[str, str]]:
        """What a person (default: the actor) follows, as (kind, target)."""
        name = username or self.acting.actor_name
        return self.repo.follows(name) if name else []
