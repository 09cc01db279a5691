"""The research backlog: questions, votes, an explainable priority, statuses and evidence."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
from pydantic import ValidationError

from insights import text as textlib
from insights.answers import AnswerMatchingMixin
from insights.backlog_export import backlog_csv, backlog_markdown
from insights.errors import InvalidInput, NotFound, describe_validation_error
from insights.models import (
    EvidenceRelation,
    Hit,
    PriorityPart,
    Question,
    QuestionEvidence,
    QuestionIn,
    QuestionStatus,
    StatusChange,
    now,
)
from insights.people import PermissionDenied, audited, requires
from insights.records import Role

# The priority formula. Every term is shown to people as "why this rank".
VOTE_WEIGHT = 1.0  # x ln(1 + votes): the tenth vote adds less than the second
TEAM_WEIGHT = 0.75  # x (distinct voting teams - 1): interest across teams rises faster
IMPACT_WEIGHT = 1.0  # x impact 1..5
EFFORT_WEIGHT = -0.6  # x effort 1..5
URGENCY_WEIGHT = 2.0  # x (1 - days to decision / 90), 0 when 90+ days away or no date
KNOWN_WEIGHT = -3.0  # x confidence 0..1 from confirmed evidence
URGENCY_HORIZON_DAYS = 90
RELATION_WEIGHT = {"answers": 1.0, "supports": 0.6, "contradicts": 0.3}
DUPLICATE_QUESTION = 0.85


def confidence(relations: list[str]) -> float:
    """How much is already known, 0..1, from the relations of confirmed evidence."""
    mass = sum(RELATION_WEIGHT.get(r, 0.0) for r in relations)
    return 1 - math.exp(-0.5 * mass)


def prioritise(question: Question, relations: list[str], today: date) -> Question:
    """Fill in a freshly read question's priority and its explanation, term by term."""
    known = confidence(relations)
    days = (question.decision_date - today).days if question.decision_date else None
    urgency = 0.0 if days is None else max(0.0, min(1.0, 1 - days / URGENCY_HORIZON_DAYS))
    teams = len(question.teams)
    parts = [
        (
            "votes",
            question.votes,
            VOTE_WEIGHT * math.log1p(question.votes),
            f"{VOTE_WEIGHT} x ln(1 + votes)",
        ),
        ("teams", teams, TEAM_WEIGHT * max(teams - 1, 0), f"{TEAM_WEIGHT} x (distinct teams - 1)"),
        ("impact", question.impact, IMPACT_WEIGHT * question.impact, f"{IMPACT_WEIGHT} x impact"),
        ("effort", question.effort, EFFORT_WEIGHT * question.effort, f"{EFFORT_WEIGHT} x effort"),
        (
            "urgency",
            urgency,
            URGENCY_WEIGHT * urgency,
            f"{URGENCY_WEIGHT} x (1 - days to decision / {URGENCY_HORIZON_DAYS})"
            + (f"; {days} days" if days is not None else "; no decision date"),
        ),
        (
            "already known",
            round(known, 3),
            KNOWN_WEIGHT * known,
            f"{KNOWN_WEIGHT} x confidence from {len(relations)} confirmed insights",
        ),
    ]
    explanation = [
        PriorityPart(name=n, value=float(v), contribution=round(c, 3), rule=r)
        for n, v, c, r in parts
    ]
    # Filled in place: the question was just read, and copying 10,000 models costs more
    # than the whole formula.
    question.priority = round(sum(p.contribution for p in explanation), 3)
    question.confidence = known
    question.explanation = explanation
    return question


def rank_key(question: Question) -> tuple:
    """Priority first; ties go to more votes, then the older question, then the lower id."""
    return (-question.priority, -question.votes, question.created_at, question.id)


SORTS = {
    "priority": rank_key,
    "newest": lambda q: (-q.created_at.timestamp(), -q.id),
    "votes": lambda q: (-q.votes, *rank_key(q)),
}


def narrow(
    questions: list[Question],
    status: str | None = None,
    sort: str = "priority",
    team: str | None = None,
    tag: str | None = None,
    segment: str | None = None,
) -> list[Question]:
    """Filter and sort questions already read (a page narrows one read several ways)."""
    found = [
        q
        for q in questions
        if (status is None or q.status == status)
        and (team is None or q.team == team or team in q.teams)
        and (tag is None or tag in q.tags)
        and (segment is None or segment in q.segments)
    ]
    return sorted(found, key=SORTS[sort])


def with_new_evidence(questions: list[Question]) -> list[Question]:
    """Open or in-research questions with suggested evidence nobody has reviewed yet."""
    active = (QuestionStatus.open, QuestionStatus.in_research)
    return [q for q in questions if q.new_evidence and q.status in active]


class BacklogMixin(AnswerMatchingMixin):
    """Verbs of the KnowledgeBase for the research backlog."""

    # --- asking and reading ----------------------------------------------------------------

    @audited("ask", "question", key=lambda kb, result, *a, **k: result.id)
    @requires(Role.contributor)
    def ask(self, question: QuestionIn | dict) -> Question:
        """Add a question to the backlog (status open) and match it to stored insights."""
        try:
            question = question if isinstance(question, QuestionIn) else QuestionIn(**question)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        language = textlib.detect_language(question.text)
        vector = self._text_vector(question.text, language)
        with self.db.transaction() as cur:
            question_id = self.backlog_repo.insert(cur, question, now())
            self.backlog_repo.store_vector(cur, question_id, self.embedder.model_id, vector)
            self._match_stored_insights(cur, question_id, question.text, language, vector)
        self._caches.pop("question_vectors", None)
        return self.question(question_id)

    def similar_questions(self, text: str, k: int = 3) -> list[tuple[Question, float]]:
        """Open or in-research questions like this text, with cosine similarity, best first."""
        ids, vectors, _ = self._open_question_vectors()
        if not ids:
            return []
        sims = vectors @ self._text_vector(text, textlib.detect_language(text))
        order = np.argsort(-sims)[:k]
        found = {q.id: q for q in self.questions([ids[i] for i in order])}
        return [(found[ids[i]], float(sims[i])) for i in order if ids[i] in found]

    def is_duplicate_question(self, similarity: float) -> bool:
        """Whether a similarity marks a possible duplicate question."""
        return similarity >= DUPLICATE_QUESTION

    def questions(self, ids: list[int] | None = None, status: str | None = None) -> list[Question]:
        """Questions with votes and priority, in the order of `ids` (or by id).

        Reading every question is cached until the next write to the database; `voters` is
        filled only when `ids` are given (see `my_votes`).
        """
        today = date.today()
        if ids is None:
            key = (self.db.generation, today)
            cached = self._caches.get("questions")
            if cached is None or cached[0] != key:
                rows = self.backlog_repo.questions()
                cached = (key, [prioritise(q, relations, today) for q, relations in rows])
                self._caches["questions"] = cached
            return [q for q in cached[1] if status is None or q.status == status]
        rows = self.backlog_repo.questions(ids=ids, status=status)
        found = {q.id: prioritise(q, relations, today) for q, relations in rows}
        return [found[i] for i in ids if i in found]

    def question(self, question_id: int) -> Question:
        """One question; raises `NotFound`."""
        found = self.questions([question_id])
        if not found:
            raise NotFound(f"Question {question_id} does not exist.")
        return found[0]

    def backlog(
        self,
        status: str | None = "open",
        sort: str = "priority",
        team: str | None = None,
        tag: str | None = None,
        segment: str | None = None,
    ) -> list[Question]:
        """The backlog, best first: sort by "priority", "newest" or "votes"; filter freely."""
        if status is not None and status not in {s.value for s in QuestionStatus}:
            raise InvalidInput(
                f"Unknown status {status!r}; use one of {[s.value for s in QuestionStatus]}",
                field="status",
            )
        if sort not in SORTS:
            raise InvalidInput(f"Unknown sort {sort!r}; use {list(SORTS)}", field="sort")
        return narrow(self.questions(status=status), sort=sort, team=team, tag=tag, segment=segment)

    def my_votes(self, user_id: str | None) -> set[int]:
        """Ids of the questions this person votes for (the whole backlog is read without
        its voters: 100,000 names cost more than the rest of it)."""
        return self.backlog_repo.my_votes(user_id) if user_id else set()

    def history(self, question_id: int) -> list[StatusChange]:
        """Every status change of a question, with who and when."""
        return self.backlog_repo.history(question_id)

    # --- votes and statuses ----------------------------------------------------------------

    @audited("vote", "question")
    @requires(Role.viewer)
    def vote(
        self, question_id: int, user_id: str, on: bool = True, team: str | None = None
    ) -> Question:
        """Give (on=True) or take back one person's vote on an open or in-research question."""
        user_id = (user_id or "").strip()
        actor = getattr(self, "actor", None)
        if actor is not None and user_id != actor.username and actor.role != "admin":
            raise PermissionDenied(f"{actor.display_name} may vote only as themselves")
        if not user_id:
            raise InvalidInput("Say who is voting (user id is empty).", field="user_id")
        if actor is not None:  # the team counts in the priority: it comes from the account
            account = self.people.user(user_id)
            team = account.team if account is not None else None
        status = self.backlog_repo.status(question_id)
        if status is None:
            raise NotFound(f"Question {question_id} does not exist.")
        if status in (QuestionStatus.answered, QuestionStatus.dropped):
            raise InvalidInput(
                f"Question {question_id} is {status}; votes are closed.", field="question_id"
            )
        with self.db.transaction() as cur:
            before = self.db.generation
            self.backlog_repo.set_vote(cur, question_id, user_id, team, on)
        fresh = self.question(question_id)
        self._patch_cache(before, fresh)
        return fresh

    def _patch_cache(self, before: int, fresh: Question) -> None:
        """A vote changes one question: patch the cached backlog instead of re-reading it."""
        cached = self._caches.get("questions")
        if (
            cached is None
            or cached[0] != (before, date.today())
            or self.db.generation != before + 1
        ):
            return  # stale already, or other writes happened meanwhile: re-read next time
        listed = fresh.model_copy(update={"voters": []})  # the whole backlog carries no voters
        questions = [listed if q.id == fresh.id else q for q in cached[1]]
        self._caches["questions"] = ((before + 1, date.today()), questions)

    @audited(
        "set status",
        "question",
        before=lambda kb, qid, *a, **k: {"status": kb.question(qid).status},
    )
    @requires(Role.researcher)
    def set_status(
        self,
        question_id: int,
        status: str,
        by: str | None = None,
        answer: str | None = None,
        insight_ids: list[int] | None = None,
        reason: str | None = None,
    ) -> Question:
        """Move a question: open -> in research -> answered (answer + answering insights) or
        dropped (reason); answered and dropped questions can be reopened."""
        question = self.question(question_id)
        try:
            status = QuestionStatus(status)
        except ValueError:
            raise InvalidInput(
                f"Unknown status {status!r}; use one of {[s.value for s in QuestionStatus]}",
                field="status",
            ) from None
        answer, reason = (answer or "").strip() or None, (reason or "").strip() or None
        if status == question.status:
            raise InvalidInput(f"Question {question_id} is already {status}.", field="status")
        if status == QuestionStatus.answered:
            if not answer:
                raise InvalidInput("An answered question needs a short answer.", field="answer")
            confirmed = {
                e.insight_id for e in self.question_evidence(question_id) if e.status == "confirmed"
            }
            if not (set(insight_ids or []) | confirmed):
                raise InvalidInput(
                    "Name the insights that answer it (or confirm evidence first).",
                    field="insight_ids",
                )
            for insight_id in insight_ids or []:
                self.get(insight_id)
        if status == QuestionStatus.dropped and not reason:
            raise InvalidInput("A dropped question needs a reason.", field="reason")
        stamp = now()
        with self.db.transaction() as cur:
            for insight_id in insight_ids or []:
                self.backlog_repo.decide_evidence(
                    cur, question_id, insight_id, "confirmed", "answers", self._who(by), stamp
                )
            self.backlog_repo.update_status(
                cur, question, status, self._who(by), stamp, answer, reason
            )
        self._caches.pop("question_vectors", None)
        return self.question(question_id)

    # --- evidence --------------------------------------------------------------------------

    def question_suggestions(self, question_id: int, k: int = 10) -> list[Hit]:
        """Insights that may answer a question, best first; never one a person dismissed."""
        question = self.question(question_id)
        dismissed = {
            e.insight_id
            for e in self.backlog_repo.evidence(question_id=question_id, statuses=("dismissed",))
        }
        language = textlib.detect_language(question.text)
        vector = self._text_vector(question.text, language)
        found = self._match_question(question.text, language, vector, k + len(dismissed))
        return [h for h in found if h.insight_id not in dismissed][:k]

    def question_evidence(self, question_id: int) -> list[QuestionEvidence]:
        """Suggested and confirmed evidence of a question, with the insights attached."""
        found = self.backlog_repo.evidence(question_id=question_id)
        insights = {i.id: i for i in self.insights.get_many([e.insight_id for e in found])}
        return [e.model_copy(update={"insight": insights.get(e.insight_id)}) for e in found]

    def questions_for_insight(self, insight_id: int) -> list[tuple[Question, QuestionEvidence]]:
        """Questions an insight may answer (suggested) or is evidence for (confirmed)."""
        found = self.backlog_repo.evidence(insight_id=insight_id)
        questions = {q.id: q for q in self.questions([e.question_id for e in found])}
        return [(questions[e.question_id], e) for e in found if e.question_id in questions]

    @audited("link evidence", "question")
    @requires(Role.researcher)
    def link_evidence(
        self, question_id: int, insight_id: int, relation: str, by: str | None = None
    ) -> None:
        """Confirm an insight as evidence: it answers, supports or contradicts the question."""
        if relation not in {r.value for r in EvidenceRelation}:
            raise InvalidInput(
                f"Unknown relation {relation!r}; use answers, supports or contradicts",
                field="relation",
            )
        self.question(question_id)
        self.get(insight_id)
        with self.db.transaction() as cur:
            self.backlog_repo.decide_evidence(
                cur, question_id, insight_id, "confirmed", relation, self._who(by), now()
            )

    @audited("dismiss evidence", "question")
    @requires(Role.researcher)
    def dismiss_evidence(self, question_id: int, insight_id: int, by: str | None = None) -> None:
        """Say an insight does not bear on the question: it is not suggested again."""
        self.question(question_id)
        with self.db.transaction() as cur:
            self.backlog_repo.decide_evidence(
                cur, question_id, insight_id, "dismissed", None, self._who(by), now()
            )

    def questions_with_new_evidence(self) -> list[Question]:
        """Open or in-research questions with suggested evidence nobody has reviewed yet."""
        return with_new_evidence(self.questions())

    # --- export ----------------------------------------------------------------------------

    def export_backlog_csv(
        self, status: str | None = None, questions: list[Question] | None = None
    ) -> str:
        """The backlog (or the given questions) as CSV text, in priority order."""
        return backlog_csv(questions if questions is not None else self.backlog(status=status))

    def export_backlog_markdown(
        self, status: str | None = None, questions: list[Question] | None = None
    ) -> str:
        """The backlog (or the given questions) as Markdown for a steering-group meeting."""
        return backlog_markdown(questions if questions is not None else self.backlog(status=status))
