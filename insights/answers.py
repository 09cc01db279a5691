"""Which insights may answer which open questions (the backlog's matcher).

Questions and insights share one vector space; a pair matches above its language pair's
"answers" threshold (language/pairs.py). Every new insight is checked against the open
questions, and every new question against the stored insights.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from insights.caches import Caches
from insights.collection import hits_from
from language import text as textlib
from language.embeddings import Embedder, embed_texts
from language.pairs import (
    DUPLICATE_QUESTION,
    answer_matches,
    duplicate_question_threshold,
    threshold,
)
from retrieval.hybrid import HybridIndex
from storage.backlog import BacklogRepository
from storage.cursor import Cursor
from storage.db import Database
from storage.insights import InsightRepository
from vocabulary.knowledge import Hit

MATCHES_PER_NEW_QUESTION = 50


class AnswerMatcher:
    """Vectors of open questions (cached) and the "may answer" matching both ways."""

    def __init__(
        self,
        db: Database,
        embedder: Embedder,
        index: HybridIndex,
        backlog: BacklogRepository,
        insights: InsightRepository,
        caches: Caches,
    ) -> None:
        self.db = db
        self.embedder = embedder
        self.index = index
        self.backlog = backlog
        self.insights = insights
        self.caches = caches

    def forget_questions(self) -> None:
        """The open questions changed: read their vectors afresh next time."""
        self.caches.question_vectors = None

    def text_vector(self, text: str, language: str) -> np.ndarray:
        """The vector of a question's text, stored like an insight's (same space and rules)."""
        return embed_texts(self.embedder, [text], [language])[0]

    def match_question(self, text: str, language: str, vector: np.ndarray, k: int) -> list[Hit]:
        term_ids, weights = self.index.lexical.query_vector(textlib.query_terms(text))
        concepts = self.index.text_concepts(text, language)
        found = self.index.match(vector, term_ids, weights, language, k, concepts)
        return hits_from(self.insights, found)

    def match_stored_insights(
        self, cur: Cursor, question_id: int, text: str, language: str, vector: np.ndarray
    ) -> None:
        """Suggest the stored insights that may answer a new question."""
        found = self.match_question(text, language, vector, MATCHES_PER_NEW_QUESTION)
        self.backlog.suggest(
            cur,
            [
                (question_id, h.insight_id, h.dense_score)
                for h in found
                if h.dense_score >= threshold("answers", language, h.insight.language)
            ],
        )

    def open_question_vectors(self) -> tuple[list[int], np.ndarray, list[str]]:
        """Ids, vectors and languages of the open questions (cached until a question changes)."""
        if self.caches.question_vectors is None:
            ids, texts, vectors = self.backlog.vectors(self.embedder.model_id)
            languages = [textlib.detect_language(t) for t in texts]
            missing = [i for i, v in enumerate(vectors) if v is None]
            if missing:
                fresh = embed_texts(
                    self.embedder, [texts[i] for i in missing], [languages[i] for i in missing]
                )
                with self.db.transaction() as cur:
                    for i, vector in zip(missing, fresh, strict=True):
                        self.backlog.store_vector(cur, ids[i], self.embedder.model_id, vector)
                        vectors[i] = vector
            matrix = (
                np.stack(cast(list[np.ndarray], vectors))
                if vectors
                else np.zeros((0, self.embedder.dim), np.float32)
            )
            self.caches.question_vectors = (ids, matrix, languages)
        return self.caches.question_vectors

    def question_similarities(
        self, vector: np.ndarray, language: str, vectors: np.ndarray, languages: list[str]
    ) -> np.ndarray:
        """A text's similarity to some questions, each pair's dense score scaled so that its
        "duplicate" threshold (language/pairs.py) reads as DUPLICATE_QUESTION, at most 1."""
        scales = self.index.scales
        sims = scales.scaled(vectors @ vector, scales.form(language), scales.forms(languages))
        if scales.uniform:  # one space for every language: the scores read alike as they are
            return sims
        limits = np.asarray([duplicate_question_threshold(language, lang) for lang in languages])
        return np.minimum(sims * (DUPLICATE_QUESTION / limits), 1.0)

    def match_new_insights(
        self, cur: Cursor, insight_ids: list[int], vectors: np.ndarray, languages: list[str]
    ) -> None:
        """Every new insight is checked against the open questions it may answer."""
        ids, matrix, question_languages = self.open_question_vectors()
        if not ids or not len(insight_ids):
            return
        rows, cols, scores = answer_matches(
            vectors @ matrix.T, languages, question_languages, self.index.scales
        )
        self.backlog.suggest(
            cur,
            [
                (ids[c], insight_ids[r], float(s))
                for r, c, s in zip(rows, cols, scores, strict=True)
            ],
        )
