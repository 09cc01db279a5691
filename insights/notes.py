"""What happened to a person's notes (`kb.notes`): for each insight they are the author of, its
links, the questions it may answer or answers, its theme and whether that theme is rising, and
the briefs that quote it; and how many of their notes were used in a week, for the digest.

A person's notes are the insights whose author is their display name or username (what "Mine"
on the Search page finds). Nothing here compares people: each person sees their own.

"A brief quotes it" means: it is among the quotes the brief of its theme, or of a question it
is evidence for, shows now (`Briefs.quoted_ids`; briefs are written on demand, so this is what
anyone opening that brief reads today). Briefs of a journey stage or a segment are not checked.

A theme counts when it groups the note with at least one other insight (a note the clustering
left on its own makes a theme of one). "Rising" is the Overview's rule: the theme's count in
the latest month against the months before (`Themes.theme_trends("month")`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel

from insights.acting import Acting, PermissionDenied
from insights.backlog import Backlog
from insights.briefs import Briefs
from insights.collection import Insights
from insights.people import People
from insights.themes import Themes
from vocabulary.backlog import Question
from vocabulary.errors import InvalidInput
from vocabulary.knowledge import Insight, SearchFilters
from vocabulary.people import Role

LIMIT = 200  # notes shown, the newest
MIN_THEME = 2  # a note alone in its theme is grouped with nothing: that is not news


class NoteQuestion(BaseModel):
    """A question a note may answer (suggested) or is confirmed evidence for."""

    question: Question
    status: str  # suggested | confirmed
    relation: str | None = None  # answers | supports | contradicts, once confirmed


class NoteTheme(BaseModel):
    """The theme a note belongs to."""

    id: int
    label: str
    rising: bool = False


class NoteBrief(BaseModel):
    """A brief that quotes a note: of its theme or of a question."""

    kind: str  # theme | question
    key: str
    about: str  # the theme's name or the question's text


class NoteOutcome(BaseModel):
    """One note and what became of it."""

    insight: Insight
    confirmed_links: list[int] = []
    suggested_links: list[int] = []
    questions: list[NoteQuestion] = []
    theme: NoteTheme | None = None
    briefs: list[NoteBrief] = []

    @property
    def links(self) -> int:
        """How many other insights it is linked to (confirmed or suggested)."""
        return len(self.confirmed_links) + len(self.suggested_links)

    @property
    def happened(self) -> bool:
        """Whether anything came of it yet."""
        return bool(self.links or self.questions or self.theme or self.briefs)


class MyNotes(BaseModel):
    """A person's newest notes (at most `LIMIT`) and how many they have in all."""

    username: str
    total: int
    notes: list[NoteOutcome]


class WeekOfNotes(BaseModel):
    """How many of a person's notes were used in a period, and how."""

    used: int = 0  # notes with at least one of the below
    linked: int = 0  # got a link made or confirmed in the period
    evidence: int = 0  # suggested or confirmed as evidence for a question in the period
    rising: int = 0  # added in the period, in a theme rising now


class Notes:
    """A person's notes and what happened to them (`kb.notes`)."""

    def __init__(
        self,
        acting: Acting,
        insights: Insights,
        backlog: Backlog,
        themes: Themes,
        briefs: Briefs,
        people: People,
    ) -> None:
        self.acting = acting
        self.insights = insights
        self.backlog = backlog
        self.themes = themes
        self.briefs = briefs
        self.people = people

    def _names(self, username: str | None) -> tuple[str, list[str]]:
        """(username, the author names that mean them); a person reads only their own notes
        (an admin and the system anyone's)."""
        actor = self.acting.actor
        if username is None:
            if actor is None:
                raise InvalidInput("name the person whose notes to read")
            username = actor.username
        if actor is not None and username != actor.username and actor.role != Role.admin:
            raise PermissionDenied("{name} may read only their own notes", name=actor.display_name)
        user = self.people.user(username)
        return username, list(dict.fromkeys(n for n in (user.display_name, user.username) if n))

    def _ids(self, names: list[str]) -> list[int]:
        """A person's live notes, newest first."""
        ids = self.insights.repo.filter_ids(SearchFilters(author=names)).tolist()
        return sorted(ids, reverse=True)

    def mine(self, username: str | None = None, limit: int = LIMIT) -> MyNotes:
        """The newest `limit` notes of a person (default: the acting one) with their links,
        questions, theme (rising or not) and the briefs that quote them."""
        username, names = self._names(username)
        filters = SearchFilters(author=names)
        found, total = self.insights.repo.page(filters, 0, limit)
        ids = [i.id for i in found]
        partners = self.insights.link_repo.partners_of(ids)
        evidence = self.backlog.repo.evidence_of(ids)
        asked_ids = list(dict.fromkeys(e.question_id for e in evidence))
        questions = {  # a dropped question uses nothing
            q.id: q for q in self.backlog.questions(asked_ids) if q.status != "dropped"
        }
        theme_of = self.themes.repo.themes_of(ids)
        themes = self._themes(set(theme_of.values()))
        every = {t.id: t for t in self.themes.all()}  # with their members: one read, not one each
        quoted = {("theme", str(t)): set(self.briefs.theme_quote_ids(every[t])) for t in themes}
        quoted |= {
            ("question", str(q)): set(self.briefs.quoted_ids("question", str(q))) for q in questions
        }
        notes = []
        for insight in found:
            asked = [
                NoteQuestion(
                    question=questions[e.question_id], status=e.status, relation=e.relation
                )
                for e in evidence
                if e.insight_id == insight.id and e.question_id in questions
            ]
            theme = themes.get(theme_of.get(insight.id, -1))
            briefs = []
            if theme is not None and insight.id in quoted.get(("theme", str(theme.id)), ()):
                briefs.append(NoteBrief(kind="theme", key=str(theme.id), about=theme.label))
            for item in asked:
                if insight.id in quoted.get(("question", str(item.question.id)), ()):
                    key = str(item.question.id)
                    briefs.append(NoteBrief(kind="question", key=key, about=item.question.text))
            mine = partners.get(insight.id, {})
            notes.append(
                NoteOutcome(
                    insight=insight,
                    confirmed_links=mine.get("confirmed", []),
                    suggested_links=mine.get("suggested", []),
                    questions=asked,
                    theme=theme,
                    briefs=briefs,
                )
            )
        return MyNotes(username=username, total=total, notes=notes)

    def _themes(self, ids: set[int]) -> dict[int, NoteTheme]:
        """These themes by id (of two insights or more), each marked rising or not (the
        Overview's rule: the latest month with dated insights against the months before)."""
        if not ids:
            return {}
        rising = {
            t.theme_id
            for t in self.themes.theme_trends("month", theme_ids=sorted(ids))
            if t.trend == "rising"
        }
        return {
            t.id: NoteTheme(id=t.id, label=t.label, rising=t.id in rising)
            for t in self.themes.repo.all(with_members=False)
            if t.id in ids and t.size >= MIN_THEME
        }

    def week(self, username: str, start: date, end: date) -> WeekOfNotes:
        """How many of a person's notes were used from `start` to `end` (both days included):
        linked to other insights, suggested or confirmed as evidence for a question, or added
        then and part of a theme that is rising now (as the Overview and the page say)."""
        username, names = self._names(username)
        ids = self._ids(names)
        if not ids:
            return WeekOfNotes()
        since, until = datetime.combine(start, time()), datetime.combine(end + timedelta(1), time())
        linked = self.insights.link_repo.touched_between(ids, since, until)
        evidence = self.backlog.repo.evidence_between(ids, since, until)
        theme_of = self.themes.repo.themes_of(ids)
        themes = self._themes(set(theme_of.values()))  # rising as the Overview shows it now
        rising_themes = {t for t, theme in themes.items() if theme.rising}
        fresh = {
            i.id
            for i in self.insights.repo.get_many(
                [i for i in ids if theme_of.get(i) in rising_themes]
            )
            if since <= i.created_at < until
        }
        return WeekOfNotes(
            used=len(linked | evidence | fresh),
            linked=len(linked),
            evidence=len(evidence),
            rising=len(fresh),
        )
