"""The "For you" list: new evidence on the questions a person follows or voted for, their
answers, and new insights in the themes and segments they follow; unread since they last looked."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from insights.acting import Acting, requires
from storage.inbox import InboxRepository
from vocabulary.people import Role

LIMIT = 100


class InboxItem(BaseModel):
    """One thing that happened in what a person follows."""

    kind: str  # evidence | answer | theme | segment
    about: str  # the question's text, the theme's name or the segment
    insight_id: int | None = None
    question_id: int | None = None
    at: datetime
    unread: bool


def items_of(repo: InboxRepository, username: str, limit: int = LIMIT) -> list[InboxItem]:
    """`username`'s "For you" list, newest first (the page's, and their own chat's: see
    insights/personal_chat.py)."""
    seen = repo.seen_at(username)
    return [
        InboxItem(
            kind=kind,
            about=about,
            insight_id=insight_id,
            question_id=question_id,
            at=at,
            unread=seen is None or at > seen,
        )
        for kind, about, insight_id, question_id, at in repo.items(username, limit)
    ]


class Inbox:
    """The signed-in person's "For you" list (`kb.inbox`)."""

    def __init__(self, acting: Acting, repo: InboxRepository) -> None:
        self.acting = acting
        self.repo = repo

    def for_you(self, limit: int = LIMIT) -> list[InboxItem]:
        """What happened in what the acting person follows or voted for, newest first."""
        if self.acting.actor is None:
            return []
        return items_of(self.repo, self.acting.actor.username, limit)

    def unread_count(self) -> int:
        """How many items of the "For you" list came after the person last read it."""
        return self.repo.unread(self.acting.actor.username) if self.acting.actor is not None else 0

    @requires(Role.viewer)
    def mark_read(self) -> None:
        """The acting person has read their "For you" list up to now."""
        if self.acting.actor is not None:  # to the microsecond: evidence is stamped that finely
            with self.acting.db.transaction() as cur:
                self.repo.mark_seen(cur, self.acting.actor.username, datetime.now())
