"""Who acts, and what they may do: the actor of a view, role checks on writes, the audit log.

A KnowledgeBase opened by a program (CLI, tests, benchmarks) acts as the system, with every
right. The app works through `kb.acting_as(user)`: a view whose services share everything but
the `Acting`; each write first checks the actor's role (`requires`) and then records itself in
the audit log (`audited`), in the same unit of work.

A service guarded here has an attribute `acting: Acting`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from storage.cursor import Cursor
from storage.db import Database
from storage.people import PeopleRepository
from vocabulary.errors import Message, OivallusError
from vocabulary.knowledge import now
from vocabulary.people import Role, User

RANK = {Role.viewer: 0, Role.contributor: 1, Role.researcher: 2, Role.admin: 3}


class PermissionDenied(OivallusError):
    """The signed-in person's role does not allow this."""


class Acting:
    """The person a view acts for (None: the system) and the audit log their writes go to."""

    def __init__(self, db: Database, people: PeopleRepository, actor: User | None = None) -> None:
        self.db = db
        self.people = people
        self.actor = actor

    @property
    def actor_name(self) -> str | None:
        """Who the audit log names for this view's writes (None: the system)."""
        return self.actor.username if self.actor is not None else None

    def who(self, by: str | None) -> str | None:
        """Who a write is recorded under: the acting person whenever there is one (nobody can
        record a write under another name), else `by`, a label for the system's own jobs
        ("import folder", a CLI's --by)."""
        return self.actor.username if self.actor is not None else by

    def log(self, cur: Cursor, action: str, entity: str, entity_id, before, after) -> None:
        """One audit entry under the actor's name, in the caller's unit of work."""
        self.people.log(cur, self.actor_name, action, entity, entity_id, before, after, now())


def _allowed(service, actor: User, role: Role, own, own_from: Role, args, kwargs) -> bool:
    rank = RANK[Role(actor.role)]
    if rank >= RANK[role]:
        return True
    return own is not None and rank >= RANK[own_from] and own(service, actor, *args, **kwargs)


def requires(role: Role, own: Callable | None = None, own_from: Role = Role.contributor):
    """Refuse a write unless the actor has `role`; `own(service, actor, *args)` -> True lets
    someone from role `own_from` up act on what is their own (their insight, their password)."""

    def decorate(method):
        def permit(self, *args, **kwargs) -> None:
            actor = self.acting.actor
            if actor is not None and actor.disabled_at is not None:
                raise PermissionDenied(
                    "the account {username} is disabled: it needs the {role} role and an "
                    "enabled account",
                    username=actor.username,
                    role=Message(role.value),
                )
            if actor is not None and not _allowed(self, actor, role, own, own_from, args, kwargs):
                raise PermissionDenied(
                    "{name} ({current}) may not {action}: it needs the {role} role",
                    name=actor.display_name,
                    current=Message(str(actor.role)),
                    action=method.__name__.replace("_", " "),
                    role=Message(role.value),
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

    `key(service, result, *args)` names the entity's id; `before(service, *args)` reads the
    state the write replaces. The write and its entry are one unit of work (its transactions
    join one): both land or neither. `together=False` is for long jobs (an import, a themes
    recompute) that commit in steps and keep their own record; their entry follows the job.
    """

    def decorate(method):
        def run(self, args, kwargs):
            old = before(self, *args, **kwargs) if before else None
            result = method(self, *args, **kwargs)
            entity_id = key(self, result, *args, **kwargs) if key else (args[0] if args else None)
            with self.acting.db.transaction() as cur:  # together: joins the write's unit
                self.acting.log(cur, action, entity, entity_id, old, _plain(result))
            return result

        @functools.wraps(method)
        def logged(self, *args, **kwargs):
            if getattr(method, "permit", None):  # refuse before reading anything for the log
                method.permit(self, *args, **kwargs)
            if not together:
                return run(self, args, kwargs)
            with self.acting.db.transaction():
                return run(self, args, kwargs)

        logged.required_role = getattr(method, "required_role", None)
        logged.permit = getattr(method, "permit", None)
        return logged

    return decorate


def permits(method: Callable[..., Any], *args, **kwargs) -> bool:
    """Whether the bound write `method` would let its view's actor call it with these
    arguments; True for methods no role guards."""
    permit = getattr(method, "permit", None)
    if permit is None:
        return True
    try:
        permit(method.__self__, *args, **kwargs)  # type: ignore[attr-defined]
    except PermissionDenied:
        return False
    return True


LOGGED_ITEMS = 50  # of any list in an audit entry (an import's 500,000 rejected rows once
# made one entry of 26 MB, more than the database's whole buffer pool)


def _plain(value):
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="json", exclude={"insight_ids", "explanation"}))
    if isinstance(value, tuple | list):
        kept = [_plain(v) for v in value[:LOGGED_ITEMS]]
        if len(value) > LOGGED_ITEMS:
            kept.append(f"... and {len(value) - LOGGED_ITEMS} more")
        return kept
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
