"""The research backlog: questions, votes, statuses, evidence (priority: insights/rules/)."""

from __future__ import annotations

from datetime import date

import numpy as np
from pydantic import ValidationError

from insights.acting import Acting, PermissionDenied, audited, requires
from insights.answers import AnswerMatcher
from insights.caches import Caches
from insights.collection import Insights
from insights.files.backlog_export import backlog_csv, backlog_markdown
from insights.rules.priority import SORTS, narrow, prioritise, with_new_evidence
from insights.webhooks import Outbox
from language import text as textlib
from language.interface import Interface
from language.pairs import DUPLICATE_QUESTION
from storage.backlog import BacklogRepository
from storage.db import Database
from storage.people import PeopleRepository
from vocabulary.backlog import (
    EvidenceRelation,
    Question,
    QuestionEvidence,
    QuestionIn,
    QuestionStatus,
    StatusChange,
)
from vocabulary.errors import InvalidInput, Message, NotFound, describe_validation_error
from vocabulary.knowledge import Hit, now
from vocabulary.people import Role
from vocabulary.webhooks import Event


class Backlog:
    """The research backlog (`kb.backlog`): questions, votes, statuses and evidence."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        repo: BacklogRepository,
        people: PeopleRepository,
        insights: Insights,
        matcher: AnswerMatcher,
        caches: Caches,
        outbox: Outbox | None = None,
    ) -> None:
        self.acting = acting
        self.db = db
        self.repo = repo
        self.people = people
        self.insights = insights
        self.matcher = matcher
        self.caches = caches
        self.outbox = outbox  # webhooks: events queued with the write

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
        vector = self.matcher.text_vector(question.text, language)
        with self.db.transaction() as cur:
            question_id = self.repo.insert(cur, question, now())
            self.repo.store_vector(cur, question_id, self.matcher.embedder.model_id, vector)
            self.matcher.match_stored_insights(cur, question_id, question.text, language, vector)
            if self.outbox is not None:
                self.outbox.emit(cur, Event.question_asked, {"question_id": question_id})
        self.matcher.forget_questions()
        return self.question(question_id)

    def similar_questions(self, text: str, k: int = 3) -> list[tuple[Question, float]]:
        """Open or in-research questions like this text, in any language, with their similarity,
        best first: the dense similarity of the language pair, scaled so that each pair's
        duplicate threshold reads as DUPLICATE_QUESTION (a Finnish question and its English
        twin compare as two English ones would)."""
        ids, vectors, languages = self.matcher.open_question_vectors()
        if not ids:
            return []
        language = textlib.detect_language(text)
        sims = self.matcher.question_similarities(
            self.matcher.text_vector(text, language), language, vectors, languages
        )
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
            cached = self.caches.questions
            if cached is None or cached[0] != key:
                rows = self.repo.questions()
                cached = (key, [prioritise(q, relations, today) for q, relations in rows])
                self.caches.questions = cached
            return [q for q in cached[1] if status is None or q.status == status]
        rows = self.repo.questions(ids=ids, status=status)
        found = {q.id: prioritise(q, relations, today) for q, relations in rows}
        return [found[i] for i in ids if i in found]

    def question(self, question_id: int) -> Question:
        """One question; raises `NotFound`."""
        found = self.questions([question_id])
        if not found:
            raise NotFound("Question {question_id} does not exist.", question_id=question_id)
        return found[0]

    def ranked(
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
                "Unknown status {status}; use one of {choices}",
                field="status",
                status=repr(status),
                choices=", ".join(s.value for s in QuestionStatus),
            )
        if sort not in SORTS:
            raise InvalidInput(
                "Unknown sort {sort}; use {choices}",
                field="sort",
                sort=repr(sort),
                choices=", ".join(SORTS),
            )
        return narrow(self.questions(status=status), sort=sort, team=team, tag=tag, segment=segment)

    def my_votes(self, user_id: str | None) -> set[int]:
        """Ids of the questions this person votes for (the whole backlog is read without
        its voters: 100,000 names cost more than the rest of it)."""
        return self.repo.my_votes(user_id) if user_id else set()

    def history(self, question_id: int) -> list[StatusChange]:
        """Every status change of a question, with who and when."""
        return self.repo.history(question_id)

    # --- votes and statuses ----------------------------------------------------------------

    @audited("vote", "question")
    @requires(Role.viewer)
    def vote(
        self, question_id: int, user_id: str, on: bool = True, team: str | None = None
    ) -> Question:
        """Give (on=True) or take back one person's vote on an open or in-research question."""
        user_id = (user_id or "").strip()
        actor = self.acting.actor
        if actor is not None and user_id != actor.username and actor.role != "admin":
            raise PermissionDenied("{name} may vote only as themselves", name=actor.display_name)
        if not user_id:
            raise InvalidInput("Say who is voting (user id is empty).", field="user_id")
        if actor is not None:  # the team counts in the priority: it comes from the account
            account = self.people.user(user_id)
            team = account.team if account is not None else None
        status = self.repo.status(question_id)
        if status is None:
            raise NotFound("Question {question_id} does not exist.", question_id=question_id)
        if status in (QuestionStatus.answered, QuestionStatus.dropped):
            raise InvalidInput(
                "Question {question_id} is {status}; votes are closed.",
                field="question_id",
                question_id=question_id,
                status=Message(str(status)),
            )
        with self.db.transaction() as cur:
            self.repo.set_vote(cur, question_id, user_id, team, on)
        return self.question(question_id)

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
                "Unknown status {status}; use one of {choices}",
                field="status",
                status=repr(status),
                choices=", ".join(s.value for s in QuestionStatus),
            ) from None
        answer, reason = (answer or "").strip() or None, (reason or "").strip() or None
        if status == question.status:
            raise InvalidInput(
                "Question {question_id} is already {status}.",
                field="status",
                question_id=question_id,
                status=Message(str(status)),
            )
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
                self.insights.get(insight_id)
        if status == QuestionStatus.dropped and not reason:
            raise InvalidInput("A dropped question needs a reason.", field="reason")
        stamp = now()
        with self.db.transaction() as cur:
            for insight_id in insight_ids or []:
                self.repo.decide_evidence(
                    cur, question_id, insight_id, "confirmed", "answers", self.acting.who(by), stamp
                )
            self.repo.update_status(
                cur, question, status, self.acting.who(by), stamp, answer, reason
            )
            if self.outbox is not None and status == QuestionStatus.answered:
                self.outbox.emit(cur, Event.question_answered, {"question_id": question_id})
        self.matcher.forget_questions()
        return self.question(question_id)

    # --- evidence --------------------------------------------------------------------------

    def question_suggestions(self, question_id: int, k: int = 10) -> list[Hit]:
        """Insights that may answer a question, best first; never one a person dismissed."""
        question = self.question(question_id)
        dismissed = {
            e.insight_id
            for e in self.repo.evidence(question_id=question_id, statuses=("dismissed",))
        }
        language = textlib.detect_language(question.text)
        vector = self.matcher.text_vector(question.text, language)
        found = self.matcher.match_question(question.text, language, vector, k + len(dismissed))
        return [h for h in found if h.insight_id not in dismissed][:k]

    def question_evidence(self, question_id: int) -> list[QuestionEvidence]:
        """Suggested and confirmed evidence of a question, with the insights attached."""
        found = self.repo.evidence(question_id=question_id)
        insights = {i.id: i for i in self.insights.repo.get_many([e.insight_id for e in found])}
        return [e.model_copy(update={"insight": insights.get(e.insight_id)}) for e in found]

    def questions_for_insight(self, insight_id: int) -> list[tuple[Question, QuestionEvidence]]:
        """Questions an insight may answer (suggested) or is evidence for (confirmed)."""
        found = self.repo.evidence(insight_id=insight_id)
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
                "Unknown relation {relation}; use answers, supports or contradicts",
                field="relation",
                relation=repr(relation),
            )
        self.question(question_id)
        self.insights.get(insight_id)
        with self.db.transaction() as cur:
            self.repo.decide_evidence(
                cur, question_id, insight_id, "confirmed", relation, self.acting.who(by), now()
            )
            if self.outbox is not None:
                subject = {"question_id": question_id, "insight_id": insight_id}
                self.outbox.emit(cur, Event.evidence_added, subject)

    @audited("dismiss evidence", "question")
    @requires(Role.researcher)
    def dismiss_evidence(self, question_id: int, insight_id: int, by: str | None = None) -> None:
        """Say an insight does not bear on the question: it is not suggested again."""
        self.question(question_id)
        with self.db.transaction() as cur:
            self.repo.decide_evidence(
                cur, question_id, insight_id, "dismissed", None, self.acting.who(by), now()
            )

    def questions_with_new_evidence(self) -> list[Question]:
        """Open or in-research questions with suggested evidence nobody has reviewed yet."""
        return with_new_evidence(self.questions())

    # --- export ----------------------------------------------------------------------------

    def export_backlog_csv(
        self,
        status: str | None = None,
        questions: list[Question] | None = None,
        language: str = "en",
    ) -> str:
        """The backlog (or the given questions) as CSV text, in priority order, its headers in
        `language` (the person's: fi, sv or en)."""
        chosen = questions if questions is not None else self.ranked(status=status)
        return backlog_csv(chosen, Interface(language))

    def export_backlog_markdown(
        self,
        status: str | None = None,
        questions: list[Question] | None = None,
        language: str = "en",
    ) -> str:
        """The backlog (or the given questions) as Markdown for a steering-group meeting, in
        `language` (the person's: fi, sv or en)."""
        chosen = questions if questions is not None else self.ranked(status=status)
        return backlog_markdown(chosen, Interface(language))
