"""People and trust: accounts (argon2 passwords), roles enforced on every write, the audit log.

A KnowledgeBase opened by a program (CLI, tests, benchmarks) acts as the system, with every
right. The app works through `kb.acting_as(user)`: a view sharing everything but the actor, on
which each write first checks the actor's role (`requires`) and then records itself in the
audit log (`audited`).
"""

from __future__ import annotations

import copy
import functools
import secrets
from collections.abc import Callable

from pydantic import ValidationError

from insights.errors import InvalidInput, NotFound, OivallusError, describe_validation_error
from insights.models import now
from insights.records import AuditEntry, Role, User
from insights.signin import SESSION_DAYS, check_password

RANK = {Role.viewer: 0, Role.contributor: 1, Role.researcher: 2, Role.admin: 3}
ADMIN_ENV = "OIVALLUS_ADMIN_PASSWORD"


class PermissionDenied(OivallusError):
    """The signed-in person's role does not allow this."""


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _allowed(kb, actor: User, role: Role, own, own_from: Role, args, kwargs) -> bool:
    rank = RANK[Role(actor.role)]
    if rank >= RANK[role]:
        return True
    return own is not None and rank >= RANK[own_from] and own(kb, actor, *args, **kwargs)


def requires(role: Role, own: Callable | None = None, own_from: Role = Role.contributor):
    """Refuse a write unless the actor has `role`; `own(self, actor, *args)` -> True lets
    someone from role `own_from` up act on what is their own (their insight, their password)."""

    def decorate(method):
        def permit(self, *args, **kwargs) -> None:
            actor = getattr(self, "actor", None)
            if actor is not None and actor.disabled_at is not None:
                raise PermissionDenied(
                    f"the account {actor.username} is disabled: it needs the "
                    f"{role.value} role and an enabled account"
                )
            if actor is not None and not _allowed(self, actor, role, own, own_from, args, kwargs):
                raise PermissionDenied(
                    f"{actor.display_name} ({actor.role}) may not "
                    f"{method.__name__.replace('_', ' ')}: it needs the "
                    f"{role.value} role"
                )

        @functools.wraps(method)
        def checked(self, *args, **kwargs):
            permit(self, *args, **kwargs)
            return method(self, *args, **kwargs)

        checked.required_role, checked.permit = role, permit
        return checked

    return decorate


def audited(
    action: str,
    entity: str,
    key: Callable | None = None,
    before: Callable | None = None,
    together: bool = True,
):
    """Record a successful write in the audit log: who, when, the entity, before and after.

    `key(self, result, *args)` names the entity's id; `before(self, *args)` reads the state
    the write replaces. The write and its entry are one unit of work (its transactions join
    one): both land or neither. `together=False` is for long jobs (an import, a themes
    recompute) that commit in steps and keep their own record; their entry follows the job.
    """

    def decorate(method):
        def run(self, cur, args, kwargs):
            old = before(self, *args, **kwargs) if before else None
            result = method(self, *args, **kwargs)
            entity_id = key(self, result, *args, **kwargs) if key else (args[0] if args else None)
            self.people.log(
                self.actor_name, action, entity, entity_id, old, _plain(result), now(), cur=cur
            )
            return result

        @functools.wraps(method)
        def logged(self, *args, **kwargs):
            if getattr(method, "permit", None):  # refuse before reading anything for the log
                method.permit(self, *args, **kwargs)
            if not together:
                return run(self, None, args, kwargs)
            with self.db.transaction() as cur:
                return run(self, cur, args, kwargs)

        logged.required_role = getattr(method, "required_role", None)
        logged.permit = getattr(method, "permit", None)
        return logged

    return decorate


def _plain(value):
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude={"insight_ids", "explanation"})
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value][:50]
    if isinstance(value, str | int | float | bool | dict) or value is None:
        return value
    return str(value)


def ensure_admin_account(people, password: str | None = None, reset: bool = False) -> str | None:
    """Create (or with `reset`, re-key) the account "admin" in a PeopleRepository; returns a
    generated one-time password, or None when the password was given or nothing was done."""
    import os

    exists = people.user("admin") is not None
    if (people.count_users() and not reset) or (reset and not exists and people.count_users()):
        return None
    given = password or os.environ.get(ADMIN_ENV)
    chosen = given or secrets.token_urlsafe(12)
    if exists:  # a reset gives back the admin role too, whatever was done to the account
        people.update_user(
            "admin", password_hash=_hasher().hash(chosen), disabled_at=None, role=Role.admin.value
        )
    else:
        people.add_user(
            User(username="admin", display_name="Administrator", role=Role.admin),
            _hasher().hash(chosen),
        )
    return None if given else chosen


def sso_account(people, email: str, name: str | None) -> User:
    """The account of a person signed in by single sign-on (created as a viewer at first) in a
    PeopleRepository; raises `PermissionDenied` for a disabled account."""
    username = email.strip().lower()
    found = people.user(username)
    if found is None:
        found = User(
            username=username, display_name=name or username, role=Role.viewer, email=username
        )
        people.add_user(found, None)
        people.log(username, "create", "user", username, None, {"sso": True}, now())
    if found.disabled_at is not None:
        raise PermissionDenied(f"the account {username} is disabled")
    return found


class PeopleMixin:
    """Accounts and the audit log (mixed into KnowledgeBase)."""

    actor: User | None = None

    @property
    def actor_name(self) -> str | None:
        """Who the audit log names for this view's writes (None: the system)."""
        return self.actor.username if self.actor is not None else None

    def _who(self, by: str | None) -> str | None:
        """Who a write is recorded under: the acting person whenever there is one (nobody can
        record a write under another name), else `by`, a label for the system's own jobs
        ("import folder", a CLI's --by)."""
        return self.actor.username if self.actor is not None else by

    def acting_as(self, user: User | None) -> PeopleMixin:
        """A view of this knowledge base whose writes are checked against `user`'s role."""
        view = copy.copy(self)
        view.actor = user
        return view

    def allows(self, action: str, *args, **kwargs) -> bool:
        """Whether this view's person may call the write `action` with these arguments (to
        show only the controls they may use); True for actions no role guards."""
        permit = getattr(getattr(type(self), action), "permit", None)
        if permit is None:
            return True
        try:
            permit(self, *args, **kwargs)
        except PermissionDenied:
            return False
        return True

    def ensure_admin(self, password: str | None = None) -> str | None:
        """On the first run (no accounts yet) create the admin "admin": with `password`, else
        $OIVALLUS_ADMIN_PASSWORD, else a generated one-time password, which is returned."""
        return ensure_admin_account(self.people, password)

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
            user = User(username=username, display_name=display_name, role=role, team=team)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        if self.people.user(user.username):
            raise InvalidInput(f"the username {username!r} is taken", field="username")
        if password is not None:
            check_password(password, user.username)
        self.people.add_user(user, _hasher().hash(password) if password else None)
        self.people.log(
            self.actor_name,
            "create",
            "user",
            user.username,
            None,
            user.model_dump(mode="json"),
            now(),
        )
        return user

    def users(self) -> list[User]:
        """Every account."""
        return self.people.users()

    def user(self, username: str) -> User:
        """One account; raises `NotFound`."""
        found = self.people.user(username)
        if found is None:
            raise NotFound(f"no account {username!r}")
        return found

    @requires(Role.admin)
    def set_role(self, username: str, role: str) -> User:
        """Give a person another role."""
        old = self.user(username)
        Role(role)
        if old.role == Role.admin and role != Role.admin:
            self._keep_an_admin(username, "take the admin role from")
        self.people.update_user(username, role=role)
        self.sessions_repo.revoke_user(username, now())  # signs in again with the new role
        self.people.log(
            self.actor_name, "set role", "user", username, {"role": old.role}, {"role": role}, now()
        )
        return self.user(username)

    @requires(Role.admin)
    def disable_user(self, username: str) -> User:
        """Stop an account from signing in (its history stays)."""
        if self.user(username).role == Role.admin:
            self._keep_an_admin(username, "disable")
        self.people.update_user(username, disabled_at=now())
        self.sessions_repo.revoke_user(username, now())
        self.people.log(self.actor_name, "disable", "user", username, None, None, now())
        return self.user(username)

    @requires(
        Role.admin,
        own=lambda kb, actor, username, *a, **k: actor.username == username,
        own_from=Role.viewer,
    )
    def set_password(self, username: str, password: str) -> None:
        """A person sets their own password; an admin sets anyone's."""
        check_password(password, username)
        self.user(username)
        self.people.update_user(username, password_hash=_hasher().hash(password))
        self.sessions_repo.revoke_user(username, now())  # copied cookies stop working
        self.people.log(self.actor_name, "set password", "user", username, None, None, now())

    @requires(Role.viewer)
    def change_password(self, current: str, new: str) -> None:
        """The signed-in person changes their own password (the current one is asked for);
        every session of theirs ends, so they sign in again with the new one."""
        if self.actor is None:
            raise InvalidInput("sign in to change your password")
        if self.signin.authenticate(self.actor.username, current) is None:
            raise InvalidInput("the current password is wrong", field="current")
        if new == current:
            raise InvalidInput("the new password is the same as the current one", field="new")
        self.set_password(self.actor.username, new)

    def _keep_an_admin(self, username: str, what: str) -> None:
        admins = [u for u in self.people.users() if u.role == Role.admin and u.disabled_at is None]
        if [u.username for u in admins] == [username]:
            raise InvalidInput(
                f"{username} is the last admin: make someone else an admin before you {what} them",
                field="role",
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
        return sso_account(self.people, email, name)

    @requires(Role.researcher)
    def audit(
        self, entity: str | None = None, entity_id=None, actor: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """The audit log, newest first, optionally for one entity (insight, question, ...).

        It names who did what: researchers and admins read it, not viewers or contributors."""
        return self.people.audit(entity, entity_id, actor, limit)

    @requires(Role.viewer)
    def follow(self, kind: str, target: str, on: bool = True) -> None:
        """Follow (or stop following) a theme, a question or a segment for the digest."""
        if self.actor is None:
            raise InvalidInput("sign in to follow")
        if kind not in ("theme", "question", "segment"):
            raise InvalidInput(f"follow a theme, question or segment, not {kind!r}")
        self.people.follow(self.actor.username, kind, str(target), on, now())

    def follows(self, username: str | None = None) -> list[tuple[str, str]]:
        """What a person (default: the actor) follows, as (kind, target)."""
        name = username or self.actor_name
        return self.people.follows(name) if name else []

    def digest(self, username: str | None = None, team: str | None = None, end=None, days: int = 7):
        """The weekly digest of a person or a team (Markdown and HTML); see insights.digest."""
        from insights.digest import build_digest

        return build_digest(self, username=username, team=team, end=end, days=days)
