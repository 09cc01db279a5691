"""A person's own chat (`kb.chat`): their "For you" items sent to their Slack or Teams incoming
webhook (a direct chat or a private channel), each new item or one summary a day, in their
interface language with a link back to each.

The items are exactly those of the For you page (`insights.inbox.items_of`). A person's chat is
a hook row with an owner (insights/webhooks.py): the same address checks (https and a public
address; a person cannot allow a private one), the same sender, retries with backoff, delivery
log and turning off after failures as an admin's hook. `queue_due` (the webhook worker's, every
`QUEUE_EVERY` seconds) queues the new items and moves the hook's `items_until` past them in one
unit of work: nothing is sent twice. Only its owner sees or changes it; an admin may remove it
(`kb.webhooks.delete`) and sees its host only.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pydantic import ValidationError

from insights.acting import Acting, PermissionDenied, requires
from insights.hookmessages import FOR_YOU_ITEM, FOR_YOU_SUMMARY, FOR_YOU_TEST, SUMMARY_ITEMS
from insights.hooksend import Answer, check_url
from insights.inbox import LIMIT, items_of
from insights.webhooks import Outbox, Webhooks, address_host
from storage.db import Database
from vocabulary.errors import InvalidInput, describe_validation_error
from vocabulary.knowledge import now
from vocabulary.people import Role
from vocabulary.webhooks import Cadence, ChatIn, Delivery, Hook

DAILY_HOUR = 8  # a daily summary goes out at the first run from this hour (server time) on
QUEUE_EVERY = 60.0  # seconds between the worker's looks at people's new items


class PersonalChat:
    """The acting person's own chat, and the worker's queuing of everyone's new items."""

    def __init__(
        self, acting: Acting, db: Database, repos, outbox: Outbox, webhooks: Webhooks
    ) -> None:
        self.acting, self.db, self.repos, self.outbox = acting, db, repos, outbox
        self.webhooks = webhooks

    def _owner(self) -> str:
        if self.acting.actor is None:
            raise PermissionDenied("a person's own chat needs that person signed in")
        return self.acting.actor.username

    def mine(self) -> Hook | None:
        """The acting person's chat (None: not connected, or nobody signed in)."""
        if self.acting.actor is None:
            return None
        found = self.repos.webhooks.owned(self.acting.actor.username)
        return found[0] if found else None

    def _own(self) -> Hook:
        hook = self.mine()
        if hook is None:
            raise InvalidInput("Connect your chat first.")
        return hook

    @requires(Role.viewer)
    def connect(self, wanted: ChatIn | dict, language: str = "en") -> Hook:
        """Connect (or replace) the acting person's chat; its address is checked first (https,
        public). Items from now on are sent; `language` is used while the person has none."""
        owner = self._owner()
        try:
            wanted = wanted if isinstance(wanted, ChatIn) else ChatIn.model_validate(wanted)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        outbox = self.outbox
        check_url(wanted.url, outbox.allow_private_for_tests, outbox.allow_http_for_tests)
        at = now()
        hook = Hook(
            id=secrets.token_hex(6),
            name=f"For you: {owner}",
            url=wanted.url,
            kind=wanted.kind,
            events=[],
            language=language if language in ("en", "fi", "sv") else "en",
            allow_private=False,
            enabled=True,
            failures=0,
            created_by=owner,
            created_at=at,
            owner=owner,
            cadence=wanted.cadence,
            items_until=at - timedelta(microseconds=1),  # this second's items count
            summary_on=at.date(),
        )
        with self.db.transaction() as cur:
            for old in self.repos.webhooks.owned(owner):
                self.repos.webhooks.delete(cur, old.id)
            self.repos.webhooks.create(cur, hook, "whsec_" + secrets.token_urlsafe(32))
            logged = hook.model_dump(mode="json") | {"url": address_host(hook.url)}
            self.acting.log(cur, "create", "webhook", hook.id, None, logged)
        return hook

    @requires(Role.viewer)
    def set_cadence(self, cadence: str) -> None:
        """Each new item, or a daily summary, from now on."""
        hook = self._own()
        if cadence not in tuple(Cadence):
            raise InvalidInput("Choose each new item or a daily summary.", field="cadence")
        with self.db.transaction() as cur:
            self.repos.webhooks.set_chat(cur, hook.id, cadence, hook.items_until, hook.summary_on)
            self.acting.log(cur, "set cadence", "webhook", hook.id, hook.cadence, cadence)

    @requires(Role.viewer)
    def set_enabled(self, enabled: bool) -> None:
        """Turn the chat off, or on again (from then on: what came while off is not sent)."""
        hook = self._own()
        at = now()
        with self.db.transaction() as cur:
            why = None if enabled else "turned off by its owner"
            self.repos.webhooks.set_enabled(cur, hook.id, enabled, None if enabled else at, why)
            if enabled:
                self.repos.webhooks.set_chat(cur, hook.id, hook.cadence, at, hook.summary_on)
            self.acting.log(cur, "set enabled", "webhook", hook.id, hook.enabled, enabled)

    @requires(Role.viewer)
    def disconnect(self) -> None:
        """Remove the acting person's chat and its delivery log."""
        hook = self._own()
        with self.db.transaction() as cur:
            self.repos.webhooks.delete(cur, hook.id)
            self.acting.log(cur, "delete", "webhook", hook.id, None, None)

    @requires(Role.viewer)
    def send_test(self) -> Answer:
        """Send a test message now (logged like any delivery); returns what the chat said."""
        hook = self._own()
        delivery = self._delivery(hook, FOR_YOU_TEST, {}, now())
        with self.db.transaction() as cur:
            self.repos.webhooks.queue(cur, [delivery])
        return self.webhooks.deliver(delivery)

    def deliveries(self, limit: int = 20) -> list[Delivery]:
        """The acting person's chat's latest deliveries, newest first."""
        hook = self.mine()
        return self.repos.webhooks.deliveries(hook.id, limit) if hook else []

    @staticmethod
    def _delivery(hook: Hook, event: str, subject: dict, at: datetime) -> Delivery:
        return Delivery(
            id=secrets.token_hex(8),
            hook_id=hook.id,
            event=event,
            subject=subject,
            created_at=at,
            next_at=at,
        )

    def queue_due(self, at: datetime | None = None) -> int:
        """Queue every enabled chat's new "For you" items (each, or the day's summary once a
        day from `DAILY_HOUR`); returns how many deliveries were queued. The worker's."""
        at = at or now()
        queued = 0
        for hook in self.repos.webhooks.owned():
            if not hook.enabled or hook.owner is None:
                continue
            owner = self.repos.people.user(hook.owner)
            if owner is None or owner.disabled_at is not None:
                continue  # someone who has left keeps no feed of customer insights
            daily = hook.cadence == Cadence.daily
            if daily and (
                at.hour < DAILY_HOUR or (hook.summary_on and hook.summary_on >= at.date())
            ):
                continue
            since = hook.items_until or hook.created_at
            # items of past seconds only: one stamped later in this second is not passed over
            until = at.replace(microsecond=0)
            found = items_of(self.repos.inbox, hook.owner, LIMIT)
            new = [i for i in found if since < i.at < until]
            if not new:
                continue
            new.reverse()  # oldest first
            subjects = [
                i.model_dump(
                    mode="json", include={"kind", "about", "insight_id", "question_id", "at"}
                )
                for i in new
            ]
            if daily:
                summary = {"items": subjects[-SUMMARY_ITEMS:][::-1], "count": len(subjects)}
                deliveries = [self._delivery(hook, FOR_YOU_SUMMARY, summary, at)]
            else:
                deliveries = [self._delivery(hook, FOR_YOU_ITEM, s, at) for s in subjects]
            with self.db.transaction() as cur:
                self.repos.webhooks.queue(cur, deliveries)
                summary_on = at.date() if daily else hook.summary_on
                self.repos.webhooks.set_chat(cur, hook.id, hook.cadence, new[-1].at, summary_on)
            queued += len(deliveries)
        return queued
