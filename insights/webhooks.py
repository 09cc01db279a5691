"""Webhooks out (`kb.webhooks`): an admin registers a URL for events; a background worker
sends them, signed, retried with backoff, and turns a hook off after repeated failures.

**When an event is queued.** In the same unit of work as the write that caused it
(`Outbox.emit`): a question asked, answered, evidence confirmed, an import's end; a new
insight when it is linked (`Linking.on_new_insights`, the unit that marks it linked, so an
insight is told once, whether linked at once or after a restart). Queuing is one local row per
listening hook, never a network call: the write commits or rolls back together with its
events (nothing is told of a write that failed, nothing lost when the process stops after
the commit), and the worker (`deliver_due`, started beside the jobs by ingest/jobs.py) does
the sending outside any transaction. Imported rows are told by one "import.finished".

Sending: insights/hooksend.py (address checks, signature, the request); bodies:
insights/hookmessages.py.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from pydantic import ValidationError

from insights.acting import Acting, audited, requires
from insights.hookmessages import body, for_you_body, link
from insights.hooksend import Answer, check_url, headers, send
from storage.cursor import Cursor
from storage.db import Database
from storage.webhooks import WebhookRepository
from vocabulary.errors import InvalidInput, NotFound, describe_validation_error
from vocabulary.knowledge import now
from vocabulary.people import Role
from vocabulary.webhooks import Delivery, Event, Hook, HookIn

RETRY_SECONDS = (60, 300, 1800, 7200, 43200)  # after the 1st, 2nd, ... failed try
DISABLE_AFTER = 10  # failed tries in a row (of any deliveries) turn a hook off
LISTENING_TTL = 10.0  # seconds the list of listening hooks is trusted (other processes)
BATCH = 20  # deliveries one pass of the worker sends


def next_try(attempts: int) -> int | None:
    """Seconds before the next try after `attempts` failed ones; None: given up."""
    return RETRY_SECONDS[attempts - 1] if 1 <= attempts <= len(RETRY_SECONDS) else None


def address_host(url: str) -> str:
    """A webhook address without its path and query ("https://hooks.slack.com/…"), which for
    Slack and Teams is the secret itself."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}/…"


class Outbox:
    """Queues events for the hooks that listen, inside the caller's unit of work."""

    def __init__(self, db: Database, repo: WebhookRepository) -> None:
        self.db, self.repo = db, repo
        self.allow_http_for_tests = False  # plain http to a receiver: tests only, no page sets it
        self.allow_private_for_tests = False  # a person's chat on loopback: tests only, likewise
        self._listening: list[tuple[str, list[str]]] | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Read the listening hooks again at the next event (one changed)."""
        with self._lock:
            self._listening = None

    def listeners(self, cur: Cursor, event: str) -> list[str]:
        """The enabled hooks that want `event` (read again after `LISTENING_TTL` seconds)."""
        with self._lock:
            if self._listening is None or time.monotonic() - self._read_at > LISTENING_TTL:
                self._listening = self.repo.listening(cur)
                self._read_at = time.monotonic()
            return [h for h, events in self._listening if event in events]

    def emit(self, cur: Cursor, event: str, subject: dict) -> int:
        """Queue `event` about `subject` (ids) for every enabled hook that wants it (each write
        emits its events once). Returns how many deliveries were queued."""
        hooks = self.listeners(cur, event)
        if not hooks:
            return 0
        at = now()
        self.repo.queue(
            cur,
            [
                Delivery(
                    id=secrets.token_hex(8),
                    hook_id=hook,
                    event=event,
                    subject=subject,
                    created_at=at,
                    next_at=at,
                )
                for hook in hooks
            ],
        )
        return len(hooks)

    def insights_linked(self, cur: Cursor, ids: list[int], vectors, languages) -> None:
        """A `Linking` listener: new insights added one by one are told."""
        if not self.listeners(cur, Event.insight_added):
            return
        for insight_id in self.repo.added_by_hand(cur, list(ids)):
            self.emit(cur, Event.insight_added, {"insight_id": insight_id})


class Webhooks:
    """The admins' hooks, their delivery log, and the sending."""

    def __init__(self, acting: Acting, db: Database, repos, outbox: Outbox, base_url: str = ""):
        self.acting, self.db, self.repos, self.outbox = acting, db, repos, outbox
        self.repo: WebhookRepository = repos.webhooks
        self.base_url = base_url

    # --- the admin's side ------------------------------------------------------------------

    @requires(Role.admin)
    def register(self, wanted: HookIn | dict) -> tuple[Hook, str]:
        """A new hook; returns it and its signing secret (shown this once). The URL is checked
        (https, public addresses unless allowed) before anything is stored."""
        try:
            wanted = wanted if isinstance(wanted, HookIn) else HookIn.model_validate(wanted)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        check_url(wanted.url, wanted.allow_private, self.outbox.allow_http_for_tests)
        secret = "whsec_" + secrets.token_urlsafe(32)
        hook = Hook(
            id=secrets.token_hex(6),
            name=wanted.name,
            url=wanted.url,
            kind=wanted.kind,
            events=list(wanted.events),
            language=wanted.language,
            allow_private=wanted.allow_private,
            enabled=True,
            failures=0,
            created_by=self.acting.actor_name,
            created_at=now(),
        )
        with self.db.transaction() as cur:
            self.repo.create(cur, hook, secret)
            # a Slack or Teams address holds its secret in the path: the log keeps the host only
            logged = hook.model_dump(mode="json") | {"url": address_host(hook.url)}
            self.acting.log(cur, "create", "webhook", hook.id, None, logged)
        self.outbox.forget()
        return hook, secret

    def hooks(self) -> list[Hook]:
        """Every hook (admins only see the page that lists them)."""
        return self.repo.hooks()

    def personal(self) -> list[Hook]:
        """People's own chats (insights/personal_chat.py), their addresses cut to the host:
        an admin may remove one, only its owner sees or changes it."""
        return [h.model_copy(update={"url": address_host(h.url)}) for h in self.repo.owned()]

    def hook(self, hook_id: str) -> Hook:
        """One admin's hook; raises `NotFound` (a person's own chat is theirs alone)."""
        found = self.repo.hook(hook_id)
        if found is None or found[0].owner is not None:
            raise NotFound("No webhook {hook_id}.", hook_id=repr(hook_id))
        return found[0]

    @audited("set enabled", "webhook")
    @requires(Role.admin)
    def set_enabled(self, hook_id: str, enabled: bool) -> None:
        """Turn a hook on again (its failures count from zero; waiting deliveries go on) or off;
        a person's own chat only its owner turns (`kb.chat`)."""
        self.hook(hook_id)
        with self.db.transaction() as cur:
            why = None if enabled else "turned off by an admin"
            if not self.repo.set_enabled(cur, hook_id, enabled, None if enabled else now(), why):
                raise NotFound("No webhook {hook_id}.", hook_id=repr(hook_id))
        self.outbox.forget()

    @audited("delete", "webhook")
    @requires(Role.admin)
    def delete(self, hook_id: str) -> None:
        """Remove a hook and its delivery log (a person's own chat too)."""
        with self.db.transaction() as cur:
            if not self.repo.delete(cur, hook_id):
                raise NotFound("No webhook {hook_id}.", hook_id=repr(hook_id))
        self.outbox.forget()

    def deliveries(self, hook_id: str, limit: int = 50) -> list[Delivery]:
        """A hook's latest deliveries, newest first."""
        return self.repo.deliveries(hook_id, limit)

    # --- the worker's side -----------------------------------------------------------------

    def facts(self, event: str, subject: dict) -> dict:
        """What is stored now about an event's subject (ids alone when it is gone)."""
        facts: dict = {}
        if "insight_id" in subject:
            found = self.repos.insights.get_many([subject["insight_id"]])
            insight = found[0] if found else None
            facts["insight_id"] = subject["insight_id"]
            if insight is not None and event == Event.insight_added:
                facts.update(
                    insight.model_dump(
                        mode="json", include={"id", "title", "text", "kind", "source", "language"}
                    )
                )
            elif insight is not None:
                facts["insight_title"] = insight.title
        if "question_id" in subject:
            found = self.repos.backlog.questions(ids=[subject["question_id"]])
            facts["question_id"] = subject["question_id"]
            if found:
                question = found[0][0]
                facts.update(
                    question.model_dump(mode="json", include={"id", "text", "status", "answer"})
                )
        if "import_id" in subject:
            record = self.repos.imports.get(subject["import_id"])
            facts["import_id"] = subject["import_id"]
            if record is not None:
                facts.update(
                    record.model_dump(
                        mode="json",
                        include={"id", "file", "status", "rows", "inserted", "duplicates"},
                    )
                )
        return facts

    def message(self, hook: Hook, delivery: Delivery) -> bytes:
        """The body a delivery sends: the event for an admin's hook, a person's "For you"
        items (in their language now) for their own chat."""
        if hook.owner is None:
            url = link(self.base_url, delivery.event, delivery.subject)
            facts = self.facts(delivery.event, delivery.subject)
            return body(
                hook.kind,
                hook.language,
                delivery.id,
                delivery.event,
                delivery.created_at,
                facts,
                url,
            )
        person = self.repos.people.user(hook.owner)
        language = (person.language if person else None) or hook.language
        items = delivery.subject.get("items", [delivery.subject])
        ids = [int(i["insight_id"]) for i in items if i.get("insight_id")]
        titles = {i.id: i.title or i.text for i in self.repos.insights.get_many(ids)}
        return for_you_body(
            hook.kind, language, delivery.event, delivery.subject, titles, self.base_url
        )

    def deliver(self, delivery: Delivery, at: datetime | None = None) -> Answer:
        """Send one delivery now and record what came of it."""
        at = at or now()
        found = self.repo.hook(delivery.hook_id)
        if found is None:
            return Answer(None, "no such hook")
        hook, secret = found
        data = self.message(hook, delivery)
        owner = self.repos.people.user(hook.owner) if hook.owner else None
        try:  # checked again at each try: the name may resolve elsewhere now
            private = hook.allow_private or self.outbox.allow_private_for_tests
            target = check_url(hook.url, private, self.outbox.allow_http_for_tests)
        except InvalidInput as refused:
            answer = Answer(None, str(refused))
        else:
            if hook.owner and (owner is None or owner.disabled_at is not None):
                answer = Answer(None, "its owner's account is disabled")  # queued before that
            else:
                answer = send(target, data, headers(delivery.id, delivery.event, secret, data))
        self._record(hook, delivery, answer, at)
        return answer

    def _record(self, hook: Hook, delivery: Delivery, answer: Answer, at: datetime) -> None:
        attempts = delivery.attempts + 1
        with self.db.transaction() as cur:
            if answer.ok:
                self.repo.record(
                    cur, delivery.id, "delivered", attempts, None, answer.status, answer.text, at
                )
                self.repo.succeeded(cur, hook.id)
                return
            wait = next_try(attempts)
            state, next_at = ("waiting", at + timedelta(seconds=wait)) if wait else ("failed", None)
            self.repo.record(
                cur, delivery.id, state, attempts, next_at, answer.status, answer.text, at
            )
            if self.repo.failed_once_more(cur, hook.id) >= DISABLE_AFTER:
                last = answer.status or answer.text
                why = f"{DISABLE_AFTER} failed tries in a row; the last: {last}"
                self.repo.set_enabled(cur, hook.id, False, at, why[:300])
        if not answer.ok:
            self.outbox.forget()

    def deliver_due(self, at: datetime | None = None, limit: int = BATCH) -> int:
        """Send the deliveries due at `at` (now); returns how many were tried."""
        due = self.repo.due(at or now(), limit)
        for delivery in due:
            self.deliver(delivery)
        return len(due)
